import { Duration, Effect, Layer } from "effect"
import { type CephCommand, CephCommandTimedOut, CephStorage } from "@pvc/core"
import { CephCli, withinDeadline } from "./CephCli.ts"
import { Layout, type ZkClient } from "@pvc/adapters-zk"
import { type Deadlines, deadlineOf, execute, toPortError } from "./CephExecutor.ts"
import type { OsdProvisioner } from "./CephOps.ts"
import { encode } from "./CommandWire.ts"
import * as ZkLock from "./ZkLock.ts"
import * as Zk from "./ZkOps.ts"

export interface DirectOptions {
  readonly provisioner: OsdProvisioner
  readonly deadlines: Deadlines
}

/**
 * Direct mode: the API itself runs the Ceph CLI and writes the `/ceph/...` keys. API instances
 * serialize on their own lock (`Layout.Paths.cephCmdLock`), never on `/ceph/cmd`, whose lock
 * children can freeze a node daemon (zk-layout §5.1): run it where no node daemon answers the pipe.
 */
export const make = (options: DirectOptions) =>
  Effect.gen(function*() {
    const context = yield* Effect.context<CephCli | ZkClient>()
    const run = (command: CephCommand) => {
      const deadline = deadlineOf(command, options.deadlines)
      return Effect.scoped(
        Zk.ensure(Layout.Paths.apiRoot).pipe(
          Effect.andThen(Zk.ensure(Layout.Paths.cephCmdLock)),
          Effect.andThen(ZkLock.acquire(Layout.Paths.cephCmdLock, "write")),
          Effect.andThen(execute(command, options.provisioner))
        )
      ).pipe(
        Effect.mapError(toPortError(command)),
        // Ceph calls and waits inside give up a little earlier, with Ceph's reason
        withinDeadline(deadline),
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

export const layerNoDeps = (options: DirectOptions): Layer.Layer<CephStorage, never, CephCli | ZkClient> =>
  Layer.effect(CephStorage, make(options))
