import { ClusterStore, DomainXml, type Vm } from "@pvc/core"
import { Effect, Layer, Stream } from "effect"
import { encodeMissingVms } from "../views/VmView.ts"

// A pass looks at every VM; at most one per second keeps that cheap under a stream of writes.
const PAUSE_BETWEEN_PASSES = "1 second"

/**
 * Encodes every VM's JSON before the API answers (10,000 VMs: ~2 s of XML parsing the first list
 * would otherwise pay), then keeps doing so in the background after each change, so that lists
 * never parse many XMLs at once (a reload after a ZooKeeper session expiry renews every VM).
 */
export const layerWarmViews: Layer.Layer<never, never, ClusterStore | DomainXml> = Layer.effectDiscard(
  Effect.gen(function*() {
    const store = yield* ClusterStore
    const xml = yield* DomainXml
    const encodeAll = (vms: Iterable<Vm>) =>
      encodeMissingVms(vms).pipe(Effect.provideService(DomainXml, xml))
    yield* store.snapshot.pipe(Effect.flatMap((snapshot) => encodeAll(snapshot.vms.values())), Effect.ignore)
    yield* store.changes.pipe(
      Stream.runForEach((snapshot) => encodeAll(snapshot.vms.values()).pipe(Effect.andThen(Effect.sleep(PAUSE_BETWEEN_PASSES)))),
      Effect.ignore,
      Effect.forkScoped
    )
  })
)
