import { assert, it } from "@effect/vitest"
import { CephCommand, CephStorage, ClusterStore, NodeName, OsdId, PoolName } from "@pvc/core"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { cephStorageSuite } from "../../src/contracts/CephStorageContract.ts"
import { makeNode } from "../../src/demo/Builders.ts"
import { layerCephStorageMemory } from "../../src/fakes/CephStorageMemory.ts"
import { layerMemory } from "../../src/memory/ClusterStoreMemory.ts"

const cluster = (options: Parameters<typeof layerCephStorageMemory>[0] = {}) =>
  layerCephStorageMemory(options).pipe(Layer.provideMerge(layerMemory([makeNode("hv1")])))

cephStorageSuite("memory", cluster(), { stateTimeoutMillis: 2_000 })

const run = (command: CephCommand) => CephStorage.use((ceph) => ceph.run(command))
const snapshot = ClusterStore.use((store) => store.snapshot)

it.effect("osd add creates OSDs with the next id on the node; in/out mark them; remove deletes", () =>
  Effect.gen(function*() {
    const hv1 = NodeName.make("hv1")
    yield* run(CephCommand.OsdAdd({ node: hv1, device: "/dev/sdb", weight: "1.0" }))
    yield* run(CephCommand.OsdAdd({ node: hv1, device: "/dev/sdc", weight: "1.0" }))
    const osds = (yield* snapshot).osds
    assert.deepStrictEqual([...osds.values()].map((o) => [o.id, o.device]), [["0", "/dev/sdb"], ["1", "/dev/sdc"]])
    const dup = yield* run(CephCommand.OsdAdd({ node: hv1, device: "/dev/sdb", weight: "1.0" })).pipe(Effect.flip)
    assert.strictEqual(dup._tag, "CephCommandFailed")
    const ghost = yield* run(CephCommand.OsdAdd({ node: NodeName.make("hv9"), device: "/dev/sdb", weight: "1" }))
      .pipe(Effect.flip)
    assert.strictEqual(ghost._tag, "CephCommandFailed")
    yield* run(CephCommand.OsdOut({ id: OsdId.make("1") }))
    assert.strictEqual((yield* snapshot).osds.get(OsdId.make("1"))?.stats["in"], 0)
    yield* run(CephCommand.OsdIn({ id: OsdId.make("1") }))
    assert.strictEqual((yield* snapshot).osds.get(OsdId.make("1"))?.stats["in"], 1)
    yield* run(CephCommand.OsdRemove({ id: OsdId.make("0") }))
    assert.deepStrictEqual([...(yield* snapshot).osds.keys()], ["1"])
    const flag = yield* run(CephCommand.OsdSet({ option: "nonsense" })).pipe(Effect.flip)
    assert.strictEqual(flag._tag, "CephCommandFailed")
  }).pipe(Effect.provide(cluster())))

it.effect("injected failures carry the reason and the pipe command, and change nothing", () =>
  Effect.gen(function*() {
    const error = yield* run(CephCommand.PoolAdd({ name: PoolName.make("vms"), pgs: 64 })).pipe(Effect.flip)
    assert.deepStrictEqual([error._tag, "command" in error && error.command], ["CephCommandFailed", "pool_add vms,64"])
    assert.strictEqual(error._tag === "CephCommandFailed" && error.reason, "out of PGs")
    assert.strictEqual((yield* snapshot).pools.size, 0)
  }).pipe(Effect.provide(cluster({ fail: (c) => (c._tag === "PoolAdd" ? "out of PGs" : undefined) }))))

it.effect("an unanswered command times out at its deadline on the clock", () =>
  Effect.gen(function*() {
    const fiber = yield* run(CephCommand.PoolRemove({ name: PoolName.make("vms") })).pipe(Effect.flip, Effect.forkChild)
    yield* TestClock.adjust("9 seconds")
    yield* TestClock.adjust("1 second")
    const error = yield* Fiber.join(fiber)
    assert.strictEqual(error._tag, "CephCommandTimedOut")
    assert.strictEqual(error._tag === "CephCommandTimedOut" && error.seconds, 10)
  }).pipe(Effect.provide(cluster({ ignore: () => true, deadline: "10 seconds" }))))
