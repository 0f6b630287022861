import { CephCommandFailed, CephStorage } from "@pvc/core"
import { layerDemo, layerSimulator } from "@pvc/testkit"
import { Effect, Layer } from "effect"

/** Until the testkit's in-memory Ceph lands: every storage command is refused with a clear reason. */
const CephAbsent = Layer.succeed(CephStorage)({
  run: (command) =>
    Effect.fail(new CephCommandFailed({ command: command._tag, reason: "the embedded demo cluster has no Ceph" }))
})

/** The demo cluster in memory; `simulate` adds the testkit's node daemons acting on it. */
export const layerEmbedded = (simulate: boolean) =>
  Layer.mergeAll(
    simulate ? Layer.effectDiscard(Effect.void).pipe(Layer.provide(layerSimulator({ seed: 1 }))) : Layer.empty,
    CephAbsent
  ).pipe(Layer.provideMerge(layerDemo))

export const embeddedStore = (simulate: boolean) =>
  `embedded in-memory demo cluster${simulate ? " (simulated daemons)" : ""}`
