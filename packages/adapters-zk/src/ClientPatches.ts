import { createRequire } from "node:module"

/*
 * Work-arounds for node-zookeeper-client 1.1.3 at the scale of a large cluster (~100k watched
 * znodes), applied once to the library's prototypes:
 *
 * 1. Framing. `onSocketData` re-concatenates the rest of the buffer after every reply and recurses
 *    per reply (quadratic, deep stacks), and keeps a half-read frame across reconnections, so the
 *    next connect response is parsed from stale bytes and throws inside the socket handler, which
 *    kills the process. Here frames are cut out in a loop, one complete frame per call, the buffer
 *    is reset for every new socket, and a parse failure drops the connection instead of the process.
 * 2. Watch registry. One EventEmitter plus a `once` wrapper per watched path costs hundreds of
 *    bytes each; a Map of listeners keeps the same semantics (de-duplicated one-shot listeners
 *    per path and kind) for a fraction of the memory.
 * 3. SetWatches. On reconnection the library re-registers every watch in one request, which
 *    exceeds ZooKeeper's 1 MB request limit with tens of thousands of watches: the server closes
 *    the connection and the client loops. They are sent in batches of at most 128 KiB of paths,
 *    as ZooKeeper's own Java client does.
 */

interface ConnectionManagerLike {
  socket: { destroy: () => void } | undefined
  pendingBuffer: Buffer | null
  onSocketData: (buffer: Buffer) => void
  __pvcSocket?: unknown
  __pvcBuffer?: Buffer | undefined
}

type Listener = (event: unknown) => void
// One listener per path is the rule (the mirror passes the same function every time): it is stored
// bare, and an array only when a path has several.
type Registry = Map<string, Listener | Array<Listener>>
interface Lean {
  lean?: { data: Registry; child: Registry; existence: Registry }
}

let applied = false

export const applyClientPatches = (): void => {
  if (applied) return
  applied = true
  const require = createRequire(import.meta.url)
  const base = require.resolve("node-zookeeper-client")
  const ConnectionManager = require(base.replace(/index\.js$/, "lib/ConnectionManager.js")) as {
    prototype: ConnectionManagerLike
  }
  const WatcherManager = require(base.replace(/index\.js$/, "lib/WatcherManager.js")) as {
    prototype: { isEmpty: () => boolean }
  }

  const original = ConnectionManager.prototype.onSocketData
  ConnectionManager.prototype.onSocketData = function(this: ConnectionManagerLike, chunk: Buffer) {
    if (this.__pvcSocket !== this.socket) {
      this.__pvcSocket = this.socket
      this.__pvcBuffer = undefined
    }
    let buffer = this.__pvcBuffer === undefined || this.__pvcBuffer.length === 0
      ? chunk
      : Buffer.concat([this.__pvcBuffer, chunk])
    let offset = 0
    try {
      while (buffer.length - offset >= 4) {
        const size = buffer.readInt32BE(offset)
        if (size < 0 || buffer.length - offset < size + 4) break
        this.pendingBuffer = null
        original.call(this, buffer.subarray(offset, offset + size + 4))
        offset += size + 4
      }
    } catch (error) {
      console.error("zk: dropping the connection after an unreadable reply", error)
      this.__pvcBuffer = undefined
      this.pendingBuffer = null
      this.socket?.destroy()
      return
    }
    buffer = buffer.subarray(offset)
    this.__pvcBuffer = buffer.length === 0 ? undefined : Buffer.from(buffer)
    this.pendingBuffer = null
  }

  const Event = require(base.replace(/index\.js$/, "lib/Event.js")) as {
    NODE_CREATED: number
    NODE_DELETED: number
    NODE_DATA_CHANGED: number
    NODE_CHILDREN_CHANGED: number
    create: (raw: unknown) => unknown
  }
  const registries = (self: Lean) => (self.lean ??= { data: new Map(), child: new Map(), existence: new Map() })
  const register = (registry: Registry, path: string, watcher: Listener) => {
    const listeners = registry.get(path)
    if (listeners === undefined) registry.set(path, watcher)
    else if (typeof listeners === "function") {
      if (listeners !== watcher) registry.set(path, [listeners, watcher])
    } else if (!listeners.includes(watcher)) listeners.push(watcher)
  }
  const proto = WatcherManager.prototype as unknown as Record<string, unknown>
  proto["registerDataWatcher"] = function(this: Lean, path: string, w: Listener) {
    register(registries(this).data, path, w)
  }
  proto["registerChildWatcher"] = function(this: Lean, path: string, w: Listener) {
    register(registries(this).child, path, w)
  }
  proto["registerExistenceWatcher"] = function(this: Lean, path: string, w: Listener) {
    register(registries(this).existence, path, w)
  }
  proto["getDataWatcherPaths"] = function(this: Lean) {
    return [...registries(this).data.keys()]
  }
  proto["getChildWatcherPaths"] = function(this: Lean) {
    return [...registries(this).child.keys()]
  }
  proto["getExistenceWatcherPaths"] = function(this: Lean) {
    return [...registries(this).existence.keys()]
  }
  proto["emit"] = function(this: Lean, raw: { type: number; path: string }) {
    const r = registries(this)
    const kinds: ReadonlyArray<Registry> = raw.type === Event.NODE_DATA_CHANGED || raw.type === Event.NODE_CREATED
      ? [r.data, r.existence]
      : raw.type === Event.NODE_CHILDREN_CHANGED
      ? [r.child]
      : raw.type === Event.NODE_DELETED
      ? [r.data, r.child]
      : []
    const fire: Array<Listener> = []
    for (const registry of kinds) {
      const listeners = registry.get(raw.path)
      if (listeners !== undefined) {
        registry.delete(raw.path)
        if (typeof listeners === "function") fire.push(listeners)
        else fire.push(...listeners)
      }
    }
    if (fire.length === 0) return
    const event = Event.create(raw)
    for (const listener of fire) listener(event)
  }
  // The library's own (single) SetWatches is skipped; batches are queued right after it would be.
  WatcherManager.prototype.isEmpty = () => true
  const jute = require(base.replace(/index\.js$/, "lib/jute/index.js")) as Jute
  const connected = (ConnectionManager.prototype as unknown as Record<string, unknown>)["onSocketConnected"] as (
    this: unknown
  ) => void
  ;(ConnectionManager.prototype as unknown as Record<string, unknown>)["onSocketConnected"] = function(
    this: ManagerWithWatches
  ) {
    connected.call(this)
    const r = (this.watcherManager as Lean).lean
    if (r === undefined) return
    for (const batch of batches(r.data, r.existence, r.child)) {
      const header = new jute.protocol.RequestHeader()
      header.type = jute.OP_CODES.SET_WATCHES
      header.xid = XID_SET_WATCHES
      const payload = new jute.protocol.SetWatches()
      payload.setChrootPath(this.chrootPath)
      payload.relativeZxid = this.zxid
      payload.dataWatches = batch.data
      payload.existWatches = batch.existence
      payload.childWatches = batch.child
      this.queue(new jute.Request(header, payload))
    }
  }
}

const SET_WATCHES_BYTES = 128 * 1024
// Not exported by the library's jute module; the queue renumbers it anyway.
const XID_SET_WATCHES = -8

interface WatchBatch {
  data: Array<string>
  existence: Array<string>
  child: Array<string>
}

function* batches(
  data: ReadonlyMap<string, unknown>,
  existence: ReadonlyMap<string, unknown>,
  child: ReadonlyMap<string, unknown>
): Generator<WatchBatch> {
  let batch: WatchBatch = { data: [], existence: [], child: [] }
  let bytes = 0
  for (const [kind, registry] of [["data", data], ["existence", existence], ["child", child]] as const) {
    for (const path of registry.keys()) {
      if (bytes + path.length + 4 > SET_WATCHES_BYTES) {
        yield batch
        batch = { data: [], existence: [], child: [] }
        bytes = 0
      }
      batch[kind].push(path)
      bytes += path.length + 4
    }
  }
  if (bytes > 0) yield batch
}

interface ManagerWithWatches {
  readonly watcherManager: unknown
  readonly chrootPath: string | undefined
  readonly zxid: Buffer
  readonly queue: (request: unknown) => void
}

interface Jute {
  readonly OP_CODES: { readonly SET_WATCHES: number }
  readonly Request: new(header: unknown, payload: unknown) => unknown
  readonly protocol: {
    readonly RequestHeader: new() => { type: number; xid: number }
    readonly SetWatches: new() => {
      setChrootPath: (path: string | undefined) => void
      relativeZxid: Buffer
      dataWatches: Array<string>
      existWatches: Array<string>
      childWatches: Array<string>
    }
  }
}
