import type { Entity, EntityKey, Revision } from "@pvc/core"
import {
  decode,
  isMirrored,
  type Located,
  locate,
  revisionText,
  ROOT_KEYS,
  tracksChildren,
  type TreeView
} from "./Layout.ts"
import { collectGarbage } from "./Gc.ts"
import { SnapshotIndex } from "./SnapshotIndex.ts"
import type { ZkClientShape, ZkError, ZkOp, ZkOpResult, ZkState, ZkWatchEvent } from "./ZkClient.ts"

interface ZNode {
  data: string
  version: number
  children: Array<string> | undefined
}

const parentOf = (path: string): string => {
  const i = path.lastIndexOf("/")
  return i <= 0 ? "/" : path.slice(0, i)
}
const nameOf = (path: string): string => path.slice(path.lastIndexOf("/") + 1)

/**
 * A watch-fed copy of the cluster tree (client-go's informer cache, for ZooKeeper): every
 * mirrored znode is read once with a one-shot watch and re-read when the watch fires; the
 * entities of changed znodes are decoded again and applied to a `SnapshotIndex`.
 *
 * Ordering: ZooKeeper answers one session's requests in order, so a read issued before one of
 * our own commits reflects the state before it. Each request carries a sequence number; an
 * answer older than a local write to the same path is dropped (the watch that write fired brings
 * the newer value). That lets `applyLocal` publish a commit before `commit` returns.
 */
export class Mirror {
  private readonly zk: ZkClientShape
  private readonly tree = new Map<string, ZNode>()
  /** Paths with a data read (and so a watch) issued in this generation. */
  private readonly requested = new Set<string>()
  private readonly localWrites = new Map<string, number>()
  private readonly pendingByEntity = new Map<EntityKey, number>()
  private readonly dirty = new Map<EntityKey, Located>()
  private readonly retry = new Set<string>()
  private readonly listeners = new Set<() => void>()
  private readonly invalidLogged = new Set<string>()
  private readonly queue: Array<() => void> = []
  private head = 0
  private pumpScheduled = false
  private seq = 0
  /** Reads pending (queued or sent) and reads sent. */
  private inflight = 0
  private issued = 0
  private completed = 0
  private generation = 0
  private loading = false
  private flushScheduled = false
  private onLoaded: Array<() => void> = []

  index: SnapshotIndex = SnapshotIndex.empty
  loaded = false

  readonly view: TreeView = {
    data: (p) => this.tree.get(p)?.data,
    version: (p) => this.tree.get(p)?.version,
    children: (p) => this.tree.get(p)?.children
  }

  constructor(zk: ZkClientShape) {
    this.zk = zk
  }

  exists(path: string): boolean {
    return this.tree.has(path)
  }

  nextSeq(): number {
    return ++this.seq
  }

  /** Called when the index changes (after a flush). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Start following; on every (re)connection of a new session the whole tree is loaded afresh. */
  start(): () => void {
    const unsubscribe = this.zk.onState((state) => this.onState(state))
    const current = this.zk.state()
    if (current._tag === "Connected") this.onState(current)
    return unsubscribe
  }

  whenLoaded(f: () => void): void {
    if (this.loaded) f()
    else this.onLoaded.push(f)
  }

  private onState(state: ZkState): void {
    if (state._tag !== "Connected") return
    if (state.generation !== this.generation) {
      // A new session: reads of the old one will never be answered usefully.
      this.generation = state.generation
      this.localWrites.clear()
      this.pendingByEntity.clear()
      this.queue.length = 0
      this.head = 0
      this.inflight = 0
      this.issued = 0
      return this.refresh()
    }
    // The same session again: the client re-registered the watches (changes made meanwhile fire
    // them); only the reads that were cut off are sent again.
    const again = [...this.retry]
    this.retry.clear()
    for (const path of again) this.refetch(path)
  }

  /**
   * Read the whole tree (again), with watches, keeping the current copy meanwhile: at the first
   * connection and after a session expiry. Znodes that vanished are dropped on the way.
   */
  private refresh(): void {
    this.retry.clear()
    this.requested.clear()
    if (!this.loaded) this.loading = true
    for (const root of ROOT_KEYS) this.load(root)
    this.checkIdle()
  }

  /** First read of a znode (and its subtree). */
  private load(path: string): void {
    if (!isMirrored(path) || this.requested.has(path)) return
    this.requested.add(path)
    this.fetchData(path)
    if (tracksChildren(path)) this.fetchChildren(path)
  }

  private refetch(path: string): void {
    if (path.startsWith("children:")) return this.fetchChildren(path.slice(9))
    this.fetchData(path)
  }

  private readonly dataWatcher = (event: ZkWatchEvent): void => {
    if (!isMirrored(event.path)) return
    if (event.type === "created") {
      // Only root keys carry existence watches: follow the new subtree.
      this.requested.delete(event.path)
      this.load(event.path)
    } else this.fetchData(event.path)
  }

  private readonly childWatcher = (event: ZkWatchEvent): void => {
    if (event.type === "deleted") this.fetchData(event.path)
    else if (tracksChildren(event.path)) this.fetchChildren(event.path)
  }

  /**
   * Count a read as pending for its entity and run it once fewer than MAX_IN_FLIGHT reads are
   * out: a burst of 100k reads at once starves the event loop and overruns the connection.
   * Its sequence number is taken when it is really sent.
   */
  private begin(path: string, send: (token: Token) => void): void {
    this.inflight++
    const loc = locate(path)
    if (loc !== undefined) this.pendingByEntity.set(loc.key, (this.pendingByEntity.get(loc.key) ?? 0) + 1)
    const token: Token = { seq: 0, generation: this.generation, loc }
    this.queue.push(() => {
      token.seq = this.nextSeq()
      send(token)
    })
    this.pump()
  }

  private pump(): void {
    if (this.issued >= MAX_IN_FLIGHT || this.head >= this.queue.length) return
    this.zk.batch(() => {
      while (this.issued < MAX_IN_FLIGHT && this.head < this.queue.length) {
        this.issued++
        const send = this.queue[this.head]!
        this.queue[this.head++] = noop
        send()
      }
    })
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head)
      this.head = 0
    }
  }

  private end(token: Token): boolean {
    if (token.generation !== this.generation) return false
    // Bulk reads (first load, re-read after a session expiry) keep the heap near its live size.
    if (++this.completed % GC_EVERY_READS === 0 && this.inflight > 1_000) collectGarbage()
    this.issued--
    if (!this.pumpScheduled) {
      // Refill after the whole socket chunk has been read, in one corked write.
      this.pumpScheduled = true
      queueMicrotask(() => {
        this.pumpScheduled = false
        this.pump()
      })
    }
    this.inflight--
    if (token.loc !== undefined) {
      const left = (this.pendingByEntity.get(token.loc.key) ?? 1) - 1
      if (left <= 0) this.pendingByEntity.delete(token.loc.key)
      else this.pendingByEntity.set(token.loc.key, left)
      this.dirty.set(token.loc.key, token.loc)
    }
    return true
  }

  private isOlderThanLocalWrite(path: string, seq: number): boolean {
    const written = this.localWrites.get(path)
    return written !== undefined && seq < written
  }

  private failed(path: string, error: ZkError): void {
    if (error.code !== "ConnectionLoss" && error.code !== "Timeout") {
      // SessionExpired: the new session re-reads everything. Anything else will not get better.
      if (error.code !== "SessionExpired") console.warn(`zk mirror: cannot read ${path}: ${error.detail}`)
      return
    }
    // Read again once connected (a new session re-reads the whole tree anyway).
    this.retry.add(path)
    if (this.zk.state()._tag === "Connected") {
      setTimeout(() => {
        if (this.retry.delete(path)) this.refetch(path)
      }, 200)
    }
  }

  private fetchData(path: string): void {
    this.requested.add(path)
    this.begin(path, (token) => this.zk.raw.getData(path, this.dataWatcher, (error, result) => {
      if (!this.end(token)) return
      if (error !== undefined) this.failed(path, error)
      else if (!this.isOlderThanLocalWrite(path, token.seq)) {
        if (result === undefined) this.vanished(path)
        else {
          const node = this.tree.get(path)
          if (node === undefined) {
            this.tree.set(path, { data: result.data, version: result.version, children: undefined })
          } else {
            node.data = result.data
            node.version = result.version
          }
        }
      }
      this.checkIdle()
    }))
  }

  private fetchChildren(path: string): void {
    this.begin(path, (token) => this.zk.raw.getChildren(path, this.childWatcher, (error, list) => {
      if (!this.end(token)) return
      if (error !== undefined) this.failed(`children:${path}`, error)
      else if (!this.isOlderThanLocalWrite(path, token.seq) && list !== undefined) this.setChildren(path, list)
      this.checkIdle()
    }))
  }

  private setChildren(path: string, list: ReadonlyArray<string>): void {
    let node = this.tree.get(path)
    if (node === undefined) {
      // Children can answer before the data read of a fresh znode.
      node = { data: "", version: -1, children: undefined }
      this.tree.set(path, node)
    }
    const next = new Set(list)
    for (const old of node.children ?? []) if (!next.has(old)) this.removeSubtree(`${childPath(path, old)}`)
    node.children = [...list]
    for (const name of list) {
      const child = childPath(path, name)
      if (!this.requested.has(child)) this.load(child)
    }
  }

  /** A read found no znode: drop it, and watch for a root key to (re)appear. */
  private vanished(path: string): void {
    this.removeSubtree(path)
    if ((ROOT_KEYS as ReadonlyArray<string>).includes(path)) {
      this.begin(path, (token) => this.zk.raw.exists(path, this.dataWatcher, (error, exists) => {
        if (!this.end(token)) return
        if (error !== undefined) this.failed(path, error)
        else if (exists === true && !this.tree.has(path)) {
          this.requested.delete(path)
          this.load(path)
        }
        this.checkIdle()
      }))
    }
  }

  private removeSubtree(path: string): void {
    const node = this.tree.get(path)
    for (const name of node?.children ?? []) this.removeSubtree(childPath(path, name))
    this.tree.delete(path)
    this.requested.delete(path)
    this.markDirty(path)
  }

  private markDirty(path: string): void {
    const loc = locate(path)
    if (loc !== undefined) this.dirty.set(loc.key, loc)
  }

  private checkIdle(): void {
    if (this.inflight === 0) this.localWrites.clear()
    if (this.loading) {
      if (this.inflight > 0) return
      this.loading = false
      this.rebuild()
      this.loaded = true
      const waiting = this.onLoaded
      this.onLoaded = []
      for (const f of waiting) f()
      this.notify()
      return
    }
    if (this.dirty.size > 0 && !this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => {
        this.flushScheduled = false
        this.flush(false)
      })
    }
  }

  /** Decode every entity of the tree into a fresh index (after a (re)load). */
  private rebuild(): void {
    const seen = new Map<EntityKey, Located>()
    for (const path of this.tree.keys()) {
      const loc = locate(path)
      if (loc !== undefined && !seen.has(loc.key)) seen.set(loc.key, loc)
    }
    const entries: Array<{ entity: Entity; revision: Revision }> = []
    for (const loc of seen.values()) {
      const stored = this.decodeStored(loc)
      if (stored !== undefined) entries.push(stored)
    }
    this.dirty.clear()
    this.index = SnapshotIndex.empty.apply(entries, [])
  }

  private decodeStored(loc: Located): { entity: Entity; revision: Revision } | undefined {
    const decoded = decode(loc, this.view)
    switch (decoded._tag) {
      case "Absent":
        return undefined
      case "Invalid": {
        const note = `${loc.root}: ${decoded.reason}`
        if (!this.invalidLogged.has(note)) {
          this.invalidLogged.add(note)
          console.warn(`zk mirror: skipping unusable ${loc.tag} at ${loc.root}: ${decoded.reason}`)
        }
        return undefined
      }
      case "Decoded":
        // Listed as stored all the same; one warning per entity (issue 13: nothing in ZooKeeper is hidden).
        if (decoded.unrecognized.length > 0 && !this.invalidLogged.has(loc.root)) {
          this.invalidLogged.add(loc.root)
          console.warn(`zk mirror: ${loc.tag} at ${loc.root} holds values the API does not write: ${decoded.unrecognized.join("; ")}`)
        }
        return { entity: decoded.entity, revision: revisionText(loc.tag, loc.root, this.view) as Revision }
    }
  }

  /**
   * Apply dirty entities to the index. Entities still being read are left for later unless
   * `force` (a local commit wrote them completely).
   */
  flush(force: boolean): void {
    if (!this.loaded || this.dirty.size === 0) return
    const puts: Array<{ entity: Entity; revision: Revision }> = []
    const removes: Array<Entity> = []
    for (const [key, loc] of this.dirty) {
      if (!force && this.pendingByEntity.has(key)) continue
      this.dirty.delete(key)
      const stored = this.decodeStored(loc)
      if (stored !== undefined) {
        const current = this.index.get(key)
        if (current === undefined || current.revision !== stored.revision || !sameEntity(current.entity, stored.entity)) {
          puts.push(stored)
        }
      } else {
        const current = this.index.get(key)
        if (current !== undefined) removes.push(current.entity)
      }
    }
    if (puts.length === 0 && removes.length === 0) return
    this.index = this.index.apply(puts, removes)
    this.notify()
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }

  /** Record a committed transaction in the tree at once (read your writes). */
  applyLocal(ops: ReadonlyArray<ZkOp>, results: ReadonlyArray<ZkOpResult>, seq: number): void {
    ops.forEach((op, i) => {
      const parent = parentOf(op.path)
      switch (op.op) {
        case "create": {
          this.tree.set(op.path, { data: op.data, version: 0, children: tracksChildren(op.path) ? [] : undefined })
          const p = this.tree.get(parent)
          if (p?.children !== undefined && !p.children.includes(nameOf(op.path))) p.children.push(nameOf(op.path))
          this.localWrites.set(parent, seq)
          break
        }
        case "set": {
          const node = this.tree.get(op.path)
          const version = results[i]?.version ?? (node === undefined ? 0 : node.version + 1)
          if (node === undefined) this.tree.set(op.path, { data: op.data, version, children: undefined })
          else {
            node.data = op.data
            node.version = version
          }
          break
        }
        case "delete": {
          this.removeSubtree(op.path)
          const p = this.tree.get(parent)
          if (p?.children !== undefined) p.children = p.children.filter((c) => c !== nameOf(op.path))
          this.localWrites.set(parent, seq)
          break
        }
        case "check":
          return
      }
      this.localWrites.set(op.path, seq)
      this.markDirty(op.path)
    })
    this.flush(true)
  }
}

const MAX_IN_FLIGHT = 500
const GC_EVERY_READS = 10_000
const noop = () => {}

interface Token {
  seq: number
  readonly generation: number
  readonly loc: Located | undefined
}

const childPath = (parent: string, name: string) => (parent === "/" ? `/${name}` : `${parent}/${name}`)

const sameEntity = (a: Entity, b: Entity): boolean => JSON.stringify(a) === JSON.stringify(b)
