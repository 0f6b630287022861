import { assert, it } from "@effect/vitest"
import { ClusterStore, NodeName, put } from "@pvc/core"
import { Duration, Effect, Layer, Schedule } from "effect"
// The simulator is an ordinary ClusterStore client; here it runs against the real ZooKeeper adapter.
import { initCluster, layerConfig, layerNoDeps, layerZkClient, ZkClient } from "../../../adapters-zk/src/index.ts"
import { configFor, freshChroot, testZk } from "../../../adapters-zk/test/support.ts"
import { initialCluster, layerSimulator, Simulator } from "../../src/simulator/index.ts"
import { flush, unflush } from "./api.ts"

testZk()

const hv = (n: number) => NodeName.make(`hv${n}`)
const options = {
  seed: 21,
  nodes: 3,
  vms: 4,
  timing: {
    keepalive: Duration.millis(300),
    migrate: Duration.millis(50),
    shutdown: Duration.millis(50),
    poll: Duration.millis(50),
    fenceAfter: Duration.seconds(2),
    fenceDelay: Duration.millis(200)
  }
} as const

/** A fresh chroot holding `pvc init` plus the simulated cluster's nodes and VMs. */
const zkCluster = Layer.unwrap(Effect.gen(function*() {
  const chroot = yield* Effect.promise(freshChroot)
  const client = layerZkClient.pipe(Layer.provide(layerConfig(configFor(chroot))))
  const seeded = Layer.effectDiscard(Effect.gen(function*() {
    // The client connects in the background; `pvc init` is retried until it is connected.
    yield* initCluster(yield* ZkClient).pipe(
      Effect.retry({ while: (e) => e._tag === "ZkError", schedule: Schedule.spaced("100 millis"), times: 100 })
    )
  })).pipe(Layer.provide(client))
  const store = layerNoDeps.pipe(Layer.provide([client, layerConfig(configFor(chroot))]))
  return Layer.effectDiscard(Effect.gen(function*() {
    const cluster = yield* ClusterStore
    const base = yield* cluster.snapshot
    yield* cluster.commit({ base, changes: initialCluster(options).map(put), guards: [] })
  })).pipe(Layer.provideMerge(store), Layer.provide(seeded))
}))

it.live("the simulated daemons flush and unflush a node through ZooKeeper", () =>
  Effect.gen(function*() {
    const sim = yield* Simulator
    const settle = sim.settle({ step: "100 millis", maxSeconds: 60 })
    yield* settle
    const store = yield* ClusterStore
    const booted = yield* store.snapshot
    assert.strictEqual(booted.primaryNode.node, hv(1))
    const home = [...booted.vms.values()].filter((vm) => vm.node === hv(2)).map((vm) => vm.uuid).sort()
    assert.isAbove(home.length, 0)
    assert.deepStrictEqual([...booted.nodes.get(hv(2))!.runningDomains].sort(), home)
    yield* flush(hv(2))
    yield* settle
    const flushed = yield* store.snapshot
    assert.strictEqual(flushed.nodes.get(hv(2))?.domainState, "flushed")
    for (const uuid of home) assert.strictEqual(flushed.vms.get(uuid)?.lastNode, hv(2))
    assert.deepStrictEqual((yield* sim.placements).get(hv(2)), [])
    yield* unflush(hv(2))
    yield* settle
    const back = yield* store.snapshot
    assert.strictEqual(back.nodes.get(hv(2))?.domainState, "ready")
    assert.deepStrictEqual([...back.nodes.get(hv(2))!.runningDomains].sort(), home)
    assert.deepStrictEqual(yield* sim.violations, [])
    assert.deepStrictEqual(yield* sim.storeDisagreements, [])
  }).pipe(Effect.provide(layerSimulator(options).pipe(Layer.provideMerge(zkCluster)))), 90_000)

it.live("a killed primary is fenced through ZooKeeper: its VMs restart elsewhere, a new primary takes over", () =>
  Effect.gen(function*() {
    const sim = yield* Simulator
    const store = yield* ClusterStore
    const settle = sim.settle({ step: "100 millis", maxSeconds: 60 })
    yield* settle
    const victims = [...(yield* store.snapshot).vms.values()].filter((vm) => vm.node === hv(1)).map((vm) => vm.uuid)
    assert.isAbove(victims.length, 0)
    yield* sim.killNode(hv(1))
    yield* settle
    const after = yield* store.snapshot
    assert.strictEqual(after.nodes.get(hv(1))?.daemonState, "dead")
    assert.include([hv(2), hv(3)], after.primaryNode.node)
    const placements = yield* sim.placements
    for (const uuid of victims) {
      const vm = after.vms.get(uuid)!
      assert.strictEqual(vm.state, "start")
      assert.strictEqual(vm.lastNode, hv(1))
      assert.include(placements.get(vm.node) ?? [], uuid)
    }
    assert.deepStrictEqual(yield* sim.violations, [])
  }).pipe(Effect.provide(layerSimulator(options).pipe(Layer.provideMerge(zkCluster)))), 90_000)
