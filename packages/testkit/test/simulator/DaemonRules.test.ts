import { assert, describe, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import { type Entity, EntityIndex, Node, NodeName, NodeResources, type Revision, Vm, type VmState, VmUuid } from "@pvc/core"
import * as fc from "fast-check"
import { domainSize, keepalive, memTarget, staleNodes, vmAction } from "../../src/simulator/DaemonRules.ts"
import { initialCluster, simulatedDomainXml } from "../../src/simulator/SimulatedCluster.ts"

const hv = (n: number) => NodeName.make(`hv${n}`)
const snapshotOf = (entities: ReadonlyArray<Entity>) =>
  EntityIndex.of(entities.map((e, i) => [e, String(i) as Revision] as const)).toSnapshot()
const cluster = (seed = 1) => initialCluster({ seed, nodes: 3, vms: 6 })
const withNode = (entities: ReadonlyArray<Entity>, name: string, f: (n: Node) => Node) =>
  entities.map((e) => e._tag === "Node" && e.name === name ? f(e) : e)
const running = (n: Node) => new Node({ ...n, daemonState: "run" })
const allRunning = (entities: ReadonlyArray<Entity>) => entities.map((e) => e._tag === "Node" ? running(e) : e)

describe("DaemonRules", () => {
  it("domainSize reads libvirt's memory units (KiB by default) and the vCPU count", () => {
    assert.deepStrictEqual(domainSize(simulatedDomainXml("a", "u", 2048, 4)), { memoryMiB: 2048, vcpus: 4 })
    assert.deepStrictEqual(domainSize("<memory>1048576</memory><vcpu placement='static'>2</vcpu>"), {
      memoryMiB: 1024,
      vcpus: 2
    })
    assert.deepStrictEqual(domainSize("<memory unit='GiB'>3</memory>"), { memoryMiB: 3072, vcpus: 1 })
    assert.deepStrictEqual(domainSize("<domain/>"), { memoryMiB: 1024, vcpus: 1 })
  })

  it("memTarget picks the ready node with the most free memory, never the excluded one", () => {
    const entities = withNode(allRunning(cluster()), "hv3", (n) =>
      new Node({ ...n, resources: new NodeResources({ ...n.resources, memAllocated: 60000 }) }))
    assert.strictEqual(memTarget(snapshotOf(entities), hv(1))?.name, hv(2))
    const flushed = withNode(entities, "hv2", (n) => new Node({ ...n, domainState: "flushed" }))
    assert.strictEqual(memTarget(snapshotOf(flushed), hv(1))?.name, hv(3))
    const full = withNode(flushed, "hv3", (n) =>
      new Node({ ...n, resources: new NodeResources({ ...n.resources, memAllocated: 70000 }) }))
    assert.strictEqual(memTarget(snapshotOf(full), hv(1)), undefined)
  })

  test.prop([fc.constantFrom<VmState>("start", "restart", "shutdown", "stop", "migrate", "failed", "delete"), fc.boolean(), fc.boolean(), fc.boolean()])(
    "a daemon only touches VMs that are its own or that run on it, and never starts one running elsewhere",
    (state, own, here, elsewhere) => {
      const vm = new Vm({ ...(cluster().find((e) => e._tag === "Vm") as Vm), state, node: own ? hv(1) : hv(2) })
      const action = vmAction(hv(1), vm, here, elsewhere)
      if (!own && !here) assert.isUndefined(action)
      if (elsewhere) assert.notStrictEqual(action, "start")
      if (action === "start" || action === "receive") assert.isFalse(here)
      if (action === "migrateAway") assert.isTrue(here && !own)
    }
  )

  it("a keepalive records the running list, its memory and the time, and turns init into run", () => {
    const entities = cluster()
    const snapshot = snapshotOf(entities)
    const node = snapshot.nodes.get(hv(1))!
    const vms = [...snapshot.vms.values()].filter((v) => v.node === hv(1))
    const next = keepalive(node, snapshot, { running: vms.map((v) => v.uuid), nowSeconds: 42, load: 0.5, baseUsedMiB: 2048 })
    const memory = vms.reduce((sum, v) => sum + domainSize(v.xml).memoryMiB, 0)
    assert.strictEqual(next.daemonState, "run")
    assert.strictEqual(next.resources.memAllocated, memory)
    assert.strictEqual(next.resources.memUsed, 2048 + memory)
    assert.strictEqual(next.resources.memFree, next.resources.memTotal - next.resources.memUsed)
    assert.strictEqual(next.resources.keepalive, "42")
    assert.strictEqual(next.resources.cpuLoad, "0.50")
    assert.strictEqual(next.resources.domainsCount, String(vms.length))
    assert.deepStrictEqual(next.runningDomains, vms.map((v) => v.uuid))
    assert.strictEqual(keepalive(next, snapshot, { running: [VmUuid.make("gone")], nowSeconds: 43, load: 0, baseUsedMiB: 0 }).resources.memAllocated, 0)
  })

  it("only running nodes with an old keepalive are stale, never the asking node", () => {
    const at = (keepalives: Record<string, string>) =>
      allRunning(cluster()).map((e) =>
        e._tag === "Node"
          ? new Node({ ...e, resources: new NodeResources({ ...e.resources, keepalive: keepalives[e.name]! }) })
          : e
      )
    const entities = at({ hv1: "129", hv2: "100", hv3: "125" })
    const stale = (self: number, now: number, es = entities) => staleNodes(snapshotOf(es), hv(self), now, 30).map((n) => n.name)
    assert.deepStrictEqual(stale(1, 130), [])
    assert.deepStrictEqual(stale(1, 131), [hv(2)])
    assert.deepStrictEqual(stale(2, 200), [hv(1), hv(3)])
    const dead = withNode(entities, "hv2", (n) => new Node({ ...n, daemonState: "dead" }))
    assert.deepStrictEqual(stale(1, 131, dead), [])
  })
})
