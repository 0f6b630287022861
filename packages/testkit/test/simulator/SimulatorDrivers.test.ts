import { assert, it } from "@effect/vitest"
import { ClusterStore, type DomainDriverShape, NodeName } from "@pvc/core"
import { Effect } from "effect"
import { makeDomainDriverMemory } from "../../src/fakes/DomainDriverMemory.ts"
import { makeSimulatedCluster, Simulator } from "../../src/simulator/index.ts"
import { flush, unflush } from "./api.ts"

// The daemons only use the DomainDriver port, so any hypervisor per node will do: here the
// testkit's DomainDriver fake (the one held to libvirt's contract).
const byNode = new Map<NodeName, DomainDriverShape>()
const drivers = () => {
  return (node: NodeName) => {
    let driver = byNode.get(node)
    if (driver === undefined) {
      driver = makeDomainDriverMemory()
      byNode.set(node, driver)
    }
    return driver
  }
}

it.effect("with given DomainDrivers the daemons boot, flush, unflush and fence the same way", () =>
  Effect.gen(function*() {
    const sim = yield* Simulator
    const store = yield* ClusterStore
    const hv2 = NodeName.make("hv2")
    yield* sim.settle()
    const home = [...(yield* store.snapshot).vms.values()].filter((vm) => vm.node === hv2).map((vm) => vm.uuid).sort()
    assert.deepStrictEqual([...(yield* sim.placements).get(hv2)!].sort(), home)
    yield* flush(hv2)
    yield* sim.settle()
    const flushed = yield* store.snapshot
    assert.deepStrictEqual(flushed.nodes.get(hv2)?.runningDomains, [])
    for (const uuid of home) assert.strictEqual(flushed.vms.get(uuid)?.lastNode, hv2)
    yield* unflush(hv2)
    yield* sim.settle()
    assert.deepStrictEqual([...(yield* store.snapshot).nodes.get(hv2)!.runningDomains].sort(), home)
      const hv1 = NodeName.make("hv1")
    const victims = [...(yield* store.snapshot).vms.values()].filter((vm) => vm.node === hv1).map((vm) => vm.uuid)
    yield* sim.killNode(hv1)
    assert.deepStrictEqual(yield* byNode.get(hv1)!.running, [])
    yield* sim.settle()
    const fenced = yield* store.snapshot
    for (const uuid of victims) {
      const vm = fenced.vms.get(uuid)!
      assert.strictEqual(vm.lastNode, hv1)
      assert.include(yield* byNode.get(vm.node)!.running, uuid)
    }
  }).pipe(Effect.provide(makeSimulatedCluster({ seed: 31, drivers: drivers() }))))
