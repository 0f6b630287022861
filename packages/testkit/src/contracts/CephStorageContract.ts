import { assert, describe, it } from "@effect/vitest"
import {
  CephCommand,
  CephStorage,
  type ClusterSnapshot,
  ClusterStore,
  EntityKey,
  OsdId,
  PoolName,
  SnapshotName,
  VolumeName
} from "@pvc/core"
import { Effect, type Layer, Option, Stream } from "effect"

export interface CephStorageSuiteOptions {
  /** Bound on waiting for the cluster state to show a command's effect. Default 30 s. */
  readonly stateTimeoutMillis?: number
}

/**
 * The behaviour every `CephStorage` adapter must show, observed through the `ClusterStore` the
 * node daemons write to. Names are random and every test cleans up, so the suite can run against
 * a real cluster; it creates small pools (8 PGs) and 4 MiB volumes and never adds or removes OSDs.
 */
export const cephStorageSuite = (
  name: string,
  layer: Layer.Layer<CephStorage | ClusterStore, unknown>,
  options: CephStorageSuiteOptions = {}
): void => {
  const timeout = options.stateTimeoutMillis ?? 30_000
  const test = <A, E>(title: string, body: (t: Tools) => Effect.Effect<A, E, CephStorage | ClusterStore>) =>
    it.live(title, () => body(tools(timeout)).pipe(Effect.provide(layer)), timeout * 4)

  describe(`CephStorage contract (${name})`, () => {
    test("pool add creates the pool with its PG count; pool remove removes it", poolLifecycle)
    test("volume add creates the volume with its size in bytes; volume remove removes it", volumeLifecycle)
    test("snapshot add creates the snapshot; snapshot remove removes it", snapshotLifecycle)
    test("volume remove removes the volume's snapshots", volumeRemoveCascades)
    test("pool remove removes the pool's volumes and snapshots", poolRemoveCascades)
    test("adding what exists fails and changes nothing", duplicatesFail)
    test("removing what does not exist fails", missingFails)
    test("osd set and unset of a flag succeed", osdFlags)
    test("a command about an unknown OSD does not succeed", unknownOsd)
  })
}

interface Tools {
  readonly until: (what: string, holds: (snapshot: ClusterSnapshot) => boolean) => Effect.Effect<void, unknown, ClusterStore>
}

const tools = (timeout: number): Tools => ({
  until: (what, holds) =>
    ClusterStore.use((store) =>
      store.changes.pipe(
        Stream.filter(holds),
        Stream.runHead,
        Effect.timeoutOption(timeout),
        Effect.map((found) => assert.isTrue(Option.isSome(found) && Option.isSome(found.value), `timed out: ${what}`))
      )
    )
})

const run = (command: CephCommand) => CephStorage.use((ceph) => ceph.run(command))
const snapshot = ClusterStore.use((store) => store.snapshot)

const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`
const pool = () => PoolName.make(unique("ctpool"))
const volume = () => VolumeName.make(unique("ctvol"))
const snap = () => SnapshotName.make(unique("ctsnap"))
const MiB4 = 4 * 1024 * 1024

/** Runs `body` with a fresh pool, removing the pool afterwards whatever happens. */
const withPoolNamed = <A, E, R>(body: (name: PoolName) => Effect.Effect<A, E, R>) => {
  const name = pool()
  return Effect.acquireUseRelease(
    Effect.as(run(CephCommand.PoolAdd({ name, pgs: 8 })), name),
    body,
    () => Effect.ignore(run(CephCommand.PoolRemove({ name })))
  )
}

const poolLifecycle = (t: Tools) =>
  Effect.gen(function*() {
    const name = pool()
    yield* run(CephCommand.PoolAdd({ name, pgs: 8 }))
    yield* t.until("pool created", (s) => s.pools.has(name))
    assert.strictEqual((yield* snapshot).pools.get(name)?.pgs, "8")
    yield* run(CephCommand.PoolRemove({ name }))
    yield* t.until("pool removed", (s) => !s.pools.has(name))
  })

const volumeLifecycle = (t: Tools) =>
  withPoolNamed((p) =>
    Effect.gen(function*() {
      const v = volume()
      yield* run(CephCommand.VolumeAdd({ pool: p, name: v, bytes: MiB4 }))
      yield* t.until("volume created", (s) => s.volumes.has(EntityKey.volume(p, v)))
      const created = (yield* snapshot).volumes.get(EntityKey.volume(p, v))!
      assert.strictEqual(Number(created.stats["size"]), MiB4)
      assert.strictEqual(created.stats["name"], v)
      yield* run(CephCommand.VolumeRemove({ pool: p, name: v }))
      yield* t.until("volume removed", (s) => !s.volumes.has(EntityKey.volume(p, v)))
    })
  )

const snapshotLifecycle = (t: Tools) =>
  withPoolNamed((p) =>
    Effect.gen(function*() {
      const v = volume()
      const s = snap()
      yield* run(CephCommand.VolumeAdd({ pool: p, name: v, bytes: MiB4 }))
      yield* run(CephCommand.SnapshotAdd({ pool: p, volume: v, name: s }))
      yield* t.until("snapshot created", (x) => x.snapshots.has(EntityKey.snapshot(p, v, s)))
      yield* run(CephCommand.SnapshotRemove({ pool: p, volume: v, name: s }))
      yield* t.until("snapshot removed", (x) => !x.snapshots.has(EntityKey.snapshot(p, v, s)))
      assert.isTrue((yield* snapshot).volumes.has(EntityKey.volume(p, v)))
    })
  )

const volumeRemoveCascades = (t: Tools) =>
  withPoolNamed((p) =>
    Effect.gen(function*() {
      const [v, keep, s] = [volume(), volume(), snap()]
      yield* run(CephCommand.VolumeAdd({ pool: p, name: v, bytes: MiB4 }))
      yield* run(CephCommand.VolumeAdd({ pool: p, name: keep, bytes: MiB4 }))
      yield* run(CephCommand.SnapshotAdd({ pool: p, volume: v, name: s }))
      yield* run(CephCommand.SnapshotAdd({ pool: p, volume: keep, name: s }))
      yield* run(CephCommand.VolumeRemove({ pool: p, name: v }))
      yield* t.until("volume and its snapshot removed", (x) =>
        !x.volumes.has(EntityKey.volume(p, v)) && !x.snapshots.has(EntityKey.snapshot(p, v, s)))
      assert.isTrue((yield* snapshot).snapshots.has(EntityKey.snapshot(p, keep, s)))
    })
  )

const poolRemoveCascades = (t: Tools) =>
  Effect.gen(function*() {
    const [p, v, s] = [pool(), volume(), snap()]
    yield* run(CephCommand.PoolAdd({ name: p, pgs: 8 }))
    yield* run(CephCommand.VolumeAdd({ pool: p, name: v, bytes: MiB4 }))
    yield* run(CephCommand.SnapshotAdd({ pool: p, volume: v, name: s }))
    yield* run(CephCommand.PoolRemove({ name: p }))
    yield* t.until("pool, volume and snapshot removed", (x) =>
      !x.pools.has(p) && !x.volumes.has(EntityKey.volume(p, v)) && !x.snapshots.has(EntityKey.snapshot(p, v, s)))
  })

const failsWith = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>, ...tags: Array<string>) =>
  Effect.map(Effect.flip(effect), (error) => assert.include(tags, error._tag))

const duplicatesFail = (t: Tools) =>
  withPoolNamed((p) =>
    Effect.gen(function*() {
      const v = volume()
      yield* t.until("pool created", (x) => x.pools.has(p))
      yield* failsWith(run(CephCommand.PoolAdd({ name: p, pgs: 16 })), "CephCommandFailed")
      assert.strictEqual((yield* snapshot).pools.get(p)?.pgs, "8")
      yield* run(CephCommand.VolumeAdd({ pool: p, name: v, bytes: MiB4 }))
      yield* failsWith(run(CephCommand.VolumeAdd({ pool: p, name: v, bytes: 2 * MiB4 })), "CephCommandFailed")
      assert.strictEqual(Number((yield* snapshot).volumes.get(EntityKey.volume(p, v))?.stats["size"]), MiB4)
    })
  )

const missingFails = () =>
  withPoolNamed((p) =>
    Effect.gen(function*() {
      const [missingPool, v, s] = [pool(), volume(), snap()]
      yield* failsWith(run(CephCommand.PoolRemove({ name: missingPool })), "CephCommandFailed")
      yield* failsWith(run(CephCommand.VolumeAdd({ pool: missingPool, name: v, bytes: MiB4 })), "CephCommandFailed")
      yield* failsWith(run(CephCommand.VolumeRemove({ pool: p, name: v })), "CephCommandFailed")
      yield* failsWith(run(CephCommand.SnapshotAdd({ pool: p, volume: v, name: s })), "CephCommandFailed")
      yield* failsWith(run(CephCommand.SnapshotRemove({ pool: p, volume: v, name: s })), "CephCommandFailed")
    })
  )

const osdFlags = () =>
  Effect.gen(function*() {
    yield* run(CephCommand.OsdSet({ option: "noscrub" }))
    yield* run(CephCommand.OsdUnset({ option: "noscrub" }))
  })

const unknownOsd = () =>
  failsWith(run(CephCommand.OsdIn({ id: OsdId.make("999999") })), "CephCommandFailed", "CephCommandTimedOut")
