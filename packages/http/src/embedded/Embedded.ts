import { layerCephStorageMemory, layerDemo, layerSimulator } from "@pvc/testkit/embedded"
import { Effect, Layer } from "effect"

/**
 * The demo cluster in memory with the testkit's in-memory Ceph working on it; `simulate` adds the
 * simulated node daemons that act on it the way pvcd does.
 */
export const layerEmbedded = (simulate: boolean) =>
  Layer.mergeAll(
    simulate ? Layer.effectDiscard(Effect.void).pipe(Layer.provide(layerSimulator({ seed: 1 }))) : Layer.empty,
    layerCephStorageMemory()
  ).pipe(Layer.provideMerge(layerDemo))

export const embeddedStore = (simulate: boolean) =>
  `embedded in-memory demo cluster with in-memory Ceph${simulate ? " and simulated daemons" : ""}`
