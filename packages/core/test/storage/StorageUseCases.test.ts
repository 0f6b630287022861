import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { layerCephStorageMemory } from "../../../testkit/src/fakes/CephStorageMemory.ts"
import { makeCephReport, makeNode, makeOsd, makePool, makePrimaryNode, makeSnapshot, makeVolume } from "../../../testkit/src/demo/Builders.ts"
import { layerMemory } from "../../../testkit/src/memory/ClusterStoreMemory.ts"
import type { Entity } from "../../src/cluster/Entity.ts"
import { EntityKey } from "../../src/cluster/Entity.ts"
import type { CephStorage } from "../../src/ports/CephStorage.ts"
import { ClusterStore } from "../../src/ports/ClusterStore.ts"
import { layerRegexEngine } from "../support/RegexEngine.ts"
import type { RegexEngine } from "../../src/ports/RegexEngine.ts"
import {
  addOsd,
  addPool,
  addSnapshot,
  addVolume,
  cephDf,
  cephStatus,
  getOsd,
  getPool,
  getSnapshot,
  getVolume,
  listOsds,
  listPools,
  listSnapshots,
  listVolumes,
  osdIn,
  osdOut,
  removeOsd,
  removePool,
  removeSnapshot,
  removeVolume,
  setOsdOption,
  unsetOsdOption
} from "../../src/storage/index.ts"

const seed: ReadonlyArray<Entity> = [
  makeNode("hv1"),
  makeNode("hv2"),
  makePrimaryNode("hv1"),
  makeCephReport("HEALTH_OK"),
  makeOsd("0", "hv1", "/dev/sdb"),
  makeOsd("10", "hv2", "/dev/sdb"),
  makeOsd("2", "hv1", "/dev/sdc"),
  makePool("vms", "256"),
  makePool("backup", "64"),
  makeVolume("vms", "disk0"),
  makeVolume("vms", "disk1"),
  makeVolume("backup", "disk0"),
  makeSnapshot("vms", "disk0", "snap0"),
  makeSnapshot("vms", "disk1", "snap0"),
  makeSnapshot("vms", "disk0", "snap1")
]

type Ceph = Parameters<typeof layerCephStorageMemory>[0]

const withCluster = <A, E>(
  effect: Effect.Effect<A, E, ClusterStore | CephStorage | RegexEngine>,
  entities: ReadonlyArray<Entity> = seed,
  ceph: Ceph = {}
) =>
  Effect.provide(
    effect,
    Layer.mergeAll(layerCephStorageMemory(ceph), layerRegexEngine).pipe(Layer.provideMerge(layerMemory(entities)))
  )

const tagOf = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.flip, Effect.map((e) => e._tag))

const snapshot = ClusterStore.use((store) => store.snapshot)

describe("Ceph status", () => {
  it.effect("answers the stored status with the primary node", () =>
    withCluster(Effect.gen(function*() {
      const status = yield* cephStatus()
      assert.deepStrictEqual([status.primaryNode, status.text], ["hv1", "HEALTH_OK"])
      assert.strictEqual(yield* tagOf(cephDf()), "CephDfUnavailable")
    })))

  it.effect("answers rados df once stored", () =>
    withCluster(
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* cephDf(), { primaryNode: null, text: "POOL USED" })
      }),
      [makeCephReport("HEALTH_OK", "POOL USED")]
    ))
})

describe("OSD use-cases", () => {
  it.effect("lists in numeric id order, limit on the id, get by exact id", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual((yield* listOsds()).map((o) => o.id), ["0", "2", "10"])
      assert.deepStrictEqual((yield* listOsds({ limit: "^1" })).map((o) => o.id), ["10"])
      assert.deepStrictEqual((yield* getOsd("2")).map((o) => o.device), ["/dev/sdc"])
      assert.deepStrictEqual(yield* getOsd("1"), [])
      assert.strictEqual(yield* tagOf(listOsds({ limit: "[" })), "InvalidLimit")
    })))

  it.effect("adds an OSD on a node, refusing unknown nodes, used devices and bad values", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(yield* addOsd("hv2", { device: "/dev/sdc", weight: "1.0" }), {
        node: "hv2",
        device: "/dev/sdc"
      })
      assert.deepStrictEqual((yield* getOsd("11")).map((o) => o.node), ["hv2"])
      assert.strictEqual(yield* tagOf(addOsd("hv9", { device: "/dev/sdc", weight: "1" })), "NodeNotFound")
      assert.strictEqual(yield* tagOf(addOsd("hv1", { device: "/dev/sdb", weight: "1" })), "OsdDeviceInUse")
      assert.strictEqual(yield* tagOf(addOsd("hv1", { weight: "1" })), "MissingStorageValue")
      assert.strictEqual(yield* tagOf(addOsd("hv1", { device: "/dev/sdd" })), "MissingStorageValue")
      assert.strictEqual(yield* tagOf(addOsd("hv1", { device: "sdd", weight: "1" })), "InvalidStorageValue")
      assert.strictEqual(yield* tagOf(addOsd("hv1", { device: "/dev/sdd", weight: "heavy" })), "InvalidStorageValue")
    })))

  it.effect("removes an OSD only when confirmed and known", () =>
    withCluster(Effect.gen(function*() {
      assert.strictEqual(yield* tagOf(removeOsd("2", { confirmed: false })), "ConfirmationRequired")
      assert.strictEqual(yield* tagOf(removeOsd("7", { confirmed: true })), "OsdNotFound")
      assert.strictEqual(yield* tagOf(removeOsd("x", { confirmed: true })), "InvalidStorageValue")
      assert.deepStrictEqual(yield* removeOsd("2", { confirmed: true }), { id: "2" })
      assert.deepStrictEqual(yield* getOsd("2"), [])
    })))

  it.effect("sets an OSD in and out", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(yield* osdOut("10"), { id: "10" })
      assert.strictEqual((yield* getOsd("10"))[0]?.stats["in"], 0)
      assert.deepStrictEqual(yield* osdIn("10"), { id: "10" })
      assert.strictEqual(yield* tagOf(osdIn("5")), "OsdNotFound")
      assert.strictEqual(yield* tagOf(osdOut("5")), "OsdNotFound")
    })))

  it.effect("sets and unsets OSD options", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(yield* setOsdOption("noout"), { option: "noout" })
      assert.deepStrictEqual(yield* unsetOsdOption("noout"), { option: "noout" })
      assert.strictEqual(yield* tagOf(setOsdOption(undefined)), "MissingStorageValue")
      assert.strictEqual(yield* tagOf(unsetOsdOption("no out")), "InvalidStorageValue")
      assert.strictEqual(yield* tagOf(setOsdOption("nonsense")), "CephCommandFailed")
    })))
})

describe("pool use-cases", () => {
  it.effect("lists by name with limit; gets exactly", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual((yield* listPools()).map((p) => p.name), ["backup", "vms"])
      assert.deepStrictEqual((yield* listPools({ limit: "m" })).map((p) => p.name), ["vms"])
      assert.deepStrictEqual((yield* getPool("vms")).map((p) => p.pgs), ["256"])
      assert.deepStrictEqual(yield* getPool("vm"), [])
    })))

  it.effect("adds a pool, refusing duplicates, bad names and bad PG counts", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(yield* addPool("new", { pgs: "128" }), { pool: "new", pgs: 128 })
      assert.deepStrictEqual((yield* getPool("new")).map((p) => p.pgs), ["128"])
      assert.strictEqual(yield* tagOf(addPool("vms", { pgs: "128" })), "PoolExists")
      assert.strictEqual(yield* tagOf(addPool("x", {})), "MissingStorageValue")
      assert.strictEqual(yield* tagOf(addPool("x", { pgs: "0" })), "InvalidStorageValue")
      assert.strictEqual(yield* tagOf(addPool("x", { pgs: "many" })), "InvalidStorageValue")
      assert.strictEqual(yield* tagOf(addPool("a,b", { pgs: "8" })), "InvalidStorageValue")
    })))

  it.effect("removes a pool with its volumes only when confirmed", () =>
    withCluster(Effect.gen(function*() {
      assert.strictEqual(yield* tagOf(removePool("vms", { confirmed: false })), "ConfirmationRequired")
      assert.strictEqual(yield* tagOf(removePool("nope", { confirmed: true })), "PoolNotFound")
      assert.deepStrictEqual(yield* removePool("vms", { confirmed: true }), { pool: "vms" })
      const after = yield* snapshot
      assert.deepStrictEqual([...after.volumes.values()].map((v) => `${v.pool}/${v.name}`), ["backup/disk0"])
      assert.strictEqual(after.snapshots.size, 0)
    })))

  it.effect("reports a failed or unanswered Ceph command", () =>
    Effect.gen(function*() {
      const failed = yield* withCluster(addPool("x", { pgs: "8" }).pipe(Effect.flip), seed, { fail: () => "no" })
      assert.strictEqual(failed._tag, "CephCommandFailed")
      const silent = yield* withCluster(addPool("x", { pgs: "8" }).pipe(Effect.flip), seed, {
        ignore: () => true,
        deadline: 0
      })
      assert.strictEqual(silent._tag, "CephCommandTimedOut")
    }))
})

describe("volume use-cases", () => {
  it.effect("lists by name with pool and limit filters; gets exactly", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual((yield* listVolumes()).map((v) => `${v.pool}/${v.name}`), [
        "backup/disk0",
        "vms/disk0",
        "vms/disk1"
      ])
      assert.deepStrictEqual((yield* listVolumes({ pool: "vms", limit: "0$" })).map((v) => v.name), ["disk0"])
      assert.deepStrictEqual(yield* listVolumes({ pool: "nope" }), [])
      assert.strictEqual((yield* getVolume("backup", "disk0")).length, 1)
      assert.deepStrictEqual(yield* getVolume("backup", "disk1"), [])
    })))

  it.effect("adds a volume, answering the size as given and in bytes", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(yield* addVolume("vms", "disk2", { size: "4G" }), {
        pool: "vms",
        name: "disk2",
        size: "4G",
        bytes: 4 * 2 ** 30
      })
      assert.strictEqual((yield* getVolume("vms", "disk2"))[0]?.stats["size"], 4 * 2 ** 30)
      assert.strictEqual(yield* tagOf(addVolume("nope", "d", { size: "1G" })), "PoolNotFound")
      assert.strictEqual(yield* tagOf(addVolume("vms", "disk0", { size: "1G" })), "VolumeExists")
      assert.strictEqual(yield* tagOf(addVolume("vms", "d", {})), "MissingStorageValue")
      assert.strictEqual(yield* tagOf(addVolume("vms", "d", { size: "1.5G" })), "InvalidStorageValue")
      assert.strictEqual(yield* tagOf(addVolume("vms", "a b", { size: "1G" })), "InvalidStorageValue")
    })))

  it.effect("removes a volume with its snapshots", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(yield* removeVolume("vms", "disk0"), { pool: "vms", name: "disk0" })
      const after = yield* snapshot
      assert.isFalse(after.snapshots.has(EntityKey.snapshot("vms", "disk0", "snap0")))
      assert.isTrue(after.snapshots.has(EntityKey.snapshot("vms", "disk1", "snap0")))
      assert.strictEqual(yield* tagOf(removeVolume("vms", "disk0")), "VolumeNotFound")
      assert.strictEqual(yield* tagOf(removeVolume("nope", "disk0")), "PoolNotFound")
    })))
})

describe("snapshot use-cases", () => {
  it.effect("lists by name with pool, volume and limit combined freely; gets exactly", () =>
    withCluster(Effect.gen(function*() {
      const names = (s: ReadonlyArray<{ pool: string; volume: string; name: string }>) =>
        s.map((x) => `${x.pool}/${x.volume}@${x.name}`)
      assert.deepStrictEqual(names(yield* listSnapshots()), ["vms/disk0@snap0", "vms/disk1@snap0", "vms/disk0@snap1"])
      assert.deepStrictEqual(names(yield* listSnapshots({ volume: "disk1" })), ["vms/disk1@snap0"])
      assert.deepStrictEqual(names(yield* listSnapshots({ pool: "vms", limit: "1$" })), ["vms/disk0@snap1"])
      assert.strictEqual((yield* getSnapshot("vms", "disk0", "snap1")).length, 1)
      assert.deepStrictEqual(yield* getSnapshot("vms", "disk1", "snap1"), [])
    })))

  it.effect("adds and removes snapshots after checking what exists", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(yield* addSnapshot("vms", "disk1", "snap9"), { pool: "vms", volume: "disk1", name: "snap9" })
      assert.strictEqual((yield* getSnapshot("vms", "disk1", "snap9")).length, 1)
      assert.strictEqual(yield* tagOf(addSnapshot("nope", "disk1", "s")), "PoolNotFound")
      assert.strictEqual(yield* tagOf(addSnapshot("vms", "disk9", "s")), "VolumeNotFound")
      assert.strictEqual(yield* tagOf(addSnapshot("vms", "disk0", "snap0")), "SnapshotExists")
      assert.strictEqual(yield* tagOf(addSnapshot("vms", "disk0", "a/b")), "InvalidStorageValue")
      assert.deepStrictEqual(yield* removeSnapshot("vms", "disk1", "snap9"), {
        pool: "vms",
        volume: "disk1",
        name: "snap9"
      })
      assert.strictEqual(yield* tagOf(removeSnapshot("vms", "disk1", "snap9")), "SnapshotNotFound")
      assert.strictEqual(yield* tagOf(removeSnapshot("vms", "disk9", "snap0")), "VolumeNotFound")
    })))
})
