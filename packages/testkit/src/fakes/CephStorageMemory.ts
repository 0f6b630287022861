import {
  CephCommand,
  CephCommandFailed,
  CephCommandTimedOut,
  cephCommandText,
  CephStorage,
  type Change,
  type ClusterSnapshot,
  ClusterStore,
  decideAndCommit,
  EntityKey,
  Osd,
  OsdId,
  Pool,
  put,
  remove,
  Snapshot,
  Volume
} from "@pvc/core"
import { Clock, Duration, Effect, Layer, Result } from "effect"

export interface CephStorageMemoryOptions {
  /** Commands Ceph refuses: return the reason to fail with, undefined to run normally. */
  readonly fail?: (command: CephCommand) => string | undefined
  /** Commands no node answers: they fail with CephCommandTimedOut once `deadline` has passed. */
  readonly ignore?: (command: CephCommand) => boolean
  /** How long an unanswered command waits (on the Clock, so TestClock can skip it). Default 30 s. */
  readonly deadline?: Duration.Input
}

/** `ceph osd set` flags (Ceph rejects anything else). */
export const OSD_FLAGS: ReadonlySet<string> = new Set([
  "full", "pause", "noup", "nodown", "noout", "noin", "nobackfill", "norebalance", "norecover", "noscrub",
  "nodeep-scrub", "notieragent", "nosnaptrim", "sortbitwise", "recovery_deletes", "require_jewel_osds",
  "require_kraken_osds", "pglog_hardlimit"
])

const OBJECT_ORDER = 22
const OBJECT_SIZE = 2 ** OBJECT_ORDER

/** `rbd info --format json` of a fresh image, as the primary stores it (zk-layout §5). */
const rbdInfo = (name: string, bytes: number, serial: number, now: number) => ({
  name,
  size: bytes,
  objects: Math.ceil(bytes / OBJECT_SIZE),
  order: OBJECT_ORDER,
  object_size: OBJECT_SIZE,
  block_name_prefix: `rbd_data.${serial.toString(16).padStart(12, "0")}`,
  format: 2,
  features: ["layering", "exclusive-lock", "object-map", "fast-diff", "deep-flatten"],
  flags: [],
  create_timestamp: new Date(now).toUTCString()
})

interface Context {
  readonly flags: Set<string>
  readonly serial: number
  readonly now: number
}

type Outcome = Result.Result<ReadonlyArray<Change>, string>

const ok = (...changes: ReadonlyArray<Change>): Outcome => Result.succeed(changes)
const refuse = (reason: string): Outcome => Result.fail(reason)

const nextOsdId = (snapshot: ClusterSnapshot) =>
  OsdId.make(String([...snapshot.osds.keys()].reduce((max, id) => Math.max(max, Number(id) + 1), 0)))

const withOsd = (snapshot: ClusterSnapshot, id: string, f: (osd: Osd) => Outcome): Outcome => {
  const osd = snapshot.osds.get(OsdId.make(id))
  return osd === undefined ? refuse(`osd.${id} does not exist`) : f(osd)
}

const setFlag = (context: Context, option: string, on: boolean): Outcome => {
  if (!OSD_FLAGS.has(option)) return refuse(`Invalid command: ${option} is not a valid OSD flag`)
  if (on) context.flags.add(option)
  else context.flags.delete(option)
  return ok()
}

/** What the responsible node daemon writes to the cluster state for a command (zk-layout §5). */
const effectOf = (snapshot: ClusterSnapshot, command: CephCommand, context: Context): Outcome =>
  CephCommand.$match(command, {
    OsdAdd: ({ device, node }) => {
      if (!snapshot.nodes.has(node)) return refuse(`node ${node} does not exist`)
      const used = [...snapshot.osds.values()].some((o) => o.node === node && o.device === device)
      if (used) return refuse(`device ${device} on ${node} is already an OSD`)
      return ok(put(new Osd({ id: nextOsdId(snapshot), node, device, stats: {} })))
    },
    OsdRemove: ({ id }) => withOsd(snapshot, id, (osd) => ok(remove(osd))),
    OsdIn: ({ id }) => withOsd(snapshot, id, (osd) => ok(put(new Osd({ ...osd, stats: { ...osd.stats, in: 1 } })))),
    OsdOut: ({ id }) => withOsd(snapshot, id, (osd) => ok(put(new Osd({ ...osd, stats: { ...osd.stats, in: 0 } })))),
    OsdSet: ({ option }) => setFlag(context, option, true),
    OsdUnset: ({ option }) => setFlag(context, option, false),
    PoolAdd: ({ name, pgs }) =>
      snapshot.pools.has(name)
        ? refuse(`pool '${name}' already exists`)
        : ok(put(new Pool({ name, pgs: String(pgs), stats: {} }))),
    PoolRemove: ({ name }) => {
      const pool = snapshot.pools.get(name)
      return pool === undefined ? refuse(`pool '${name}' does not exist`) : ok(remove(pool))
    },
    VolumeAdd: ({ bytes, name, pool }) => {
      if (!snapshot.pools.has(pool)) return refuse(`pool '${pool}' does not exist`)
      if (snapshot.volumes.has(EntityKey.volume(pool, name))) return refuse(`rbd image ${pool}/${name} already exists`)
      return ok(put(new Volume({ pool, name, stats: rbdInfo(name, bytes, context.serial, context.now) })))
    },
    VolumeRemove: ({ name, pool }) => {
      const volume = snapshot.volumes.get(EntityKey.volume(pool, name))
      return volume === undefined ? refuse(`rbd image ${pool}/${name} does not exist`) : ok(remove(volume))
    },
    SnapshotAdd: ({ name, pool, volume }) => {
      if (!snapshot.volumes.has(EntityKey.volume(pool, volume))) {
        return refuse(`rbd image ${pool}/${volume} does not exist`)
      }
      if (snapshot.snapshots.has(EntityKey.snapshot(pool, volume, name))) {
        return refuse(`snapshot ${pool}/${volume}@${name} already exists`)
      }
      return ok(put(new Snapshot({ pool, volume, name, stats: {} })))
    },
    SnapshotRemove: ({ name, pool, volume }) => {
      const snap = snapshot.snapshots.get(EntityKey.snapshot(pool, volume, name))
      return snap === undefined ? refuse(`snapshot ${pool}/${volume}@${name} does not exist`) : ok(remove(snap))
    }
  })

/**
 * Ceph and the node daemons in memory: each command changes the cluster store the way the
 * responsible pvcd would (zk-layout §5), all of it in one commit. Faults are injected by option.
 */
export const makeCephStorageMemory = Effect.fnUntraced(function*(options: CephStorageMemoryOptions = {}) {
  const store = yield* ClusterStore
  const deadline = Duration.fromInputUnsafe(options.deadline ?? Duration.seconds(30))
  const flags = new Set<string>()
  let serial = 0

  const apply = (command: CephCommand, text: string) =>
    Effect.gen(function*() {
      const context = { flags, serial: ++serial, now: yield* Clock.currentTimeMillis }
      return yield* decideAndCommit((snapshot) =>
        Result.match(effectOf(snapshot, command, context), {
          onFailure: (reason) => Result.fail(new CephCommandFailed({ command: text, reason })),
          onSuccess: (changes) => Result.succeed({ changes, outcome: undefined })
        })
      ).pipe(
        Effect.catchTag("ConflictRetriesExhausted", (e) =>
          Effect.fail(new CephCommandFailed({ command: text, reason: `cluster state kept changing (${e.attempts} attempts)` })))
      )
    }).pipe(Effect.provideService(ClusterStore, store))

  const run = (command: CephCommand) =>
    Effect.gen(function*() {
      const text = cephCommandText(command)
      if (options.ignore?.(command) === true) {
        yield* Effect.sleep(deadline)
        return yield* new CephCommandTimedOut({ command: text, seconds: Duration.toSeconds(deadline) })
      }
      const injected = options.fail?.(command)
      if (injected !== undefined) return yield* new CephCommandFailed({ command: text, reason: injected })
      yield* apply(command, text)
    })

  return CephStorage.of({ run })
})

/** The in-memory Ceph, working on the ClusterStore it is given. */
export const layerCephStorageMemory = (
  options: CephStorageMemoryOptions = {}
): Layer.Layer<CephStorage, never, ClusterStore> => Layer.effect(CephStorage, makeCephStorageMemory(options))
