import { type ClusterSnapshot, ClusterStore, type Entity, EntityIndex, type Revision, StaleSnapshot } from "@pvc/core"
import { Effect, Layer, SubscriptionRef } from "effect"

/**
 * The cluster store in memory. Every put gives the entity a new revision, like a ZooKeeper
 * version, so a plan based on an older snapshot is refused as it would be on ZooKeeper.
 */
export const makeClusterStoreMemory = Effect.fnUntraced(function*(initial: Iterable<Entity> = []) {
  let revisionCounter = 0
  const nextRevision = () => String(++revisionCounter) as Revision
  let index = EntityIndex.of([...initial].map((entity) => [entity, nextRevision()] as const))
  const ref = yield* SubscriptionRef.make<ClusterSnapshot>(index.toSnapshot())

  const commit = (plan: Parameters<ClusterStore["Service"]["commit"]>[0]) =>
    Effect.suspend(() => {
      const stale = index.staleEntity(plan)
      if (stale !== undefined) return Effect.fail(new StaleSnapshot({ entity: stale }))
      const puts = plan.changes.flatMap((c) => c._tag === "Put" ? [{ entity: c.entity, revision: nextRevision() }] : [])
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
