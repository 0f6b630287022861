import { assert, describe, it } from "@effect/vitest"
import { ClusterStore, type Entity, type Node, type Vm } from "@pvc/core"
import { Effect } from "effect"
import { consistencyViolations } from "../src/arbitraries/index.ts"
import { demoCluster, layerDemo } from "../src/demo/index.ts"

const entities = demoCluster()
const of = <T extends Entity["_tag"]>(tag: T) => entities.filter((e): e is Extract<Entity, { _tag: T }> => e._tag === tag)
const vms = of("Vm")
const node = (name: string) => of("Node").find((n) => n.name === name) as Node

describe("demo cluster", () => {
  it("is consistent", () => {
    assert.deepStrictEqual(consistencyViolations(entities), [])
  })

  it("has a primary and a secondary coordinator and a hypervisor", () => {
    assert.deepStrictEqual(of("PrimaryNode")[0]?.node, "hv1")
    assert.deepStrictEqual(of("Node").map((n) => [n.name, n.daemonMode, n.routerState]), [
      ["hv1", "coordinator", "primary"],
      ["hv2", "coordinator", "secondary"],
      ["hv3", "hypervisor", "client"]
    ])
  })

  it("has VMs running on every node, a stopped, a migrated and a failed one", () => {
    assert.isAtLeast(vms.length, 6)
    assert.isAtMost(vms.length, 8)
    for (const name of ["hv1", "hv2", "hv3"]) assert.isTrue(vms.some((vm) => vm.node === name && vm.state === "start"))
    assert.isTrue(vms.some((vm) => vm.state === "stop"))
    assert.isTrue(vms.some((vm) => vm.lastNode !== null && vm.lastNode !== vm.node))
    assert.isTrue(vms.some((vm) => vm.state === "failed" && vm.failedReason.length > 0))
  })

  it("keeps the nodes' running lists and allocations in line with the VMs", () => {
    for (const n of of("Node")) {
      const running = vms.filter((vm) => vm.node === n.name && vm.state === "start")
      assert.sameMembers([...n.runningDomains], running.map((vm) => vm.uuid))
      const memory = running.reduce((sum, vm) => sum + Number(/<memory unit='MiB'>(\d+)</.exec(vm.xml)![1]), 0)
      assert.strictEqual(n.resources.memAllocated, memory)
      assert.strictEqual(n.resources.memUsed + n.resources.memFree, n.resources.memTotal)
    }
    assert.strictEqual(node("hv3").runningDomains.length, 2)
  })

  it("gives every VM a complete domain XML whose RBD disks exist as volumes", () => {
    const volumes = new Set(of("Volume").map((v) => `${v.pool}/${v.name}`))
    for (const vm of vms as ReadonlyArray<Vm>) {
      for (const part of [
        `<name>${vm.name}</name>`, `<uuid>${vm.uuid}</uuid>`, "<memory unit='MiB'>", "<vcpu>", "machine='pc-i440fx-2.12'>hvm</type>",
        "<features>", "<emulator>/usr/bin/kvm</emulator>", "<source protocol='rbd'", "<source file=", "<mac address=",
        "<source bridge=", "<model type='virtio'/>", "<console type='pty'>", "<controller type='scsi'"
      ]) assert.include(vm.xml, part, vm.name)
      for (const disk of vm.rbdList) {
        assert.include(vm.xml, `name='${disk}'`)
        assert.isTrue(volumes.has(disk), disk)
      }
    }
  })

  it("has both networks, leases, reservations and ACLs in both directions", () => {
    assert.sameMembers(of("Network").map((n) => n.type), ["managed", "bridged"])
    assert.isAtLeast(of("DhcpLease").length, 2)
    assert.isAtLeast(of("DhcpReservation").length, 2)
    assert.sameMembers([...new Set(of("Acl").map((a) => a.direction))], ["in", "out"])
  })

  it("has one OSD per node, two pools, snapshots and the Ceph texts", () => {
    assert.sameMembers(of("Osd").map((o) => o.node), ["hv1", "hv2", "hv3"])
    assert.strictEqual(of("Pool").length, 2)
    assert.isAtLeast(of("Snapshot").length, 2)
    const report = of("CephReport")[0]!
    assert.include(report.status, "health: HEALTH_OK")
    assert.include(report.status, "osd: 3 osds: 3 up, 3 in")
    assert.include(report.radosDf ?? "", "POOL_NAME")
    assert.strictEqual(report.status, report.status.trimEnd())
  })

  it.effect("layerDemo serves it from memory", () =>
    Effect.gen(function*() {
      const snapshot = yield* (yield* ClusterStore).snapshot
      assert.strictEqual(snapshot.vms.size, vms.length)
      assert.strictEqual(snapshot.primaryNode.node, "hv1")
    }).pipe(Effect.provide(layerDemo)))
})
