import { ClusterStore, DomainXml } from "@pvc/core"
import { Effect, Layer, Stream } from "effect"
import { encodeMissingVms } from "../views/VmView.ts"

// A pass looks at every VM; at most one per second keeps that cheap under a stream of writes.
const PAUSE_BETWEEN_PASSES = "1 second"

/** In the background, keeps every VM's JSON encoded ahead of the requests that list them. */
export const layerWarmViews: Layer.Layer<never, never, ClusterStore | DomainXml> = Layer.effectDiscard(
  Effect.gen(function*() {
    const store = yield* ClusterStore
    const xml = yield* DomainXml
    yield* store.changes.pipe(
      Stream.runForEach((snapshot) =>
        encodeMissingVms(snapshot.vms.values()).pipe(
          Effect.provideService(DomainXml, xml),
          Effect.andThen(Effect.sleep(PAUSE_BETWEEN_PASSES))
        )
      ),
      Effect.ignore,
      Effect.forkScoped
    )
  })
)
