import { type ClusterPlan, type ClusterSnapshot, ClusterStore, type Entity, EntityIndex, EntityKey, type Revision, StaleSnapshot } from "@pvc/core"
import { Effect, Layer, SubscriptionRef } from "effect"

/**
 * The cluster store in memory. Every put gives the entity a new revision, like a ZooKeeper
 * version, so a plan based on an older snapshot is refused as it would be on ZooKeeper.
 */
/**
 * Networks whose ACL or reservation lists the plan writes: like the ZooKeeper store's list
 * containers, their revision orders such writes, so two adds to the same (even empty) list conflict.
 */
const sequencedNetworks = (plan: ClusterPlan) => [
  ...new Set(plan.changes.flatMap(({ entity }) =>
    entity._tag === "Acl" || entity._tag === "DhcpReservation" ? [EntityKey.network(entity.vni)] : []
  ))
]

export const makeClusterStoreMemory = Effect.fnUntraced(function*(initial: Iterable<Entity> = []) {
  let revisionCounter = 0
  const nextRevision = () => String(++revisionCounter) as Revision
  let index = EntityIndex.of([...initial].map((entity) => [entity, nextRevision()] as const))
  const ref = yield* SubscriptionRef.make<ClusterSnapshot>(index.toSnapshot())

  const commit = (plan: Parameters<ClusterStore["Service"]["commit"]>[0]) =>
    Effect.suspend(() => {
      const snapshot = index.toSnapshot()
      const networks = sequencedNetworks(plan)
      const stale = index.staleEntity(plan) ?? networks.find((key) => snapshot.revisionOf(key) !== plan.base.revisionOf(key))
      if (stale !== undefined) return Effect.fail(new StaleSnapshot({ entity: stale }))
      const puts = plan.changes.flatMap((c) => c._tag === "Put" ? [{ entity: c.entity, revision: nextRevision() }] : [])
      for (const key of networks) {
        const network = snapshot.lookup(key)
        const changed = plan.changes.some((c) => c.entity._tag === "Network" && EntityKey.network(c.entity.vni) === key)
        if (network !== undefined && !changed) puts.push({ entity: network, revision: nextRevision() })
      }
      const removes = plan.changes.flatMap((c) => c._tag === "Remove" ? [c.entity] : [])
      index = index.apply(puts, removes)
      return SubscriptionRef.set(ref, index.toSnapshot())
    })

  return ClusterStore.of({
    snapshot: Effect.sync(() => index.toSnapshot()),
    commit,
    changes: SubscriptionRef.changes(ref)
  })
})

export const layerMemory = (initial: Iterable<Entity> = []): Layer.Layer<ClusterStore> =>
  Layer.effect(ClusterStore, makeClusterStoreMemory(initial))
