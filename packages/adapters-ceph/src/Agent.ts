import { Duration, Effect, Schedule } from "effect"
import type { CephCommand } from "@pvc/core"
import type { CephCli } from "./CephCli.ts"
import { type Deadlines, deadlineOf, execute, Keys, refresh } from "./CephExecutor.ts"
import type { OsdProvisioner } from "./CephOps.ts"
import * as Wire from "./CommandWire.ts"
import * as ZkLock from "./ZkLock.ts"
import { type ZkFailed, ZkSession } from "./ZkSession.ts"

export interface AgentOptions {
  /** This node's hostname as under `/nodes`. */
  readonly node: string
  readonly provisioner: OsdProvisioner
  readonly deadlines: Deadlines
  /** Keepalive period of the `/ceph`, `/ceph/radosdf`, pool and OSD stats refresh (0 = never). */
  readonly refreshEvery: Duration.Input
}

/** Who answers a command (zk-layout §5.1): the named node, the OSD's node, or the primary. */
const responsible = (command: CephCommand, node: string) =>
  ZkSession.use((zk) => {
    switch (command._tag) {
      case "OsdAdd":
        return Effect.succeed(command.node === node)
      case "OsdRemove":
      case "OsdIn":
      case "OsdOut":
        return zk.get(`${Keys.osd(command.id)}/node`).pipe(Effect.map((n) => n?.data === node))
      default:
        return zk.get(Keys.primary).pipe(Effect.map((n) => n?.data === node))
    }
  })

const describe = (e: { readonly _tag: string }) =>
  "reason" in e ? String(e.reason) : "seconds" in e ? `timed out after ${String(e.seconds)}s` : e._tag

/** Takes the write lock, runs the command if it is still pending, answers, releases. */
const answer = (value: string, command: CephCommand, options: AgentOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const zk = yield* ZkSession
    yield* ZkLock.acquire(Keys.cmd, "write")
    if ((yield* zk.get(Keys.cmd))?.data !== value) return
    const outcome = yield* execute(command, options.provisioner).pipe(
      Effect.timeoutOrElse({
        duration: deadlineOf(command, options.deadlines),
        orElse: () => Effect.fail({ _tag: "Deadline" as const, reason: "deadline passed" })
      }),
      Effect.catchTag("ZkFailed", Effect.die),
      Effect.result
    )
    if (outcome._tag === "Failure") {
      yield* Effect.logWarning(`ceph-agent ${options.node}: '${value}' failed: ${describe(outcome.failure)}`)
    }
    yield* zk.set(Keys.cmd, outcome._tag === "Success" ? Wire.success(value) : Wire.failure(value))
  }))

const watchCommands = (options: AgentOptions): Effect.Effect<never, ZkFailed, CephCli | ZkSession> =>
  Effect.gen(function*() {
    const zk = yield* ZkSession
    while (true) {
      const current = yield* zk.getWatched(Keys.cmd)
      if (current.value === undefined) {
        const created = yield* zk.existsWatched(Keys.cmd)
        if (!created.value) yield* created.changed
        continue
      }
      const value = current.value.data
      const command = Wire.decode(value)
      if (command !== undefined && (yield* responsible(command, options.node))) {
        yield* answer(value, command, options)
        continue
      }
      yield* current.changed
    }
  })

const refreshLoop = (options: AgentOptions) =>
  ZkSession.use((zk) => zk.get(Keys.primary)).pipe(
    Effect.flatMap((p) => refresh({ primary: p?.data === options.node, node: options.node })),
    Effect.catch((e) => Effect.logWarning(`ceph-agent ${options.node}: refresh failed: ${describe(e)}`)),
    Effect.repeat(Schedule.spaced(options.refreshEvery))
  )

/**
 * The node side of the pipe: answers the commands this node is responsible for and refreshes
 * the statistics keys, like pvcd on a PVC node. Runs until interrupted.
 */
export const run = (options: AgentOptions): Effect.Effect<never, ZkFailed, CephCli | ZkSession> =>
  Duration.toMillis(Duration.fromInputUnsafe(options.refreshEvery)) > 0
    ? Effect.forkScoped(refreshLoop(options)).pipe(Effect.andThen(watchCommands(options)), Effect.scoped)
    : watchCommands(options)
