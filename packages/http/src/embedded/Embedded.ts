import { CephCommandFailed, CephStorage } from "@pvc/core"
import { layerDemo, layerSimulator } from "@pvc/testkit"
import { Effect, Layer } from "effect"

/** Until the testkit's in-memory Ceph lands: every storage command is refused with a clear reason. */
const CephAbsent = Layer.succeed(CephStorage)({
  run: (command) =>
    Effect.fail(new CephCommandFailed({ command: command._tag, reason: "the embedded demo cluster has no Ceph" }))
})

/** The demo cluster in memory, with simulated node daemons acting on it. */
export const layerEmbedded = Layer.mergeAll(
  Layer.effectDiscard(Effect.void).pipe(Layer.provide(layerSimulator({ seed: 1 }))),
  CephAbsent
).pipe(Layer.provideMerge(layerDemo))

export const EMBEDDED_STORE = "embedded in-memory demo cluster (simulated daemons)"
