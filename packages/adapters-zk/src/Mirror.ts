import type { Entity, EntityKey, Revision } from "@pvc/core"
import {
  decode,
  type Decoded,
  isMirrored,
  type Located,
  locate,
  revisionText,
  ROOT_KEYS,
  tracksChildren,
  type TreeView
} from "./Layout.ts"
import { collectGarbage } from "./Gc.ts"
import { SnapshotIndex, type StoredEntity } from "./SnapshotIndex.ts"
import type { ZkClientShape, ZkError, ZkNodeData, ZkOp, ZkOpResult, ZkStat, ZkState, ZkWatchEvent } from "./ZkClient.ts"

interface ZNode {
  data: string
  version: number
  /** Creation zxid: the znode's identity (a znode deleted and created again has a new one); 0 if unknown. */
  czxid: number
  /** `cversion` of the children list held; -1 until the list of this incarnation is read. */
  cversion: number
  children: Set<string> | undefined
  /** A data read of this incarnation was answered, so its data watch is set (or being set again). */
  read: boolean
}

const parentOf = (path: string): string => {
  const i = path.lastIndexOf("/")
  return i <= 0 ? "/" : path.slice(0, i)
}
const nameOf = (path: string): string => path.slice(path.lastIndexOf("/") + 1)
const childPath = (parent: string, name: string) => (parent === "/" ? `/${name}` : `${parent}/${name}`)
const isRoot = (path: string): boolean => (ROOT_KEYS as ReadonlyArray<string>).includes(path)

/** A tree view that also knows each znode's identity (its creation zxid). */
export interface IdentityView extends TreeView {
  readonly czxid: (path: string) => number | undefined
}

/**
 * Revision of a stored entity: the identity (creation zxid) of its root znode, then the versions
 * of its guarded keys. An entity deleted and created again under the same name gets a new
 * revision even when its versions are the same, so a plan based on the old one is stale.
 */
export const entityRevision = (loc: Located, view: IdentityView): Revision =>
  `${(view.czxid(loc.root) ?? 0).toString(36)}:${revisionText(loc.tag, loc.root, view)}` as Revision

/** The two parts of an `entityRevision`: the root's creation zxid (0: unknown) and the versions text. */
export const splitRevision = (revision: string): { readonly identity: number; readonly versions: string } => {
  const i = revision.indexOf(":")
  return i < 0
    ? { identity: 0, versions: revision }
    : { identity: Number.parseInt(revision.slice(0, i), 36) || 0, versions: revision.slice(i + 1) }
}

/** Every entity whose keys are among `paths`, decoded from `view` (a fresh full read or the mirror). */
export const decodeTree = (
  paths: Iterable<string>,
  view: IdentityView
): Array<{ readonly loc: Located; readonly decoded: Decoded; readonly revision: Revision }> => {
  const seen = new Map<EntityKey, Located>()
  for (const path of paths) {
    const loc = locate(path)
    if (loc !== undefined && !seen.has(loc.key)) seen.set(loc.key, loc)
  }
  return [...seen.values()].map((loc) => ({ loc, decoded: decode(loc, view), revision: entityRevision(loc, view) }))
}

/** One znode of the mirror as a test compares it with a fresh read. */
export interface DumpedNode {
  readonly data: string
  readonly version: number
  readonly czxid: number
  /** Sorted; only for znodes whose children are state. */
  readonly children: ReadonlyArray<string> | undefined
}

/**
 * A watch-fed copy of the cluster tree (client-go's informer cache, for ZooKeeper): every
 * mirrored znode is read with a one-shot data watch (and a child watch where its children are
 * state) and read again when a watch fires; the entities of changed znodes are decoded again and
 * applied to a `SnapshotIndex`.
 *
 * Convergence rests on three rules. (1) Every znode in the tree has its watches set or a read on
 * its way, so any later change is seen. (2) A znode is known by its identity, not its name: a
 * read that finds another creation zxid than the one held means it was deleted and created again
 * between two reads; what was held below it is dropped and its children are read afresh (their
 * watches were spent by the deletion). A children list is only applied to the incarnation it was
 * read from. (3) A name listed by its parent that is not read yet is read. A self-check on a timer
 * compares the root znodes and a few others with ZooKeeper and re-reads a subtree that differs.
 *
 * Ordering: ZooKeeper answers one session's requests in order and delivers a watch event before
 * any answer that reflects a later state, so a read issued before one of our own commits
 * reflects the state before it. Each request carries a sequence number; an answer older than a
 * local write to the same path is dropped (the watch that write fired brings the newer value).
 * That lets `applyLocal` publish a commit before `commit` returns.
 */
export class Mirror {
  private readonly zk: ZkClientShape
  private readonly tree = new Map<string, ZNode>()
  private readonly localWrites = new Map<string, number>()
  private readonly pendingByEntity = new Map<EntityKey, number>()
  /** Reads of a path's data (and existence) and of its children, queued or sent. */
  private readonly pendingData = new Map<string, number>()
  private readonly pendingChildren = new Map<string, number>()
  private readonly dirty = new Map<EntityKey, Located>()
  private readonly retry = new Set<string>()
  private readonly listeners = new Set<() => void>()
  private readonly invalidLogged = new Set<string>()
  private readonly queue: Array<() => void> = []
  private readonly selfCheckInterval: number
  private readonly selfCheckSample: number
  private sampler: Iterator<string> | undefined
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
  /** Divergences found by the self-check (or a commit's identity check) and repaired. */
  repairs = 0

  readonly view: IdentityView = {
    data: (p) => this.tree.get(p)?.data,
    version: (p) => this.tree.get(p)?.version,
    czxid: (p) => this.tree.get(p)?.czxid,
    children: (p) => {
      const children = this.tree.get(p)?.children
      return children === undefined ? undefined : [...children]
    }
  }

  constructor(
    zk: ZkClientShape,
    options: { readonly selfCheckInterval?: number | undefined; readonly selfCheckSample?: number | undefined } = {}
  ) {
    this.zk = zk
    this.selfCheckInterval = options.selfCheckInterval ?? SELF_CHECK_INTERVAL
    this.selfCheckSample = options.selfCheckSample ?? SELF_CHECK_SAMPLE
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

  /** Start following; on every (re)connection of a new session the whole tree is read afresh. */
  start(): () => void {
    const unsubscribe = this.zk.onState((state) => this.onState(state))
    const current = this.zk.state()
    if (current._tag === "Connected") this.onState(current)
    const timer = this.selfCheckInterval > 0 ? setInterval(() => this.selfCheck(), this.selfCheckInterval) : undefined
    timer?.unref()
    return () => {
      unsubscribe()
      if (timer !== undefined) clearInterval(timer)
    }
  }

  whenLoaded(f: () => void): void {
    if (this.loaded) f()
    else this.onLoaded.push(f)
  }

  /** Whether no read is pending (for tests and benchmarks: the mirror has caught up with its watches). */
  idle(): boolean {
    return this.inflight === 0 && this.dirty.size === 0
  }

  /** The mirrored tree, for comparison with a fresh read. */
  dump(): Map<string, DumpedNode> {
    const out = new Map<string, DumpedNode>()
    for (const [path, node] of this.tree) {
      out.set(path, {
        data: node.data,
        version: node.version,
        czxid: node.czxid,
        children: node.children === undefined ? undefined : [...node.children].sort()
      })
    }
    return out
  }

  private onState(state: ZkState): void {
    if (state._tag !== "Connected") return
    if (state.generation !== this.generation) {
      // A new session: reads of the old one will never be answered usefully, its watches are gone.
      this.generation = state.generation
      this.localWrites.clear()
      this.pendingByEntity.clear()
      this.pendingData.clear()
      this.pendingChildren.clear()
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
   * Read the whole tree again, with watches, keeping the current copy meanwhile: at the first
   * connection and after a session expiry. Znodes that vanished are dropped on the way.
   */
  private refresh(): void {
    this.retry.clear()
    if (!this.loaded) this.loading = true
    for (const root of ROOT_KEYS) this.reread(root)
    this.checkIdle()
  }

  /** Read a znode and everything held below it again (new names are loaded as their lists come). */
  private reread(path: string): void {
    const node = this.tree.get(path)
    this.fetchData(path)
    if (tracksChildren(path)) this.fetchChildren(path)
    if (node?.children !== undefined) for (const name of node.children) this.reread(childPath(path, name))
  }

  /** First read of a znode; its children are listed with it (and read as the list comes). */
  private load(path: string): void {
    if (!isMirrored(path)) return
    this.fetchData(path)
    if (tracksChildren(path)) this.fetchChildren(path)
  }

  private refetch(path: string): void {
    if (path.startsWith("children:")) return this.fetchChildren(path.slice(9))
    this.fetchData(path)
  }

  private readonly dataWatcher = (event: ZkWatchEvent): void => {
    if (!isMirrored(event.path)) return
    if (event.type === "created") this.load(event.path)
    else if (event.type === "deleted") this.deleted(event.path)
    else this.fetchData(event.path)
  }

  private readonly childWatcher = (event: ZkWatchEvent): void => {
    if (!isMirrored(event.path)) return
    if (event.type === "deleted") this.deleted(event.path)
    else if (tracksChildren(event.path)) this.fetchChildren(event.path)
  }

  /**
   * The incarnation held at `path` is gone: drop it without a read (a wiped tree would cost one
   * read per znode). If it is created again, its parent's list, whose child watch this deletion
   * fired, names it again and it is loaded afresh; a root key gets an existence watch.
   */
  private deleted(path: string): void {
    if (isRoot(path)) return this.vanished(path)
    this.removeSubtree(path)
  }

  /**
   * Count a read as pending for its path and entity and run it once fewer than MAX_IN_FLIGHT
   * reads are out: a burst of 100k reads at once starves the event loop and overruns the
   * connection. Its sequence number is taken when it is really sent.
   */
  private begin(path: string, pending: Map<string, number>, send: (token: Token) => void): void {
    this.inflight++
    pending.set(path, (pending.get(path) ?? 0) + 1)
    const loc = locate(path)
    if (loc !== undefined) this.pendingByEntity.set(loc.key, (this.pendingByEntity.get(loc.key) ?? 0) + 1)
    const token: Token = { seq: 0, generation: this.generation, loc, path, pending }
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
    decrement(token.pending, token.path)
    if (token.loc !== undefined) {
      decrement(this.pendingByEntity, token.loc.key)
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
    this.begin(path, this.pendingData, (token) =>
      this.zk.raw.getData(path, this.dataWatcher, (error, result, stat) => {
        if (!this.end(token)) return
        if (error !== undefined) this.failed(path, error)
        else if (!this.isOlderThanLocalWrite(path, token.seq)) {
          if (result === undefined) this.vanished(path)
          else this.setData(path, result, stat)
        }
        this.checkIdle()
      }))
  }

  private fetchChildren(path: string): void {
    this.begin(path, this.pendingChildren, (token) =>
      this.zk.raw.getChildren(path, this.childWatcher, (error, list, stat) => {
        if (!this.end(token)) return
        if (error !== undefined) this.failed(`children:${path}`, error)
        else if (!this.isOlderThanLocalWrite(path, token.seq) && list !== undefined) this.setChildren(path, list, stat)
        this.checkIdle()
      }))
  }

  /** Whether `path` belongs in the tree: a root key, or a name its parent's list holds. */
  private wanted(path: string): boolean {
    if (isRoot(path)) return true
    return isMirrored(path) && this.tree.get(parentOf(path))?.children?.has(nameOf(path)) === true
  }

  private setData(path: string, result: ZkNodeData, stat: ZkStat | undefined): void {
    // An answer for a name its parent no longer lists: the parent's list decides (rule 3).
    if (!this.wanted(path)) return
    const czxid = stat?.czxid ?? 0
    let node = this.tree.get(path)
    if (node === undefined) {
      node = { data: result.data, version: result.version, czxid, cversion: -1, children: undefined, read: true }
      if (tracksChildren(path)) node.children = new Set()
      this.tree.set(path, node)
    } else {
      if (node.czxid !== 0 && czxid !== 0 && node.czxid !== czxid) this.recreated(path, node)
      node.data = result.data
      node.version = result.version
      if (czxid !== 0) node.czxid = czxid
      node.read = true
    }
    this.markDirty(path)
    // A fresh incarnation: its child watch has to be set and its list read (rule 2).
    if (node.children !== undefined && node.cversion < 0 && !this.pendingChildren.has(path)) this.fetchChildren(path)
  }

  /** The znode held at `path` was deleted and created again: what was below it is gone. */
  private recreated(path: string, node: ZNode): void {
    for (const name of node.children ?? []) this.removeSubtree(childPath(path, name))
    if (node.children !== undefined) node.children = new Set()
    node.cversion = -1
  }

  private setChildren(path: string, list: ReadonlyArray<string>, stat: ZkStat | undefined): void {
    const node = this.tree.get(path)
    // Not held (its data read found nothing, or it is not wanted): the data path decides.
    if (node === undefined || node.children === undefined) return
    if (stat !== undefined && node.czxid !== 0 && stat.czxid !== node.czxid) {
      // The list of another incarnation than the one held: read its data (and so its identity) first.
      if (!this.pendingData.has(path)) this.fetchData(path)
      return
    }
    if (stat !== undefined && node.czxid === 0) node.czxid = stat.czxid
    const next = new Set(list)
    for (const old of node.children) if (!next.has(old)) this.removeSubtree(childPath(path, old))
    node.children = next
    node.cversion = stat?.cversion ?? 0
    for (const name of next) {
      const child = childPath(path, name)
      if (this.tree.get(child)?.read !== true && !this.pendingData.has(child)) this.load(child)
    }
  }

  /** A read found no znode: drop it, and watch for a root key to (re)appear. */
  private vanished(path: string): void {
    if (this.tree.has(path)) this.removeSubtree(path)
    if (isRoot(path)) {
      this.begin(path, this.pendingData, (token) =>
        this.zk.raw.exists(path, this.dataWatcher, (error, exists) => {
          if (!this.end(token)) return
          if (error !== undefined) this.failed(path, error)
          else if (exists === true && this.tree.get(path)?.read !== true && !this.pendingData.has(path)) this.load(path)
          this.checkIdle()
        }))
    }
  }

  private removeSubtree(path: string): void {
    const node = this.tree.get(path)
    if (node === undefined) return
    for (const name of node.children ?? []) this.removeSubtree(childPath(path, name))
    this.tree.delete(path)
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

  // ---------------------------------------------------------------------------------------------
  // Self-check

  /**
   * Compare the root keys and a few other znodes (in turn, the whole tree over time) with
   * ZooKeeper: identity, data version, children version. A difference that no pending read
   * explains is a divergence that slipped through: log it and re-read that subtree.
   */
  selfCheck(): void {
    if (!this.loaded || this.loading || this.zk.state()._tag !== "Connected") return
    for (const path of [...ROOT_KEYS, ...this.sample()]) {
      this.zk.raw.exists(path, undefined, (error, exists, stat) => {
        if (error === undefined) this.verify(path, exists === true ? stat : undefined)
      })
    }
  }

  /** The next few paths of the tree, round robin (a Map iterator survives changes to the map). */
  private sample(): Array<string> {
    const out: Array<string> = []
    for (let restarted = false; out.length < this.selfCheckSample;) {
      this.sampler ??= this.tree.keys()
      const step = this.sampler.next()
      if (step.done === true) {
        this.sampler = undefined
        if (restarted) break
        restarted = true
      } else if (!isRoot(step.value)) out.push(step.value)
    }
    return out
  }

  /**
   * Compare what ZooKeeper just answered for `path` (`undefined`: absent) with the tree; re-read
   * the subtree on a difference. Returns whether it differed. Only meaningful right after the
   * answer: watch events for earlier changes have been handled by then, so a read is pending.
   */
  verify(path: string, stat: ZkStat | undefined): boolean {
    if (!this.loaded || this.pendingData.has(path) || this.pendingChildren.has(path)) return false
    const node = this.tree.get(path)
    const reason = divergence(node, stat, this.wanted(path))
    if (reason === undefined) return false
    this.repairs++
    console.warn(`zk mirror: ${path} diverged from ZooKeeper (${reason}); repairing it by re-reading its subtree`)
    if (node === undefined) this.load(path)
    else this.reread(path)
    return true
  }

  // ---------------------------------------------------------------------------------------------
  // Entities

  /** Decode every entity of the tree into a fresh index (after a (re)load). */
  private rebuild(): void {
    const entries: Array<StoredEntity> = []
    for (const item of decodeTree(this.tree.keys(), this.view)) {
      const stored = this.stored(item.loc, item.decoded, item.revision)
      if (stored !== undefined) entries.push(stored)
    }
    this.dirty.clear()
    this.index = SnapshotIndex.empty.apply(entries, [])
  }

  private decodeStored(loc: Located): StoredEntity | undefined {
    return this.stored(loc, decode(loc, this.view), entityRevision(loc, this.view))
  }

  private stored(loc: Located, decoded: Decoded, revision: Revision): StoredEntity | undefined {
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
        return { entity: decoded.entity, revision }
    }
  }

  /**
   * Apply dirty entities to the index. Entities still being read are left for later unless
   * `force` (a local commit wrote them completely).
   */
  flush(force: boolean): void {
    if (!this.loaded || this.dirty.size === 0) return
    const puts: Array<StoredEntity> = []
    const removes: Array<Entity> = []
    for (const [key, loc] of this.dirty) {
      if (!force && this.pendingByEntity.has(key)) continue
      this.dirty.delete(key)
      const stored = this.decodeStored(loc)
      const current = this.index.get(key)
      if (stored !== undefined) {
        if (current === undefined || current.revision !== stored.revision || !sameEntity(current.entity, stored.entity)) {
          puts.push(stored)
        }
      } else if (current !== undefined) removes.push(current.entity)
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
          // A create succeeds only on an absent znode: anything held there is a stale incarnation.
          this.removeSubtree(op.path)
          const children = tracksChildren(op.path) ? new Set<string>() : undefined
          this.tree.set(op.path, { data: op.data, version: 0, czxid: results[i]?.zxid ?? 0, cversion: -1, children, read: false })
          this.tree.get(parent)?.children?.add(nameOf(op.path))
          this.localWrites.set(parent, seq)
          break
        }
        case "set": {
          const node = this.tree.get(op.path)
          const version = results[i]?.version ?? (node === undefined ? 0 : node.version + 1)
          if (node === undefined) {
            const children = tracksChildren(op.path) ? new Set<string>() : undefined
            this.tree.set(op.path, { data: op.data, version, czxid: 0, cversion: -1, children, read: false })
          } else {
            node.data = op.data
            node.version = version
          }
          break
        }
        case "delete": {
          this.removeSubtree(op.path)
          this.tree.get(parent)?.children?.delete(nameOf(op.path))
          this.localWrites.set(parent, seq)
          break
        }
        case "check":
          return
      }
      this.localWrites.set(op.path, seq)
      this.markDirty(op.path)
    })
    // Znodes this commit created (or first wrote) are read, to set their watches (rule 1).
    ops.forEach((op) => {
      if (op.op !== "delete" && op.op !== "check" && this.tree.get(op.path)?.read === false && isMirrored(op.path)) {
        if (!this.pendingData.has(op.path)) this.load(op.path)
      }
    })
    this.flush(true)
  }
}

/** Why the tree differs from ZooKeeper's answer for one znode, if it does. */
const divergence = (node: ZNode | undefined, stat: ZkStat | undefined, wanted: boolean): string | undefined => {
  if (stat === undefined) return node === undefined ? undefined : "held, but absent in ZooKeeper"
  if (node === undefined) return wanted ? "present in ZooKeeper, not held" : undefined
  if (node.czxid !== 0 && node.czxid !== stat.czxid) return `created again: czxid ${stat.czxid} instead of ${node.czxid}`
  if (!node.read) return "never read"
  if (node.version !== stat.version) return `data version ${stat.version} instead of ${node.version}`
  if (node.children !== undefined && node.cversion !== stat.cversion) {
    return `children version ${stat.cversion} instead of ${node.cversion}`
  }
  return undefined
}

const decrement = <K>(map: Map<K, number>, key: K): void => {
  const left = (map.get(key) ?? 1) - 1
  if (left <= 0) map.delete(key)
  else map.set(key, left)
}

const MAX_IN_FLIGHT = 500
const GC_EVERY_READS = 10_000
const SELF_CHECK_INTERVAL = 5_000
const SELF_CHECK_SAMPLE = 8
const noop = () => {}

interface Token {
  seq: number
  readonly generation: number
  readonly loc: Located | undefined
  readonly path: string
  readonly pending: Map<string, number>
}

const sameEntity = (a: Entity, b: Entity): boolean => JSON.stringify(a) === JSON.stringify(b)
