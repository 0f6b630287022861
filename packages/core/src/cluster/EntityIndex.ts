import { CephReport } from "../domain/Ceph.ts"
import { PrimaryNode } from "../domain/Node.ts"
import type { ClusterPlan } from "./ClusterPlan.ts"
import type { ClusterSnapshot, Revision } from "./ClusterSnapshot.ts"
import { type Entity, type EntityKey, entityKey, isDependentOf } from "./Entity.ts"

type Tag = Entity["_tag"]
type Stored = { readonly entity: Entity; readonly revision: Revision }

/**
 * An immutable set of stored entities, grouped by kind so that a change copies only the kinds it
 * touches. Both the in-memory store and the ZooKeeper mirror keep their state in one.
 */
export class EntityIndex {
  private readonly kinds: ReadonlyMap<Tag, ReadonlyMap<EntityKey, Stored>>
  private constructor(kinds: ReadonlyMap<Tag, ReadonlyMap<EntityKey, Stored>>) {
    this.kinds = kinds
  }

  static readonly empty = new EntityIndex(new Map())

  static of(entries: Iterable<readonly [Entity, Revision]>): EntityIndex {
    return EntityIndex.empty.apply(
      [...entries].map(([entity, revision]) => ({ entity, revision })),
      []
    )
  }

  get(key: EntityKey): Stored | undefined {
    return this.kinds.get(kindOfKey(key))?.get(key)
  }

  all<T extends Tag>(tag: T): Iterable<Extract<Entity, { _tag: T }>> {
    const kind = this.kinds.get(tag)
    return kind === undefined ? [] : mapIterable(kind.values(), (s) => s.entity as Extract<Entity, { _tag: T }>)
  }

  /** Puts (create or replace) then removes (with dependents). */
  apply(puts: ReadonlyArray<Stored>, removes: ReadonlyArray<Entity>): EntityIndex {
    const next = new Map(this.kinds)
    const writable = new Map<Tag, Map<EntityKey, Stored>>()
    const kindFor = (tag: Tag) => {
      let kind = writable.get(tag)
      if (kind === undefined) {
        kind = new Map(next.get(tag) ?? [])
        writable.set(tag, kind)
        next.set(tag, kind)
      }
      return kind
    }
    for (const stored of puts) kindFor(stored.entity._tag).set(entityKey(stored.entity), stored)
    for (const removed of removes) {
      kindFor(removed._tag).delete(entityKey(removed))
      for (const tag of DEPENDENT_KINDS[removed._tag] ?? []) {
        const kind = kindFor(tag)
        for (const [key, stored] of kind) if (isDependentOf(stored.entity, removed)) kind.delete(key)
      }
    }
    return new EntityIndex(next)
  }

  /** The first entity of the plan whose revision moved since the plan's base, if any. */
  staleEntity(plan: ClusterPlan): EntityKey | undefined {
    const relied = [...plan.changes.map((c) => c.entity), ...plan.guards]
    for (const entity of relied) {
      const key = entityKey(entity)
      if (this.get(key)?.revision !== plan.base.revisionOf(key)) return key
    }
    return undefined
  }

  private snapshot: ClusterSnapshot | undefined

  toSnapshot(): ClusterSnapshot {
    return (this.snapshot ??= this.buildSnapshot())
  }

  private buildSnapshot(): ClusterSnapshot {
    const byName = <T extends Tag, K>(tag: T, name: (e: Extract<Entity, { _tag: T }>) => K) =>
      new Map([...this.all(tag)].map((e) => [name(e), e] as const))
    const byKey = <T extends Tag>(tag: T) => new Map([...this.all(tag)].map((e) => [entityKey(e), e] as const))
    return {
      primaryNode: [...this.all("PrimaryNode")][0] ?? new PrimaryNode({ node: null }),
      nodes: byName("Node", (n) => n.name),
      vms: byName("Vm", (v) => v.uuid),
      networks: byName("Network", (n) => n.vni),
      dhcpLeases: byKey("DhcpLease"),
      dhcpReservations: byKey("DhcpReservation"),
      acls: byKey("Acl"),
      osds: byName("Osd", (o) => o.id),
      pools: byName("Pool", (p) => p.name),
      volumes: byKey("Volume"),
      snapshots: byKey("Snapshot"),
      cephReport: [...this.all("CephReport")][0] ?? new CephReport({ status: "", radosDf: null }),
      revisionOf: (key) => this.get(key)?.revision,
      lookup: (key) => this.get(key)?.entity
    }
  }
}

const DEPENDENT_KINDS: Partial<Record<Tag, ReadonlyArray<Tag>>> = {
  Network: ["DhcpLease", "DhcpReservation", "Acl"],
  Pool: ["Volume", "Snapshot"],
  Volume: ["Snapshot"]
}

// Keys are JSON arrays whose first element is the kind: `["Vm","<uuid>"]`.
const kindOfKey = (key: EntityKey): Tag => key.slice(2, key.indexOf("\"", 2)) as Tag

function* mapIterable<A, B>(it: Iterable<A>, f: (a: A) => B): Iterable<B> {
  for (const a of it) yield f(a)
}
