import { Context, Effect, Layer, Schema } from "effect"
import type { EventEmitter } from "node:events"
import zookeeper from "node-zookeeper-client"
import { applyClientPatches } from "./ClientPatches.ts"
import { ConnectionReport, logLineWith, watchSocket } from "./ConnectionReport.ts"
import { connectionString, ZkConfig, type ZkConfigShape } from "./ZkConfig.ts"

export const ZkErrorCode = Schema.Literals([
  "NoNode",
  "NodeExists",
  "BadVersion",
  "NotEmpty",
  "ConnectionLoss",
  "SessionExpired",
  "Timeout",
  "Other"
])
export type ZkErrorCode = typeof ZkErrorCode.Type

/** A ZooKeeper request failed; `index` is the failing operation of a `multi`. */
export class ZkError extends Schema.TaggedError<ZkError>()("ZkError", {
  code: ZkErrorCode,
  path: Schema.optional(Schema.String),
  index: Schema.optional(Schema.Int),
  detail: Schema.String
}) {}

export const isConnectionProblem = (e: ZkError): boolean =>
  e.code === "ConnectionLoss" || e.code === "SessionExpired" || e.code === "Timeout" || e.code === "Other"

export type ZkOp =
  | { readonly op: "create"; readonly path: string; readonly data: string }
  | { readonly op: "set"; readonly path: string; readonly data: string; readonly version: number }
  | { readonly op: "check"; readonly path: string; readonly version: number }
  | { readonly op: "delete"; readonly path: string; readonly version: number }

/**
 * Per op of a committed multi: the new data version of `set`s (creates start at 0); `zxid`: the
 * transaction's zxid (the `czxid` of its creates), when the reply carried it.
 */
export type ZkOpResult = { readonly op: ZkOp["op"]; readonly version: number | undefined; readonly zxid?: number }

export interface ZkNodeData {
  readonly data: string
  readonly version: number
}

/** Data with the stat fields the Ceph pipe needs. */
export interface ZkNodeStat extends ZkNodeData {
  /** Last modification, epoch milliseconds. */
  readonly mtime: number
}

/** A znode's identity and versions (from ZooKeeper's Stat): `czxid` differs once it is deleted and created again. */
export interface ZkStat {
  readonly czxid: number
  readonly version: number
  /** Changes of its children list; `pzxid` is the zxid of the last one. */
  readonly cversion: number
  readonly pzxid: number
}

export type ZkCreateMode = "persistent" | "ephemeral" | "ephemeralSequential"

export type ZkWatchEvent = {
  readonly type: "created" | "deleted" | "changed" | "children"
  readonly path: string
}
export type ZkWatcher = (event: ZkWatchEvent) => void

/** Connection state as seen by listeners: `generation` counts sessions (a new one after expiry). */
export type ZkState =
  | { readonly _tag: "Connected"; readonly generation: number }
  | {
    readonly _tag: "Disconnected"
    readonly generation: number
    /** Why the last connection attempt failed (the server and the error), once one has. */
    readonly reason?: string | undefined
  }

type Callback<A> = (error: ZkError | undefined, value: A | undefined) => void
type StatCallback<A> = (error: ZkError | undefined, value: A | undefined, stat?: ZkStat) => void

export interface ZkClientShape {
  readonly getData: (path: string) => Effect.Effect<ZkNodeData | undefined, ZkError>
  readonly getChildren: (path: string) => Effect.Effect<ReadonlyArray<string> | undefined, ZkError>
  /** With `watcher`: a one-shot watch that also fires when an absent znode is created. */
  readonly exists: (path: string, watcher?: ZkWatcher) => Effect.Effect<boolean, ZkError>
  /**
   * Data, version and mtime. With `watcher`: a one-shot watch on the znode, set also when it is
   * absent (then it fires on creation).
   */
  readonly stat: (path: string, watcher?: ZkWatcher) => Effect.Effect<ZkNodeStat | undefined, ZkError>
  /** Creates one znode (its parent must exist); returns its path, with the suffix of a sequential one. */
  readonly create: (path: string, data: string, mode?: ZkCreateMode) => Effect.Effect<string, ZkError>
  /** One atomic transaction; fails with the code and index of the first failing op. */
  readonly multi: (
    ops: ReadonlyArray<ZkOp>,
    /** Called synchronously just before the transaction is handed to the connection. */
    onIssue?: () => void
  ) => Effect.Effect<ReadonlyArray<ZkOpResult>, ZkError>
  /**
   * Callback-level reads with one-shot watches, for the watch-fed mirror's hot path. These are
   * queued while reconnecting (not failed fast) so that watch re-reads complete after an outage.
   */
  readonly raw: {
    readonly getData: (path: string, watcher: ZkWatcher | undefined, cb: StatCallback<ZkNodeData>) => void
    readonly getChildren: (path: string, watcher: ZkWatcher | undefined, cb: StatCallback<ReadonlyArray<string>>) => void
    readonly exists: (path: string, watcher: ZkWatcher | undefined, cb: StatCallback<boolean>) => void
  }
  /** Drop the current connection; the client reconnects with the same session (for fault tests). */
  readonly dropConnection: () => void
  /** Run `f`, sending the requests it makes in as few socket writes as possible. */
  readonly batch: (f: () => void) => void
  readonly state: () => ZkState
  /** Listen to connection changes; returns the unsubscribe function. */
  readonly onState: (listener: (state: ZkState) => void) => () => void
}

export class ZkClient extends Context.Service<ZkClient, ZkClientShape>()("pvc/adapters-zk/ZkClient") {}

const { Exception, State, Event } = zookeeper

const codeOf = (error: unknown): ZkErrorCode => {
  const code = error instanceof Exception ? error.getCode() : undefined
  switch (code) {
    case Exception.NO_NODE:
      return "NoNode"
    case Exception.NODE_EXISTS:
      return "NodeExists"
    case Exception.BAD_VERSION:
      return "BadVersion"
    case Exception.NOT_EMPTY:
      return "NotEmpty"
    case Exception.CONNECTION_LOSS:
      return "ConnectionLoss"
    case Exception.SESSION_EXPIRED:
      return "SessionExpired"
    case Exception.OPERATION_TIMEOUT:
      return "Timeout"
    default:
      return "Other"
  }
}

const toZkError = (error: unknown, path?: string, index?: number): ZkError =>
  new ZkError({
    code: codeOf(error),
    detail: String(error),
    ...(path === undefined ? {} : { path }),
    ...(index === undefined ? {} : { index })
  })

const eventType = (type: number): ZkWatchEvent["type"] =>
  type === Event.NODE_CREATED
    ? "created"
    : type === Event.NODE_DELETED
    ? "deleted"
    : type === Event.NODE_DATA_CHANGED
    ? "changed"
    : "children"

interface Session {
  readonly client: zookeeper.Client
  readonly generation: number
}

/**
 * A ZooKeeper connection that survives everything: node-zookeeper-client reconnects by itself
 * after a disconnection but never recovers from session expiry, so an expired session is
 * replaced by a brand-new client (a new `generation`; listeners reload their watches).
 */
export const makeZkClient = Effect.fnUntraced(function*(config: ZkConfigShape) {
  applyClientPatches()
  const connect = connectionString(config)
  const sessionTimeout = config.sessionTimeout ?? 10_000
  const requestTimeout = config.requestTimeout ?? 5_000
  const listeners = new Set<(state: ZkState) => void>()
  const report = new ConnectionReport(logLineWith(yield* Effect.context<never>()))
  let closed = false
  let connected = false
  let session: Session

  const publish = (state: ZkState) => {
    for (const listener of listeners) {
      try {
        listener(state)
      } catch (error) {
        console.error("zk: state listener failed", error)
      }
    }
  }

  const open = (generation: number): Session => {
    const client = zookeeper.createClient(connect, { sessionTimeout, spinDelay: 500, retries: 1 })
    const current: Session = { client, generation }
    const socket = watchSocket(client, report, {
      connectedNow: () => connected,
      active: () => !closed && session === current,
      unreachable: (reason) => publish({ _tag: "Disconnected", generation, reason })
    })
    client.on("state", (state: zookeeper.State) => {
      if (DEBUG) console.warn(`zk: session ${generation} ${String(state)}${session === current ? "" : " (old)"}`)
      if (closed || session !== current) return
      if (state === State.SYNC_CONNECTED || state === State.CONNECTED_READ_ONLY) {
        connected = true
        report.connected(socket.server(), generation)
        publish({ _tag: "Connected", generation })
      } else if (state === State.DISCONNECTED) {
        connected = false
        publish({ _tag: "Disconnected", generation, reason: report.reason })
      } else if (state === State.EXPIRED) {
        connected = false
        report.expired(generation)
        publish({ _tag: "Disconnected", generation, reason: report.reason })
        client.close()
        session = open(generation + 1)
      }
    })
    // The client emits 'error'-less failures through callbacks; guard against stray emitter errors.
    ;(client as EventEmitter).on("error", (error: unknown) => console.error("zk: client error", error))
    client.connect()
    return current
  }

  // The library has no timeout on the session handshake: a server that accepted the TCP connection
  // while starting up but never answers leaves the client waiting forever. Drop such a socket.
  let stalled: { socket: unknown; since: number } | undefined
  const watchdog = () => {
    if (closed || connected) return (stalled = undefined)
    const socket = (session.client as unknown as { connectionManager?: { socket?: Destroyable } }).connectionManager?.socket
    if (socket === undefined || socket.destroyed === true) return (stalled = undefined)
    if (stalled?.socket !== socket) return (stalled = { socket, since: Date.now() })
    if (Date.now() - stalled.since >= HANDSHAKE_TIMEOUT) {
      if (DEBUG) console.warn("zk: dropping a connection attempt that got no answer")
      stalled = undefined
      report.handshakeTimedOut(HANDSHAKE_TIMEOUT)
      socket.destroy()
    }
  }

  yield* Effect.acquireRelease(
    Effect.sync(() => {
      session = open(1)
      return setInterval(watchdog, 1_000)
    }),
    (timer) =>
      Effect.sync(() => {
        clearInterval(timer)
        closed = true
        connected = false
        session.client.close()
      })
  )

  const watcherFor = (watcher: ZkWatcher) => (event: zookeeper.Event) =>
    watcher({ type: eventType(event.getType()), path: event.getPath() })

  // One wrapper per watcher function, so node-zookeeper-client's de-duplication by identity works.
  const wrapped = new WeakMap<ZkWatcher, (event: zookeeper.Event) => void>()
  const native = (watcher: ZkWatcher) => {
    let w = wrapped.get(watcher)
    if (w === undefined) {
      w = watcherFor(watcher)
      wrapped.set(watcher, w)
    }
    return w
  }

  const guard = (path: string, cb: (error: ZkError | undefined) => void, run: () => void) => {
    try {
      run()
    } catch (error) {
      cb(toZkError(error, path))
    }
  }

  const raw: ZkClientShape["raw"] = {
    getData: (path, watcher, cb) =>
      guard(path, (e) => cb(e, undefined), () => {
        const done = (error: unknown, data: Buffer | undefined, stat: zookeeper.Stat | undefined) => {
          if (error) return codeOf(error) === "NoNode" ? cb(undefined, undefined) : cb(toZkError(error, path), undefined)
          cb(undefined, { data: data === undefined || data === null ? "" : data.toString("utf8"), version: stat?.version ?? 0 }, statOf(stat))
        }
        if (watcher === undefined) session.client.getData(path, done)
        else session.client.getData(path, native(watcher), done)
      }),
    getChildren: (path, watcher, cb) =>
      guard(path, (e) => cb(e, undefined), () => {
        const done = (error: unknown, children: Array<string> | undefined, stat: zookeeper.Stat | undefined) => {
          if (error) return codeOf(error) === "NoNode" ? cb(undefined, undefined) : cb(toZkError(error, path), undefined)
          cb(undefined, children ?? [], statOf(stat))
        }
        if (watcher === undefined) session.client.getChildren(path, done)
        else session.client.getChildren(path, native(watcher), done)
      }),
    exists: (path, watcher, cb) =>
      guard(path, (e) => cb(e, undefined), () => {
        const done = (error: unknown, stat: zookeeper.Stat | undefined) =>
          error ? cb(toZkError(error, path), undefined) : cb(undefined, stat !== undefined && stat !== null, statOf(stat))
        if (watcher === undefined) session.client.exists(path, done)
        else session.client.exists(path, native(watcher), done)
      })
  }

  // getData sets no watch on an absent znode: then watch it with exists (and re-read if it appeared).
  const statRaw = (path: string, watcher: ZkWatcher | undefined, cb: Callback<ZkNodeStat>): void =>
    guard(path, (e) => cb(e, undefined), () => {
      const done = (error: unknown, data: Buffer | undefined, stat: zookeeper.Stat | undefined) => {
        if (error && codeOf(error) === "NoNode") {
          if (watcher === undefined) return cb(undefined, undefined)
          return raw.exists(path, watcher, (e, present) =>
            e !== undefined ? cb(e, undefined) : present === true ? statRaw(path, watcher, cb) : cb(undefined, undefined))
        }
        if (error || stat === undefined) return cb(toZkError(error, path), undefined)
        cb(undefined, {
          data: data === undefined || data === null ? "" : data.toString("utf8"),
          version: stat.version,
          mtime: Number(stat.mtime.readBigInt64BE(0))
        })
      }
      if (watcher === undefined) session.client.getData(path, done)
      else session.client.getData(path, native(watcher), done)
    })

  /** Fail fast while disconnected; bound every request while connected. */
  const request = <A>(path: string, run: (cb: Callback<A>) => void): Effect.Effect<A | undefined, ZkError> =>
    Effect.callback<A | undefined, ZkError>((resume) => {
      if (!connected) {
        resume(Effect.fail(new ZkError({ code: "ConnectionLoss", path, detail: "not connected to ZooKeeper" })))
        return
      }
      let settled = false
      const timer = setTimeout(() => {
        settled = true
        resume(Effect.fail(new ZkError({ code: "Timeout", path, detail: `no answer within ${requestTimeout} ms` })))
      }, requestTimeout)
      run((error, value) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resume(error === undefined ? Effect.succeed(value) : Effect.fail(error))
      })
      return Effect.sync(() => {
        settled = true
        clearTimeout(timer)
      })
    })

  const multi = (ops: ReadonlyArray<ZkOp>, onIssue?: () => void): Effect.Effect<ReadonlyArray<ZkOpResult>, ZkError> =>
    ops.length === 0
      ? Effect.succeed([])
      : Effect.map(
        request<ReadonlyArray<ZkOpResult>>(ops[0]!.path, (cb) =>
          guard(ops[0]!.path, (e) => cb(e, undefined), () => {
            const tx = session.client.transaction()
            for (const op of ops) {
              switch (op.op) {
                case "create":
                  tx.create(op.path, Buffer.from(op.data, "utf8"))
                  break
                case "set":
                  tx.setData(op.path, Buffer.from(op.data, "utf8"), op.version)
                  break
                case "check":
                  tx.check(op.path, op.version)
                  break
                case "delete":
                  tx.remove(op.path, op.version)
                  break
              }
              // The library turns version 0 into -1 (`version || -1`): restore the real one.
              if (op.op !== "create") {
                const queued = (tx as unknown as { ops: Array<{ version: number }> }).ops
                queued[queued.length - 1]!.version = op.version
              }
            }
            onIssue?.()
            tx.commit((error, results: unknown) => {
              const list = Array.isArray(results) ? (results as Array<MultiResult>) : []
              if (error) {
                const index = list.findIndex((r) => r.err !== undefined && r.err !== 0 && r.err !== RUNTIME_INCONSISTENCY)
                const failing = index >= 0 ? index : undefined
                return cb(toZkError(error, failing === undefined ? undefined : ops[failing]?.path, failing), undefined)
              }
              // The reply header's zxid is the transaction's own (the client records it before calling back).
              const zxid = zxidOf((session.client as unknown as { connectionManager?: { zxid?: Buffer } }).connectionManager?.zxid)
              cb(
                undefined,
                ops.map((op, i) => ({ op: op.op, version: op.op === "create" ? 0 : list[i]?.stat?.version, ...(zxid === undefined ? {} : { zxid }) }))
              )
            })
          })
        ),
        (r) => r ?? []
      )

  return ZkClient.of({
    getData: (path) => request(path, (cb) => raw.getData(path, undefined, cb)),
    getChildren: (path) => request(path, (cb) => raw.getChildren(path, undefined, cb)),
    exists: (path, watcher) => Effect.map(request<boolean>(path, (cb) => raw.exists(path, watcher, cb)), (b) => b === true),
    stat: (path, watcher) => request<ZkNodeStat>(path, (cb) => statRaw(path, watcher, cb)),
    create: (path, data, mode = "persistent") =>
      Effect.map(
        request<string>(path, (cb) =>
          guard(path, (e) => cb(e, undefined), () =>
            session.client.create(path, Buffer.from(data, "utf8"), CREATE_MODES[mode], (error, created) =>
              error ? cb(toZkError(error, path), undefined) : cb(undefined, created))
          )),
        (created) => created ?? path
      ),
    multi,
    raw,
    dropConnection: () => {
      ;(session.client as unknown as { connectionManager?: { socket?: Destroyable } }).connectionManager?.socket?.destroy()
    },
    batch: (f) => {
      const socket = (session.client as unknown as { connectionManager?: { socket?: Corkable } }).connectionManager?.socket
      socket?.cork()
      try {
        f()
      } finally {
        socket?.uncork()
      }
    },
    state: () =>
      connected
        ? { _tag: "Connected", generation: session.generation }
        : { _tag: "Disconnected", generation: session.generation, reason: report.reason },
    onState: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  })
})

const DEBUG = process.env["PVC_ZK_DEBUG"] !== undefined && process.env["PVC_ZK_DEBUG"] !== ""

const HANDSHAKE_TIMEOUT = 4_000
type Destroyable = { readonly destroyed?: boolean; readonly destroy: () => void }
type Corkable = { readonly cork: () => void; readonly uncork: () => void }
type MultiResult = { readonly err?: number; readonly stat?: { readonly version: number } }
const RUNTIME_INCONSISTENCY = -2
const zxidOf = (b: Buffer | undefined): number | undefined =>
  b === undefined || b.length !== 8 ? undefined : b.readUInt32BE(0) * 2 ** 32 + b.readUInt32BE(4)
const statOf = (stat: zookeeper.Stat | undefined | null): ZkStat | undefined =>
  stat === undefined || stat === null
    ? undefined
    : { czxid: zxidOf(stat.czxid) ?? 0, version: stat.version, cversion: stat.cversion, pzxid: zxidOf(stat.pzxid) ?? 0 }
const CREATE_MODES: Record<ZkCreateMode, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  ephemeralSequential: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL
}

export const layer: Layer.Layer<ZkClient, never, ZkConfig> = Layer.effect(
  ZkClient,
  Effect.gen(function*() {
    return yield* makeZkClient(yield* ZkConfig)
  })
)
