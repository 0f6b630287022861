import { Duration, Effect, Layer } from "effect"
import { type CephCommand, CephCommandTimedOut, CephStorage } from "@pvc/core"
import { CephCli } from "./CephCli.ts"
import { type Deadlines, deadlineOf, execute, Keys, toPortError } from "./CephExecutor.ts"
import type { OsdProvisioner } from "./CephOps.ts"
import { encode } from "./CommandWire.ts"
import * as ZkLock from "./ZkLock.ts"
import { ZkSession } from "./ZkSession.ts"

export interface DirectOptions {
  readonly provisioner: OsdProvisioner
  readonly deadlines: Deadlines
}

/**
 * Direct mode: the API itself runs the Ceph CLI and writes the `/ceph/...` keys, holding the
 * `/ceph/cmd` write lock so it never overlaps a node daemon or another API instance.
 */
export const make = (options: DirectOptions) =>
  Effect.gen(function*() {
    const context = yield* Effect.context<CephCli | ZkSession>()
    const run = (command: CephCommand) => {
      const deadline = deadlineOf(command, options.deadlines)
      return Effect.scoped(
        ZkLock.ensureNode(Keys.cmd).pipe(
          Effect.andThen(ZkLock.acquire(Keys.cmd, "write")),
          Effect.andThen(execute(command, options.provisioner))
        )
      ).pipe(
        Effect.mapError(toPortError(command)),
        Effect.timeoutOrElse({
          duration: deadline,
          orElse: () => Effect.fail(new CephCommandTimedOut({ command: encode(command), seconds: Duration.toSeconds(deadline) }))
        }),
        Effect.provideContext(context),
        Effect.withSpan("CephStorage.direct", { attributes: { command: encode(command) } })
      )
    }
    return CephStorage.of({ run })
  })

export const layerNoDeps = (options: DirectOptions): Layer.Layer<CephStorage, never, CephCli | ZkSession> =>
  Layer.effect(CephStorage, make(options))
