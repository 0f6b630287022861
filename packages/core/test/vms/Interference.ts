import { Effect, Layer } from "effect"
import type { Entity } from "../../src/cluster/Entity.ts"
import { ClusterStore } from "../../src/ports/ClusterStore.ts"
import type { DomainXml } from "../../src/ports/DomainXml.ts"
import { makeClusterStoreMemory } from "../../../testkit/src/memory/ClusterStoreMemory.ts"
import { layerDomainXmlStub } from "./DomainXmlStub.ts"

export interface Interference {
  /** Commits refused as stale so far. */
  stale: number
  /** Whether the interloper has run (only when the code under test tried to commit). */
  fired: boolean
}

/**
 * A memory store where `interloper` commits just before the first commit of the code under test,
 * so that commit is based on a stale snapshot.
 */
export const layerInterfering = (
  entities: ReadonlyArray<Entity>,
  interloper: Effect.Effect<unknown, unknown, ClusterStore | DomainXml>,
  stats: Interference
): Layer.Layer<ClusterStore | DomainXml> =>
  Layer.merge(
    Layer.effect(
      ClusterStore,
      Effect.gen(function*() {
        const inner = yield* makeClusterStoreMemory(entities)
        let pending = true
        return ClusterStore.of({
          ...inner,
          commit: (plan) =>
            Effect.gen(function*() {
              if (pending) {
                pending = false
                stats.fired = true
                yield* interloper.pipe(
                  Effect.provideService(ClusterStore, inner),
                  Effect.provide(layerDomainXmlStub),
                  Effect.ignore
                )
              }
              return yield* inner.commit(plan).pipe(Effect.tapError(() => Effect.sync(() => stats.stale++)))
            })
        })
      })
    ),
    layerDomainXmlStub
  )
