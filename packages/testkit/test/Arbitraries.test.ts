import { assert, describe, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import { type Entity, Node, Vm } from "@pvc/core"
import { Schema } from "effect"
import * as fc from "fast-check"
import {
  arbCluster,
  arbClusterWithOperations,
  arbNode,
  arbVm,
  consistencyViolations,
  DAEMON_STATES,
  DOMAIN_STATES,
  ROUTER_STATES,
  VM_STATES
} from "../src/arbitraries/index.ts"

const sample = <T>(arb: fc.Arbitrary<T>) => fc.sample(arb, { numRuns: 150, seed: 7 })

describe("entity arbitraries", () => {
  it("arbNode covers every daemon, router and domain state", () => {
    const nodes = sample(arbNode())
    assert.sameMembers([...new Set(nodes.map((n) => n.daemonState))], [...DAEMON_STATES])
    assert.sameMembers([...new Set(nodes.map((n) => n.routerState))], [...ROUTER_STATES])
    assert.sameMembers([...new Set(nodes.map((n) => n.domainState))], [...DOMAIN_STATES])
  })

  it("arbVm covers every state, migrated or not", () => {
    const vms = sample(arbVm({ nodes: ["hv1", "hv2", "hv3"] }))
    assert.sameMembers([...new Set(vms.map((vm) => vm.state))], [...VM_STATES])
    assert.isTrue(vms.some((vm) => vm.lastNode === null))
    assert.isTrue(vms.some((vm) => vm.lastNode !== null && vm.lastNode !== vm.node))
  })

  test.prop([arbNode(), arbVm()])("generated entities survive a Schema round trip", (node, vm) => {
    assert.deepStrictEqual(Schema.decodeUnknownSync(Node)(Schema.encodeSync(Node)(node)), node)
    assert.deepStrictEqual(Schema.decodeUnknownSync(Vm)(Schema.encodeSync(Vm)(vm)), vm)
  })
})

describe("arbCluster", () => {
  test.prop([arbCluster()], { numRuns: 100 })("is consistent", (entities) => {
    assert.deepStrictEqual(consistencyViolations(entities), [])
  })

  it("produces every entity kind", () => {
    const kinds = new Set(sample(arbCluster()).flat().map((e: Entity) => e._tag))
    assert.sameMembers([...kinds], [
      "Node", "PrimaryNode", "Vm", "Network", "DhcpLease", "DhcpReservation", "Acl", "Osd", "Pool", "Volume",
      "Snapshot", "CephReport"
    ])
  })

  it("spreads VMs over several nodes and gives some RBD disks", () => {
    const clusters = sample(arbCluster({ minNodes: 2 }))
    const vms = clusters.flat().filter((e): e is Vm => e._tag === "Vm")
    assert.isTrue(vms.some((vm) => vm.rbdList.length > 0))
    assert.isTrue(clusters.some((c) => new Set(c.filter((e): e is Vm => e._tag === "Vm").map((vm) => vm.node)).size > 1))
  })

  it("operation sequences use every operation kind", () => {
    const tags = new Set(sample(arbClusterWithOperations(arbCluster())).flatMap((s) => s.operations.map((o) => o._tag)))
    assert.sameMembers([...tags], [
      "StartVm", "StopVm", "ShutdownVm", "RestartVm", "UnmigrateVm", "MoveVm", "MigrateVm", "FlushNode", "UnflushNode",
      "AddAcl", "RemoveAcl", "AddReservation", "RemoveReservation", "DefineVm", "ModifyVm"
    ])
  })
})
