import { assert, describe, it } from "@effect/vitest"
import { ClusterStore, NodeName, type VmUuid } from "@pvc/core"
import { Duration, Effect } from "effect"
import { TestClock } from "effect/testing"
import { makeSimulatedCluster, Simulator } from "../../src/simulator/index.ts"
import { flush, migrate, setState, unflush } from "./api.ts"

const hv = (n: number) => NodeName.make(`hv${n}`)

const snapshot = Effect.gen(function*() {
  return yield* (yield* ClusterStore).snapshot
})

const vmsOn = (node: NodeName) =>
  Effect.map(snapshot, (s) => [...s.vms.values()].filter((vm) => vm.node === node))

const placementOf = (uuid: VmUuid) =>
  Effect.gen(function*() {
    const placements = yield* (yield* Simulator).placements
    return [...placements].filter(([, uuids]) => uuids.includes(uuid)).map(([node]) => node)
  })

describe("Simulator", () => {
  it.effect("boots: VMs run where their node says, keepalives fill the resources, one primary", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      const s = yield* snapshot
      assert.strictEqual(s.primaryNode.node, hv(1))
      assert.deepStrictEqual([...s.nodes.values()].map((n) => n.routerState), ["primary", "secondary", "secondary"])
      for (const node of s.nodes.values()) {
        assert.strictEqual(node.daemonState, "run")
        const mine = [...s.vms.values()].filter((vm) => vm.node === node.name)
        assert.deepStrictEqual([...node.runningDomains].sort(), mine.map((vm) => vm.uuid).sort())
        assert.strictEqual(node.resources.domainsCount, String(mine.length))
        assert.isAbove(node.resources.memAllocated, 0)
        assert.strictEqual(node.resources.memFree, node.resources.memTotal - node.resources.memUsed)
      }
      for (const vm of s.vms.values()) assert.strictEqual(vm.state, "start")
      assert.deepStrictEqual(yield* sim.violations, [])
    }).pipe(Effect.provide(makeSimulatedCluster({ seed: 1 }))))

  it.effect("stop, start, shutdown and restart act on the hypervisor", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      const [vm] = yield* vmsOn(hv(2))
      yield* setState(vm!.uuid, "stop")
      yield* sim.settle()
      assert.deepStrictEqual(yield* placementOf(vm!.uuid), [])
      yield* setState(vm!.uuid, "start")
      yield* sim.settle()
      assert.deepStrictEqual(yield* placementOf(vm!.uuid), [hv(2)])
      yield* setState(vm!.uuid, "shutdown")
      yield* sim.settle()
      assert.strictEqual((yield* snapshot).vms.get(vm!.uuid)?.state, "stop")
      assert.deepStrictEqual(yield* placementOf(vm!.uuid), [])
      yield* setState(vm!.uuid, "start")
      yield* sim.settle()
      yield* setState(vm!.uuid, "restart")
      yield* sim.settle()
      assert.strictEqual((yield* snapshot).vms.get(vm!.uuid)?.state, "start")
      assert.deepStrictEqual(yield* placementOf(vm!.uuid), [hv(2)])
    }).pipe(Effect.provide(makeSimulatedCluster({ seed: 2 }))))

  it.effect("a refused start fails the VM with the hypervisor's reason", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      const [vm] = yield* vmsOn(hv(1))
      yield* setState(vm!.uuid, "stop")
      yield* sim.settle()
      yield* sim.refuseStart(vm!.uuid, "no space left on device")
      yield* setState(vm!.uuid, "start")
      yield* sim.settle()
      const after = (yield* snapshot).vms.get(vm!.uuid)
      assert.strictEqual(after?.state, "failed")
      assert.strictEqual(after?.failedReason, "no space left on device")
    }).pipe(Effect.provide(makeSimulatedCluster({ seed: 3 }))))

  it.effect("migrate shows `migrate` for about a second, then `start` on the target", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      const [vm] = yield* vmsOn(hv(1))
      yield* migrate(vm!.uuid, hv(3))
      yield* TestClock.adjust("500 millis")
      assert.strictEqual((yield* snapshot).vms.get(vm!.uuid)?.state, "migrate")
      yield* sim.settle()
      const after = (yield* snapshot).vms.get(vm!.uuid)
      assert.strictEqual(after?.state, "start")
      assert.strictEqual(after?.lastNode, hv(1))
      assert.deepStrictEqual(yield* placementOf(vm!.uuid), [hv(3)])
    }).pipe(Effect.provide(makeSimulatedCluster({ seed: 4 }))))

  it.effect("a failed live migration becomes a cold one and still ends started on the target", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      const [vm] = yield* vmsOn(hv(1))
      yield* sim.failNextMigration(vm!.uuid)
      yield* migrate(vm!.uuid, hv(2))
      yield* sim.settle()
      assert.strictEqual((yield* snapshot).vms.get(vm!.uuid)?.state, "start")
      assert.deepStrictEqual(yield* placementOf(vm!.uuid), [hv(2)])
      assert.isTrue((yield* sim.events).some((e) => e.includes("live migration") && e.includes("failed")))
    }).pipe(Effect.provide(makeSimulatedCluster({ seed: 5 }))))

  it.effect("flush moves every VM away with lastnode set; unflush brings exactly those back", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      const before = (yield* vmsOn(hv(2))).map((vm) => vm.uuid).sort()
      yield* flush(hv(2))
      yield* sim.settle()
      const flushed = yield* snapshot
      assert.strictEqual(flushed.nodes.get(hv(2))?.domainState, "flushed")
      assert.deepStrictEqual(flushed.nodes.get(hv(2))?.runningDomains, [])
      for (const uuid of before) {
        const vm = flushed.vms.get(uuid)!
        assert.notStrictEqual(vm.node, hv(2))
        assert.strictEqual(vm.lastNode, hv(2))
        assert.strictEqual(vm.state, "start")
      }
      assert.deepStrictEqual((yield* sim.placements).get(hv(2)), [])
      yield* unflush(hv(2))
      yield* sim.settle()
      const back = yield* snapshot
      assert.strictEqual(back.nodes.get(hv(2))?.domainState, "ready")
      assert.deepStrictEqual((yield* vmsOn(hv(2))).map((vm) => vm.uuid).sort(), before)
      assert.deepStrictEqual((yield* sim.placements).get(hv(2)), before)
      assert.isTrue([...back.vms.values()].every((vm) => vm.lastNode === null))
    }).pipe(Effect.provide(makeSimulatedCluster({ seed: 6 }))))

  it.effect("flush with nowhere to go shuts the VMs down", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      yield* flush(hv(1))
      yield* sim.settle()
      const s = yield* snapshot
      assert.strictEqual(s.nodes.get(hv(1))?.domainState, "flushed")
      for (const vm of s.vms.values()) {
        assert.strictEqual(vm.state, "stop")
        assert.strictEqual(vm.node, hv(1))
      }
    }).pipe(Effect.provide(makeSimulatedCluster({ seed: 7, nodes: 1, vms: 2 }))))

  it.effect("a dead node is fenced: its VMs restart elsewhere with lastnode set, a new primary is elected", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      const victims = (yield* vmsOn(hv(1))).map((vm) => vm.uuid)
      yield* sim.killNode(hv(1))
      yield* sim.settle()
      const s = yield* snapshot
      const dead = s.nodes.get(hv(1))!
      assert.strictEqual(dead.daemonState, "dead")
      assert.strictEqual(dead.domainState, "flushed")
      assert.strictEqual(dead.routerState, "secondary")
      assert.include([hv(2), hv(3)], s.primaryNode.node)
      for (const uuid of victims) {
        const vm = s.vms.get(uuid)!
        assert.strictEqual(vm.state, "start")
        assert.strictEqual(vm.lastNode, hv(1))
        assert.deepStrictEqual(yield* placementOf(uuid), [vm.node])
      }
      yield* sim.reviveNode(hv(1))
      yield* sim.settle()
      yield* unflush(hv(1))
      yield* sim.settle()
      assert.deepStrictEqual((yield* vmsOn(hv(1))).map((vm) => vm.uuid).sort(), [...victims].sort())
      assert.deepStrictEqual(yield* sim.violations, [])
    }).pipe(Effect.provide(makeSimulatedCluster({ seed: 8 }))))

  const scripted = (seed: number) =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      yield* sim.settle()
      yield* flush(hv(1))
      yield* TestClock.adjust("2 seconds")
      yield* sim.killNode(hv(3))
      yield* sim.settle()
      yield* unflush(hv(1))
      yield* sim.settle()
      return yield* sim.events
    }).pipe(Effect.provide(makeSimulatedCluster({ seed, faults: { migrationFailureRate: 0.3, startRefusalRate: 0.1 } })))

  it.effect("a seed gives the same run, faults included", () =>
    Effect.gen(function*() {
      const first = yield* scripted(11)
      const second = yield* scripted(11)
      assert.deepStrictEqual(first, second)
      assert.isTrue(first.some((e) => e.includes("fenced hv3")))
    }))

  it.effect("random migration failures come from the seed", () =>
    Effect.gen(function*() {
      const events = yield* scripted(12)
      assert.isTrue(events.some((e) => e.includes("live migration") && e.includes("failed")))
    }))

  it.live("runs on the real clock too (as the embedded API does)", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator
      const settle = sim.settle({ step: "20 millis", maxSeconds: 20 })
      yield* settle
      const before = (yield* vmsOn(hv(3))).map((vm) => vm.uuid)
      yield* flush(hv(3))
      yield* settle
      const s = yield* snapshot
      assert.strictEqual(s.nodes.get(hv(3))?.domainState, "flushed")
      for (const uuid of before) assert.strictEqual(s.vms.get(uuid)?.lastNode, hv(3))
    }).pipe(Effect.provide(makeSimulatedCluster({
      seed: 13,
      timing: {
        keepalive: Duration.millis(100),
        migrate: Duration.millis(30),
        shutdown: Duration.millis(30),
        poll: Duration.millis(20)
      }
    }))))
})
