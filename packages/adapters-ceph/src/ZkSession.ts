import { Context, Effect, Layer, Schema } from "effect"
import zookeeper from "node-zookeeper-client"

/**
 * The few ZooKeeper operations the Ceph pipe needs, over node-zookeeper-client directly
 * (adapters-zk's ZkClient has no ephemeral-sequential create or mtime, both needed for the
 * kazoo-compatible lock recipe).
 */
export class ZkFailed extends Schema.TaggedError<ZkFailed>()("ZkFailed", {
  op: Schema.String,
  path: Schema.String,
  reason: Schema.String
}) {}

export interface ZkNode {
  readonly data: string
  readonly version: number
  /** Last modification, epoch milliseconds. */
  readonly mtime: number
}

/** `changed` completes at the next event on the watched path (one-shot). */
export interface Watched<A> {
  readonly value: A
  readonly changed: Effect.Effect<void>
}

export type CreateMode = "persistent" | "ephemeralSequential"

export interface ZkSessionShape {
  readonly get: (path: string) => Effect.Effect<ZkNode | undefined, ZkFailed>
  readonly getWatched: (path: string) => Effect.Effect<Watched<ZkNode | undefined>, ZkFailed>
  readonly existsWatched: (path: string) => Effect.Effect<Watched<boolean>, ZkFailed>
  readonly children: (path: string) => Effect.Effect<ReadonlyArray<string>, ZkFailed>
  /** Returns the created path (with the sequence suffix for sequential nodes). */
  readonly create: (path: string, data: string, mode?: CreateMode) => Effect.Effect<string, ZkFailed>
  readonly set: (path: string, data: string) => Effect.Effect<void, ZkFailed>
  /** Deletes one node; a missing node is not an error. */
  readonly remove: (path: string) => Effect.Effect<void, ZkFailed>
  /**
   * zk-layout's `writedata`: one transaction over the keys in sorted order, creating missing
   * keys and setting existing ones.
   */
  readonly writeData: (entries: ReadonlyArray<readonly [string, string]>) => Effect.Effect<void, ZkFailed>
  /** Deletes each path with everything below it, all in one transaction. */
  readonly deleteTrees: (paths: ReadonlyArray<string>) => Effect.Effect<void, ZkFailed>
}

export class ZkSession extends Context.Service<ZkSession, ZkSessionShape>()("pvc/adapters-ceph/ZkSession") {}

const { CreateMode: Mode, Exception } = zookeeper
const NO_NODE = Exception.NO_NODE

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))
const isNoNode = (e: unknown) => e instanceof Exception && e.getCode() === NO_NODE

const mtimeOf = (stat: zookeeper.Stat) => Number(stat.mtime.readBigInt64BE(0))

const call = <A>(op: string, path: string, f: (done: (e: unknown, a?: A) => void) => void) =>
  Effect.callback<A, ZkFailed>((resume) => {
    f((e, a) => resume(e ? Effect.fail(new ZkFailed({ op, path, reason: errorText(e) })) : Effect.succeed(a as A)))
  })

const watchSignal = () => {
  let fire: () => void = () => {}
  const fired = new Promise<void>((resolve) => (fire = resolve))
  return { watcher: () => fire(), changed: Effect.promise(() => fired) }
}

export const make = (client: zookeeper.Client): ZkSessionShape => {
  const getRaw = (path: string, watcher?: () => void) =>
    Effect.callback<ZkNode | undefined, ZkFailed>((resume) => {
      const cb = (e: unknown, data: Buffer | undefined, stat: zookeeper.Stat | undefined) => {
        if (isNoNode(e)) return resume(Effect.succeed(undefined))
        if (e || stat === undefined) return resume(Effect.fail(new ZkFailed({ op: "get", path, reason: errorText(e) })))
        resume(Effect.succeed({ data: data?.toString("utf8") ?? "", version: stat.version, mtime: mtimeOf(stat) }))
      }
      if (watcher === undefined) client.getData(path, cb)
      else client.getData(path, watcher, cb)
    })
  const children: ZkSessionShape["children"] = (path) =>
    Effect.callback<ReadonlyArray<string>, ZkFailed>((resume) =>
      client.getChildren(path, (e, c) =>
        resume(isNoNode(e) ? Effect.succeed([]) : e ? Effect.fail(new ZkFailed({ op: "children", path, reason: errorText(e) })) : Effect.succeed(c))
      )
    )
  const existsRaw = (path: string, watcher?: () => void) =>
    call<boolean>("exists", path, (done) => {
      const cb = (e: unknown, stat: zookeeper.Stat | undefined) => done(e, stat !== undefined && stat !== null)
      if (watcher === undefined) client.exists(path, cb)
      else client.exists(path, watcher, cb)
    })
  const tree = (path: string): Effect.Effect<ReadonlyArray<string>, ZkFailed> =>
    children(path).pipe(
      Effect.flatMap((kids) => Effect.forEach(kids, (k) => tree(`${path}/${k}`))),
      Effect.map((below) => [...below.flat(), path])
    )
  const commit = (path: string, build: (t: zookeeper.Transaction) => void) =>
    call<void>("multi", path, (done) => {
      const t = client.transaction()
      build(t)
      t.commit((e) => done(e))
    })
  return {
    get: (path) => getRaw(path),
    getWatched: (path) =>
      Effect.suspend(() => {
        const s = watchSignal()
        return getRaw(path, s.watcher).pipe(Effect.map((value) => ({ value, changed: s.changed })))
      }),
    existsWatched: (path) =>
      Effect.suspend(() => {
        const s = watchSignal()
        return existsRaw(path, s.watcher).pipe(Effect.map((value) => ({ value, changed: s.changed })))
      }),
    children,
    create: (path, data, mode = "persistent") =>
      call<string>("create", path, (done) =>
        client.create(
          path,
          Buffer.from(data, "utf8"),
          mode === "persistent" ? Mode.PERSISTENT : Mode.EPHEMERAL_SEQUENTIAL,
          (e, p) => done(e, p)
        )
      ),
    set: (path, data) => call<void>("set", path, (done) => client.setData(path, Buffer.from(data, "utf8"), -1, (e) => done(e))),
    remove: (path) =>
      Effect.callback<void, ZkFailed>((resume) =>
        client.remove(path, -1, (e) =>
          resume(e && !isNoNode(e) ? Effect.fail(new ZkFailed({ op: "remove", path, reason: errorText(e) })) : Effect.void)
        )
      ),
    writeData: (entries) =>
      Effect.gen(function*() {
        const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        const present = yield* Effect.forEach(sorted, ([p]) => existsRaw(p), { concurrency: "unbounded" })
        yield* commit(sorted.map(([p]) => p).join(","), (t) =>
          sorted.forEach(([p, d], i) => {
            if (present[i]) t.setData(p, Buffer.from(d, "utf8"), -1)
            else t.create(p, Buffer.from(d, "utf8"), Mode.PERSISTENT)
          })
        )
      }),
    deleteTrees: (paths) =>
      Effect.gen(function*() {
        const all = (yield* Effect.forEach(paths, tree)).flat()
        if (all.length === 0) return
        yield* commit(paths.join(","), (t) => all.forEach((p) => t.remove(p, -1)))
      })
  }
}

export interface ZkSessionConfig {
  /** `host:port[,host:port...]` */
  readonly hosts: string
  readonly connectTimeoutMs?: number
  readonly sessionTimeoutMs?: number
}

/** Connects (bounded), closes the session when the scope ends. */
export const connect = (config: ZkSessionConfig) =>
  Effect.acquireRelease(
    Effect.callback<zookeeper.Client, ZkFailed>((resume) => {
      const client = zookeeper.createClient(config.hosts, { sessionTimeout: config.sessionTimeoutMs ?? 10_000, retries: 3 })
      const timer = setTimeout(() => {
        client.close()
        resume(Effect.fail(new ZkFailed({ op: "connect", path: config.hosts, reason: "no connection within deadline" })))
      }, config.connectTimeoutMs ?? 10_000)
      client.once("connected", () => {
        clearTimeout(timer)
        resume(Effect.succeed(client))
      })
      client.connect()
    }),
    (client) => Effect.sync(() => client.close())
  )

export const layer = (config: ZkSessionConfig): Layer.Layer<ZkSession, ZkFailed> =>
  Layer.effect(ZkSession, connect(config).pipe(Effect.map(make)))
