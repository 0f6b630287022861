import {
  type ClusterPlan,
  type ClusterSnapshot,
  ClusterStore,
  type Entity,
  entityKey,
  type EntityKey,
  EntityKey as Keys,
  StaleSnapshot,
  StoreUnavailable
} from "@pvc/core"
import { Effect, Layer, Queue, Stream } from "effect"
import { encode, type KeyValue, locate, parseRevision, removalRoots, rootOf, sequenced } from "./Layout.ts"
import { Mirror, splitRevision } from "./Mirror.ts"
import {
  isConnectionProblem,
  layer as zkClientLayer,
  ZkClient,
  type ZkClientShape,
  type ZkError,
  type ZkOp,
  type ZkStat,
  type ZkState
} from "./ZkClient.ts"
import { ZkConfig } from "./ZkConfig.ts"
import { listSubtree } from "./ZkTree.ts"

const unavailable = (reason: string, cause?: unknown) => new StoreUnavailable({ reason, cause })

const fromZkError = (error: ZkError): StaleSnapshot | StoreUnavailable =>
  isConnectionProblem(error)
    ? unavailable(`ZooKeeper: ${error.code}`, error)
    : new StaleSnapshot({ entity: error.path === undefined ? "?" : (locate(error.path)?.key ?? error.path) })

const MAX_MULTI_BYTES = 960 * 1024

const parentOf = (path: string): string => path.slice(0, Math.max(path.lastIndexOf("/"), 0))

/** Operations of one plan, in the order a multi needs them. */
class OpsBuilder {
  readonly checks = new Map<string, number>()
  readonly sets = new Map<string, ZkOp>()
  readonly creates = new Map<string, string>()
  readonly deletes: Array<string> = []
  private readonly mirror: Mirror

  constructor(mirror: Mirror) {
    this.mirror = mirror
  }

  willExist(path: string): boolean {
    return this.creates.has(path) || (this.mirror.exists(path) && !this.deletes.includes(path))
  }

  create(path: string, value: string): void {
    for (let parent = parentOf(path); parent !== "" && !this.willExist(parent); parent = parentOf(parent)) {
      this.creates.set(parent, "")
    }
    this.creates.set(path, value)
  }

  /** Give `path` this value: in a create of this plan, by a set when it exists, else by a create. */
  write(path: string, value: string, version: number): void {
    if (this.creates.has(path)) this.creates.set(path, value)
    else if (this.willExist(path)) this.sets.set(path, { op: "set", path, data: value, version })
    else this.create(path, value)
  }

  ops(): ReadonlyArray<ZkOp> {
    const checks = [...this.checks]
      .filter(([path]) => !this.sets.has(path))
      .map(([path, version]): ZkOp => ({ op: "check", path, version }))
    const creates = [...this.creates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return [
      ...checks,
      ...this.sets.values(),
      ...this.deletes.map((path): ZkOp => ({ op: "delete", path, version: -1 })),
      ...creates.map(([path, data]): ZkOp => ({ op: "create", path, data }))
    ]
  }
}

const guardedVersions = (plan: ClusterPlan, entity: Entity) => {
  const revision = plan.base.revisionOf(entityKey(entity))
  if (revision === undefined) return undefined
  const loc = locate(rootOf(entity))
  return loc === undefined ? [] : parseRevision(loc.tag, loc.root, splitRevision(revision).versions)
}

const addChecks = (b: OpsBuilder, plan: ClusterPlan, entity: Entity) => {
  for (const { path, version } of guardedVersions(plan, entity) ?? []) {
    if (version !== undefined) b.checks.set(path, version)
  }
}

const putNew = (b: OpsBuilder, entity: Entity) => {
  for (const kv of encode(entity)) {
    if (kv.role === "container" && b.willExist(kv.path)) continue
    if (kv.role === "shared") b.write(kv.path, kv.value, -1)
    else b.create(kv.path, kv.value)
  }
}

/** Write only the keys whose value changed; guarded keys carry the base version. */
const putExisting = (b: OpsBuilder, plan: ClusterPlan, entity: Entity, base: Entity) => {
  const versions = new Map((guardedVersions(plan, entity) ?? []).map((g) => [g.path, g.version]))
  const before = new Map(encode(base).map((kv: KeyValue) => [kv.path, kv.value]))
  for (const kv of encode(entity)) {
    if (before.get(kv.path) === kv.value && before.has(kv.path)) continue
    if (kv.role === "container" && b.willExist(kv.path)) continue
    b.write(kv.path, kv.value, versions.get(kv.path) ?? -1)
  }
  for (const [path, version] of versions) if (version !== undefined) b.checks.set(path, version)
}

/** A member of the list the mirror already lists but the base has not decoded yet: decide again. */
const unseenMember = (mirror: Mirror, plan: ClusterPlan, entity: Entity & { readonly _tag: "Acl" | "DhcpReservation" }) =>
  (mirror.view.children(sequenced(entity)!) ?? []).find((name) =>
    plan.base.lookup(entity._tag === "Acl" ? Keys.acl(entity.vni, entity.direction, name) : Keys.dhcpReservation(entity.vni, name)) ===
      undefined && !plan.changes.some((c) => rootOf(c.entity) === `${sequenced(entity)}/${name}`)
  )

/**
 * Set each ACL direction / reservation list this plan writes to, at the version its base saw: two
 * writers adding to the same list (even an empty one) conflict instead of both succeeding.
 */
const sequence = (b: OpsBuilder, mirror: Mirror, plan: ClusterPlan): StaleSnapshot | undefined => {
  for (const { entity } of plan.changes) {
    if (entity._tag !== "Acl" && entity._tag !== "DhcpReservation") continue
    const container = sequenced(entity)!
    if (b.sets.has(container) || b.creates.has(container) || b.deletes.includes(container) || !b.willExist(container)) continue
    if (unseenMember(mirror, plan, entity) !== undefined) return new StaleSnapshot({ entity: entityKey(entity) })
    const network = plan.base.lookup(Keys.network(entity.vni))
    const version = network === undefined ? undefined : guardedVersions(plan, network)?.find((g) => g.path === container)?.version
    b.write(container, "", version ?? -1)
  }
  return undefined
}

/** The stat of one znode (`undefined`: absent), bounded in time. */
const statOf = (zk: ZkClientShape, path: string): Effect.Effect<ZkStat | undefined, StoreUnavailable> =>
  Effect.callback<ZkStat | undefined, ZkError>((resume) => {
    zk.raw.exists(path, undefined, (error, exists, stat) =>
      resume(error !== undefined ? Effect.fail(error) : Effect.succeed(exists === true ? stat : undefined)))
  }).pipe(
    Effect.mapError((e) => unavailable(`ZooKeeper: ${e.code}`, e)),
    Effect.timeoutOrElse({ duration: STAT_TIMEOUT, orElse: () => Effect.fail(unavailable("ZooKeeper: no answer to a stat")) })
  )

const STAT_TIMEOUT = 5_000

/**
 * The version checks of a multi cannot see a znode's identity: one deleted and created again under
 * the same name (what `pvc init` and a reseed do) restarts at the same versions a stale base may
 * hold. So before the multi, the root znode of every entity the plan relies on is compared by its
 * creation zxid with the one its base revision recorded; a different one makes the plan stale, and
 * the mirror re-reads that subtree if it had not noticed (self-repair).
 */
const checkIdentities = (zk: ZkClientShape, mirror: Mirror, plan: ClusterPlan) => {
  const expected = new Map<string, { readonly key: EntityKey; readonly czxid: number }>()
  for (const entity of [...plan.changes.map((c) => c.entity), ...plan.guards]) {
    const key = entityKey(entity)
    const revision = plan.base.revisionOf(key)
    const identity = revision === undefined ? 0 : splitRevision(revision).identity
    if (identity !== 0) expected.set(rootOf(entity), { key, czxid: identity })
  }
  return Effect.forEach(expected, ([root, { czxid, key }]) =>
    Effect.flatMap(statOf(zk, root), (stat) => {
      if (stat?.czxid === czxid) return Effect.void
      mirror.verify(root, stat)
      return Effect.fail(new StaleSnapshot({ entity: key }))
    }), { concurrency: "unbounded", discard: true })
}

const buildOps = Effect.fnUntraced(function*(zk: ZkClientShape, mirror: Mirror, plan: ClusterPlan) {
  const b = new OpsBuilder(mirror)
  for (const change of plan.changes) {
    const entity = change.entity
    const base = plan.base.lookup(entityKey(entity))
    if (change._tag === "Put") {
      if (base === undefined) putNew(b, entity)
      else putExisting(b, plan, entity, base)
      continue
    }
    if (base === undefined) continue
    addChecks(b, plan, entity)
    const roots = removalRoots(entity)
    const lists = yield* Effect.forEach(roots, (root) => listSubtree(zk, root), { concurrency: "unbounded" })
    if (lists[0]?.length === 0) return yield* new StaleSnapshot({ entity: entityKey(entity) })
    for (const path of lists.flat()) if (!b.deletes.includes(path)) b.deletes.push(path)
  }
  for (const guard of plan.guards) addChecks(b, plan, guard)
  const stale = sequence(b, mirror, plan)
  if (stale !== undefined) return yield* stale
  return b.ops()
})

/**
 * The cluster store on ZooKeeper (zk-layout.md): snapshots come from the watch-fed mirror without
 * a round trip; a plan is one multi whose version checks make concurrent writers (other API
 * instances, node daemons) refuse each other's stale plans instead of overwriting them.
 */
export interface StoreOptions {
  readonly initialLoadTimeout?: number | undefined
  /** Milliseconds between the mirror's self-checks (0: none); 5 s by default. */
  readonly selfCheckInterval?: number | undefined
}

export const makeClusterStore = Effect.fnUntraced(function*(zk: ZkClientShape, options: StoreOptions = {}) {
  return (yield* makeClusterStoreWithMirror(zk, options)).store
})

/** The store and the mirror it reads from (tests compare the mirror with ZooKeeper). */
export const makeClusterStoreWithMirror = Effect.fnUntraced(function*(zk: ZkClientShape, options: StoreOptions = {}) {
  const mirror = new Mirror(zk, { selfCheckInterval: options.selfCheckInterval })
  yield* Effect.acquireRelease(Effect.sync(() => mirror.start()), (stop) => Effect.sync(stop))
  // Wait for the first load, but start at once (serving StoreUnavailable) if ZooKeeper is away:
  // the client retries, and the mirror loads when it connects.
  yield* Effect.callback<void>((resume) => {
    const unreachable = (state: ZkState) => state._tag === "Disconnected" && state.reason !== undefined
    let off = () => {}
    const done = () => {
      off()
      resume(Effect.void)
    }
    off = zk.onState((state) => unreachable(state) && done())
    mirror.whenLoaded(done)
    if (unreachable(zk.state())) done()
    return Effect.sync(() => off())
  }).pipe(Effect.timeoutOrElse({
    duration: options.initialLoadTimeout ?? 30_000,
    orElse: () => Effect.logWarning("ZooKeeper not reachable yet; the cluster store answers StoreUnavailable until it is")
  }))

  // The client's last connection failure (server and error) tells the operator what to fix.
  const why = (state: ZkState) => state._tag === "Disconnected" && state.reason !== undefined ? ` (${state.reason}; retrying)` : ""
  const available = Effect.suspend(() =>
    !mirror.loaded
      ? Effect.fail(unavailable(`the cluster state has not been loaded from ZooKeeper${why(zk.state())}`))
      : zk.state()._tag !== "Connected"
      ? Effect.fail(unavailable(`not connected to ZooKeeper${why(zk.state())}`))
      : Effect.void
  )

  const snapshot: Effect.Effect<ClusterSnapshot, StoreUnavailable> = Effect.flatMap(
    available,
    () => Effect.sync(() => mirror.index.toSnapshot())
  )

  const commit = (plan: ClusterPlan): Effect.Effect<void, StaleSnapshot | StoreUnavailable> =>
    Effect.gen(function*() {
      yield* available
      const stale = mirror.index.staleEntity(plan)
      if (stale !== undefined) return yield* new StaleSnapshot({ entity: stale })
      yield* checkIdentities(zk, mirror, plan)
      const ops = yield* buildOps(zk, mirror, plan).pipe(
        Effect.catchTag("ZkError", (e) => Effect.fail(fromZkError(e)))
      )
      if (ops.length === 0) return
      // ZooKeeper drops the connection on a request over jute.maxbuffer (1 MB by default).
      const bytes = ops.reduce((n, op) => n + 24 + op.path.length + ("data" in op ? Buffer.byteLength(op.data) : 0), 0)
      if (bytes > MAX_MULTI_BYTES) {
        return yield* unavailable(`the plan needs ${ops.length} operations (${bytes} bytes), over one ZooKeeper transaction`)
      }
      let seq = 0
      const results = yield* zk.multi(ops, () => {
        seq = mirror.nextSeq()
      }).pipe(Effect.mapError(fromZkError))
      mirror.applyLocal(ops, results, seq)
    }).pipe(Effect.withSpan("ClusterStoreZk.commit"))

  const changes: Stream.Stream<ClusterSnapshot, StoreUnavailable> = Stream.callback<void>((queue) =>
    Effect.acquireRelease(
      Effect.sync(() => {
        Queue.offerUnsafe(queue, undefined)
        return mirror.subscribe(() => {
          Queue.offerUnsafe(queue, undefined)
        })
      }),
      (unsubscribe) => Effect.sync(unsubscribe)
    ), { bufferSize: 1, strategy: "sliding" }).pipe(
      Stream.mapEffect(() => snapshot.pipe(Effect.catch(() => Effect.succeed(undefined)))),
      Stream.filter((s): s is ClusterSnapshot => s !== undefined)
    )

  return { store: ClusterStore.of({ snapshot, commit, changes }), mirror }
})

/** ClusterStore on an existing ZkClient. */
export const layerNoDeps: Layer.Layer<ClusterStore, never, ZkClient | ZkConfig> = Layer.effect(
  ClusterStore,
  Effect.gen(function*() {
    const zk = yield* ZkClient
    const config = yield* ZkConfig
    return yield* makeClusterStore(zk, { initialLoadTimeout: config.initialLoadTimeout })
  })
)

/** ClusterStore on ZooKeeper, from a `ZkConfig`. */
export const layer: Layer.Layer<ClusterStore, never, ZkConfig> = layerNoDeps.pipe(Layer.provide(zkClientLayer))
