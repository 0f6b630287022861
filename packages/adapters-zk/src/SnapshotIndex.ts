import {
  CephReport,
  type ClusterPlan,
  type ClusterSnapshot,
  type Entity,
  type EntityKey,
  entityKey,
  PrimaryNode,
  type Revision
} from "@pvc/core"

/*
 * The mirror's entities as immutable snapshots that cost O(changes) to derive, not O(cluster):
 * core's EntityIndex copies a whole kind per change and builds every typed map again per
 * snapshot, which at 10,000 VMs is tens of milliseconds per commit. Here each kind is a
 * copy-on-write map split into buckets, so a change copies one small bucket, and a snapshot is a
 * handful of references.
 */

const BUCKETS = 256

const bucketOf = (key: string | number): number => {
  if (typeof key === "number") return key & (BUCKETS - 1)
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193)
  return (h >>> 0) & (BUCKETS - 1)
}

const EMPTY_BUCKET: ReadonlyMap<never, never> = new Map<never, never>()

/** An immutable map whose updates share all untouched buckets with the previous version. */
export class ChunkedMap<K extends string | number, V> implements ReadonlyMap<K, V> {
  private readonly buckets: ReadonlyArray<ReadonlyMap<K, V>>
  readonly size: number

  private constructor(buckets: ReadonlyArray<ReadonlyMap<K, V>>, size: number) {
    this.buckets = buckets
    this.size = size
  }

  static empty<K extends string | number, V>(): ChunkedMap<K, V> {
    return new ChunkedMap<K, V>(new Array(BUCKETS).fill(EMPTY_BUCKET), 0)
  }

  get(key: K): V | undefined {
    return this.buckets[bucketOf(key)]!.get(key)
  }

  has(key: K): boolean {
    return this.buckets[bucketOf(key)]!.has(key)
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const bucket of this.buckets) bucket.forEach((v, k) => callback.call(thisArg, v, k, this))
  }

  // Plain iterators over the buckets: generators with `yield*` cost several times more per element,
  // and whole-cluster scans (a write's lookups, lists) walk ten thousand of them.
  entries(): MapIterator<[K, V]> {
    return new BucketsIterator(this.buckets, (bucket) => bucket.entries())
  }

  keys(): MapIterator<K> {
    return new BucketsIterator(this.buckets, (bucket) => bucket.keys())
  }

  values(): MapIterator<V> {
    return new BucketsIterator(this.buckets, (bucket) => bucket.values())
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }

  /** A new version with `sets` applied, then `deletes`. */
  update(sets: Iterable<readonly [K, V]>, deletes: Iterable<K>): ChunkedMap<K, V> {
    const buckets = [...this.buckets]
    const copied = new Set<number>()
    let size = this.size
    const writable = (i: number) => {
      if (!copied.has(i)) {
        copied.add(i)
        buckets[i] = new Map(buckets[i])
      }
      return buckets[i] as Map<K, V>
    }
    for (const [k, v] of sets) {
      const bucket = writable(bucketOf(k))
      if (!bucket.has(k)) size++
      bucket.set(k, v)
    }
    for (const k of deletes) {
      const i = bucketOf(k)
      if (!this.buckets[i]!.has(k) && !copied.has(i)) continue
      if (writable(i).delete(k)) size--
    }
    return new ChunkedMap(buckets, size)
  }
}

/** The elements of each bucket in turn. */
class BucketsIterator<K, V, A> implements MapIterator<A> {
  private index = 0
  private current: Iterator<A> | undefined
  private readonly buckets: ReadonlyArray<ReadonlyMap<K, V>>
  private readonly open: (bucket: ReadonlyMap<K, V>) => Iterator<A>

  constructor(buckets: ReadonlyArray<ReadonlyMap<K, V>>, open: (bucket: ReadonlyMap<K, V>) => Iterator<A>) {
    this.buckets = buckets
    this.open = open
  }

  next(): IteratorResult<A, undefined> {
    for (;;) {
      if (this.current !== undefined) {
        const step = this.current.next()
        if (step.done !== true) return step
        this.current = undefined
      }
      // Empty buckets share one map: skip them without opening an iterator.
      while (this.index < this.buckets.length && this.buckets[this.index]!.size === 0) this.index++
      if (this.index >= this.buckets.length) return { done: true, value: undefined }
      this.current = this.open(this.buckets[this.index++]!)
    }
  }

  [Symbol.iterator](): MapIterator<A> {
    return this
  }

  [Symbol.dispose](): void {}
}

type Tag = Entity["_tag"]
type Key = string | number

/** The key of an entity in its kind's typed map (the maps of `ClusterSnapshot`). */
const typedKeyOf = (entity: Entity): Key => {
  switch (entity._tag) {
    case "Node":
      return entity.name
    case "Vm":
      return entity.uuid
    case "Network":
      return entity.vni
    case "Osd":
      return entity.id
    case "Pool":
      return entity.name
    default:
      return entityKey(entity)
  }
}

const NAMED: ReadonlySet<Tag> = new Set(["Node", "Vm", "Network", "Osd", "Pool"])

// Keys are JSON arrays whose first element is the kind: `["Vm","<uuid>"]`.
const tagOfKey = (key: EntityKey): Tag => key.slice(2, key.indexOf("\"", 2)) as Tag
const typedKeyOfKey = (key: EntityKey): Key => {
  const tag = tagOfKey(key)
  return NAMED.has(tag) ? (JSON.parse(key) as Array<Key>)[1]! : key
}

const TAGS: ReadonlyArray<Tag> = [
  "Node",
  "PrimaryNode",
  "Vm",
  "Network",
  "DhcpLease",
  "DhcpReservation",
  "Acl",
  "Osd",
  "Pool",
  "Volume",
  "Snapshot",
  "CephReport"
]

export interface StoredEntity {
  readonly entity: Entity
  readonly revision: Revision
}

/** The entities of the cluster with their revisions, as cheap immutable versions. */
export class SnapshotIndex {
  private readonly kinds: ReadonlyMap<Tag, ChunkedMap<Key, Entity>>
  private readonly revisions: WeakMap<Entity, Revision>
  private cached: ClusterSnapshot | undefined

  private constructor(kinds: ReadonlyMap<Tag, ChunkedMap<Key, Entity>>, revisions: WeakMap<Entity, Revision>) {
    this.kinds = kinds
    this.revisions = revisions
  }

  static readonly empty = new SnapshotIndex(
    new Map(TAGS.map((t) => [t, ChunkedMap.empty<Key, Entity>()])),
    new WeakMap()
  )

  get(key: EntityKey): StoredEntity | undefined {
    const entity = this.kinds.get(tagOfKey(key))?.get(typedKeyOfKey(key))
    if (entity === undefined) return undefined
    const revision = this.revisions.get(entity)
    return revision === undefined ? undefined : { entity, revision }
  }

  /** Puts (create or replace) and removes; dependents are removed by the caller (the mirror). */
  apply(puts: ReadonlyArray<StoredEntity>, removes: ReadonlyArray<Entity>): SnapshotIndex {
    const byTag = new Map<Tag, { sets: Array<readonly [Key, Entity]>; deletes: Array<Key> }>()
    const changesOf = (tag: Tag) => {
      let c = byTag.get(tag)
      if (c === undefined) byTag.set(tag, c = { sets: [], deletes: [] })
      return c
    }
    for (const { entity, revision } of puts) {
      this.revisions.set(entity, revision)
      changesOf(entity._tag).sets.push([typedKeyOf(entity), entity])
    }
    for (const entity of removes) changesOf(entity._tag).deletes.push(typedKeyOf(entity))
    if (byTag.size === 0) return this
    const kinds = new Map(this.kinds)
    for (const [tag, { sets, deletes }] of byTag) kinds.set(tag, kinds.get(tag)!.update(sets, deletes))
    return new SnapshotIndex(kinds, this.revisions)
  }

  /** The first entity of the plan whose revision moved since the plan's base, if any. */
  staleEntity(plan: ClusterPlan): EntityKey | undefined {
    for (const entity of [...plan.changes.map((c) => c.entity), ...plan.guards]) {
      const key = entityKey(entity)
      if (this.get(key)?.revision !== plan.base.revisionOf(key)) return key
    }
    return undefined
  }

  /** Every stored entity (any order). */
  *entries(): Generator<StoredEntity> {
    for (const kind of this.kinds.values()) {
      for (const entity of kind.values()) {
        const revision = this.revisions.get(entity)
        if (revision !== undefined) yield { entity, revision }
      }
    }
  }

  toSnapshot(): ClusterSnapshot {
    return (this.cached ??= this.build())
  }

  private build(): ClusterSnapshot {
    const kind = <T extends Tag, K extends Key>(tag: T) =>
      this.kinds.get(tag)! as unknown as ReadonlyMap<K, Extract<Entity, { _tag: T }>>
    const single = <T extends Tag>(tag: T) => kind<T, Key>(tag).values().next().value
    return {
      primaryNode: single("PrimaryNode") ?? new PrimaryNode({ node: null }),
      nodes: kind("Node"),
      vms: kind("Vm"),
      networks: kind("Network"),
      dhcpLeases: kind("DhcpLease"),
      dhcpReservations: kind("DhcpReservation"),
      acls: kind("Acl"),
      osds: kind("Osd"),
      pools: kind("Pool"),
      volumes: kind("Volume"),
      snapshots: kind("Snapshot"),
      cephReport: single("CephReport") ?? new CephReport({ status: "", radosDf: null }),
      revisionOf: (key) => this.get(key)?.revision,
      lookup: (key) => this.get(key)?.entity
    }
  }
}
