import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { put } from "../../src/cluster/ClusterPlan.ts"
import { Node } from "../../src/domain/Node.ts"
import type { VmUuid } from "../../src/domain/Ids.ts"
import { StoreUnavailable } from "../../src/errors/StoreErrors.ts"
import { type CephCommand, CephCommandFailed, CephCommandTimedOut, CephStorage } from "../../src/ports/CephStorage.ts"
import { ClusterStore } from "../../src/ports/ClusterStore.ts"
import { removeVm, undefineVm, VmStopTimeout } from "../../src/vms/index.ts"
import { node, uuidFor, vm } from "../nodes/Builders.ts"
import { cluster, currentNode, currentVm, layerCluster } from "./Fixture.ts"

/** Resolves once the VM's state is `state` in the store. */
const awaitState = (uuid: string, state: string) =>
  Effect.gen(function*() {
    const store = yield* ClusterStore
    yield* store.changes.pipe(Stream.filter((s) => s.vms.get(uuid as VmUuid)?.state === state), Stream.runHead)
  })

/** What the node daemon does on `stop`: destroy the domain and drop it from its running list. */
const daemonStops = (nodeName: string, uuid: string) =>
  Effect.gen(function*() {
    const store = yield* ClusterStore
    const base = yield* store.snapshot
    const current = base.nodes.get(nodeName as never)!
    const next = new Node({ ...current, runningDomains: current.runningDomains.filter((u) => u !== uuid) })
    yield* store.commit({ base, changes: [put(next)], guards: [] })
  })

const makeCeph = (commands: Array<CephCommand>) =>
  Layer.succeed(CephStorage, {
    run: (command: CephCommand) =>
      Effect.suspend((): Effect.Effect<void, CephCommandFailed | CephCommandTimedOut | StoreUnavailable> => {
        commands.push(command)
        if (command._tag !== "VolumeRemove") return Effect.void
        if (command.name === "bad") return Effect.fail(new CephCommandFailed({ command: "rbd rm", reason: "image busy" }))
        if (command.name === "slow") return Effect.fail(new CephCommandTimedOut({ command: "rbd rm", seconds: 60 }))
        if (command.name === "lost") return Effect.fail(new StoreUnavailable({ reason: "session expired", cause: null }))
        return Effect.void
      })
  })

describe("undefine and remove", () => {
  it.effect("undefine stops the VM, waits for its node to drop it, then deletes it", () =>
    Effect.gen(function*() {
      const uuid = uuidFor("web")
      const fiber = yield* undefineVm("web").pipe(Effect.forkChild)
      yield* awaitState(uuid, "stop")
      assert.isUndefined(fiber.pollUnsafe())
      yield* daemonStops("hv1", uuid)
      const { vm: removed } = yield* Fiber.join(fiber)
      assert.strictEqual(removed.name, "web")
      assert.isUndefined(yield* currentVm(uuid))
    }).pipe(Effect.provide(layerCluster())))

  it.effect("a stopped VM that no node runs goes straight through", () =>
    Effect.gen(function*() {
      const { vm: removed } = yield* undefineVm(uuidFor("batch"))
      assert.strictEqual(removed.state, "delete")
      assert.isUndefined(yield* currentVm(uuidFor("batch")))
    }).pipe(Effect.provide(layerCluster())))

  it.effect("the wait is bounded and configurable: WaitTimedOut leaves the VM stopped", () =>
    Effect.gen(function*() {
      const uuid = uuidFor("web")
      const fiber = yield* undefineVm("web").pipe(Effect.provideService(VmStopTimeout, 5), Effect.forkChild)
      yield* awaitState(uuid, "stop")
      yield* TestClock.adjust("4 seconds")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber).pipe(Effect.flip)
      assert.deepStrictEqual([error._tag, error._tag === "WaitTimedOut" && error.seconds], ["WaitTimedOut", 5])
      assert.strictEqual((yield* currentVm(uuid))?.state, "stop")
      assert.deepStrictEqual((yield* currentNode("hv1"))?.runningDomains, [uuid as VmUuid])
    }).pipe(Effect.provide(layerCluster())))

  it.effect("the default bound is 30 seconds", () =>
    Effect.gen(function*() {
      const fiber = yield* undefineVm("web").pipe(Effect.forkChild)
      yield* awaitState(uuidFor("web"), "stop")
      yield* TestClock.adjust("29 seconds")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(fiber).pipe(Effect.flip))._tag, "WaitTimedOut")
    }).pipe(Effect.provide(layerCluster())))

  it.effect("a VM still listed by a fenced (dead) node does not hold up undefine", () =>
    Effect.gen(function*() {
      const { vm: removed } = yield* undefineVm("ghost")
      assert.strictEqual(removed.name, "ghost")
    }).pipe(Effect.provide(layerCluster([
      node({ name: "hv1", daemonState: "dead", runningDomains: [uuidFor("ghost")] }),
      vm({ name: "ghost", node: "hv1", state: "start" })
    ]))))

  it.effect("undefine and remove of an unknown VM are VmNotFound", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* undefineVm("nope").pipe(Effect.flip))._tag, "VmNotFound")
      assert.strictEqual((yield* removeVm("nope").pipe(Effect.flip))._tag, "VmNotFound")
    }).pipe(Effect.provide(Layer.merge(layerCluster(), makeCeph([])))))

  it.effect("remove deletes the VM, then each RBD volume, collecting failures", () => {
    const commands: Array<CephCommand> = []
    const disks = ["vms/good", "vms/bad", "vms/slow", "vms/lost", "broken", "ssd/good"]
    const entities = [...cluster, vm({ name: "big", node: "hv2", rbdList: disks })]
    return Effect.gen(function*() {
      const { vm: removed, volumeFailures } = yield* removeVm("big")
      assert.strictEqual(removed.name, "big")
      assert.isUndefined(yield* currentVm(uuidFor("big")))
      assert.deepStrictEqual(
        commands.map((c) => c._tag === "VolumeRemove" ? `${c.pool}/${c.name}` : c._tag),
        ["vms/good", "vms/bad", "vms/slow", "vms/lost", "ssd/good"]
      )
      assert.deepStrictEqual(volumeFailures.map((f) => f.disk), ["vms/bad", "vms/slow", "vms/lost", "broken"])
      assert.strictEqual(volumeFailures[0]!.reason, "image busy")
    }).pipe(Effect.provide(Layer.merge(layerCluster(entities), makeCeph(commands))))
  })

  it.effect("remove of a running VM waits for it like undefine", () => {
    const commands: Array<CephCommand> = []
    return Effect.gen(function*() {
      const fiber = yield* removeVm("web").pipe(Effect.forkChild)
      yield* awaitState(uuidFor("web"), "stop")
      assert.deepStrictEqual(commands, [])
      yield* daemonStops("hv1", uuidFor("web"))
      const { volumeFailures } = yield* Fiber.join(fiber)
      assert.deepStrictEqual(volumeFailures, [])
      assert.strictEqual(commands.length, 1)
    }).pipe(Effect.provide(Layer.merge(layerCluster([...cluster, node({ name: "hv5" })]), makeCeph(commands))))
  })
})
