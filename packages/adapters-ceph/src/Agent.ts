import { Duration, Effect, Result, Schedule } from "effect"
import type { CephCommand } from "@pvc/core"
import { Layout, ZkClient, type ZkError } from "@pvc/adapters-zk"
import { type CephCli, withinDeadline } from "./CephCli.ts"
import { type Deadlines, deadlineOf, execute, refresh } from "./CephExecutor.ts"
import type { OsdProvisioner } from "./CephOps.ts"
import * as Wire from "./CommandWire.ts"
import * as Responder from "./Responder.ts"
import * as ZkLock from "./ZkLock.ts"
import * as Zk from "./ZkOps.ts"

const { Paths } = Layout

export interface AgentOptions {
  /** This node's hostname as under `/nodes`. */
  readonly node: string
  readonly provisioner: OsdProvisioner
  /**
   * Deadline of a command here (lock wait + Ceph + ZooKeeper). Keep it shorter than the API's
   * (pvc-api: 60 s, OSD add/remove 15 min) so this agent always answers, with Ceph's reason,
   * before the API gives up.
   */
  readonly deadlines: Deadlines
  /** Keepalive period of the `/ceph`, `/ceph/radosdf`, pool and OSD stats refresh (0 = never). */
  readonly refreshEvery: Duration.Input
}

/** Defaults of `ceph-agent` (cli.ts): 10 s / 1 min under the API's 60 s / 15 min (main.ts). */
export const DEFAULT_DEADLINES = { default: Duration.seconds(50), osd: Duration.minutes(14) } as const

/** Whether this node answers `command` (zk-layout §5.1), as the API resolves it. */
const responsible = (command: CephCommand, node: string) =>
  Effect.map(Responder.resolve(command), (r) => r._tag === "Success" && r.success === node)

const describe = (e: { readonly _tag: string }) =>
  "reason" in e
    ? String(e.reason)
    : "seconds" in e
    ? `timed out after ${String(e.seconds)} s`
    : "detail" in e
    ? `ZooKeeper: ${String(e.detail)}`
    : e._tag

/** Takes the write lock (as pvcd), runs the command if it is still pending, answers, releases. */
const answer = (value: string, command: CephCommand, options: AgentOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const deadline = deadlineOf(command, options.deadlines)
    const outcome = yield* Effect.gen(function*() {
      yield* Zk.resilient(ZkLock.acquire(Paths.cephCmd, "write"))
      const now = yield* Zk.resilient(Zk.get(Paths.cephCmd))
      if (now?.data !== value) return "withdrawn" as const
      return yield* Effect.result(execute(command, options.provisioner))
    }).pipe(
      // Ceph calls and waits inside give up a little earlier, with Ceph's reason (CephOps.waitFor)
      withinDeadline(deadline),
      Effect.timeoutOrElse({
        duration: deadline,
        orElse: () => Effect.succeed(Result.fail({ _tag: "Deadline", reason: `no outcome within ${Duration.toSeconds(deadline)} s` }))
      })
    )
    if (outcome === "withdrawn") return
    if (outcome._tag === "Failure") {
      yield* Effect.logWarning(`ceph-agent ${options.node}: '${value}' failed: ${describe(outcome.failure)}`)
    }
    const reply = outcome._tag === "Success" ? Wire.success(value) : Wire.failureWithReason(value, describe(outcome.failure))
    // Only over our own command: a withdrawn one (reset by the API) is not answered. A lost
    // connection is waited out here: starting over would run the command a second time.
    yield* Zk.resilient(Effect.gen(function*() {
      const current = yield* Zk.get(Paths.cephCmd)
      if (current?.data === value) yield* Zk.setIf(Paths.cephCmd, reply, current.version)
    })).pipe(
      Effect.timeout("1 minute"),
      Effect.catch((e) => Effect.logWarning(`ceph-agent ${options.node}: could not answer '${value}': ${describe(e)}`))
    )
  }))

/** Connection problems are waited out; anything else (e.g. a wiped tree) is logged and retried. */
const forever = <R>(what: string, node: string, loop: Effect.Effect<never, ZkError, R>) =>
  Zk.resilient(loop).pipe(
    Effect.tapError((e) => Effect.logWarning(`ceph-agent ${node}: ${what}: ${describe(e)}; retrying`)),
    Effect.retry({ schedule: Schedule.spaced("1 second") })
  )

const watchCommands = (options: AgentOptions): Effect.Effect<never, ZkError, CephCli | ZkClient> => {
  // Version and mtime of the last command run here: never run the same write twice (e.g. after a
  // connection loss while answering, when the loop starts over).
  let handled: string | undefined
  return forever("watching /ceph/cmd", options.node, Effect.gen(function*() {
    while (true) {
      const current = yield* Zk.watchedStat(Paths.cephCmd)
      const value = current.value?.data ?? ""
      const command = Wire.decode(value)
      const identity = `${current.value?.version}@${current.value?.mtime}`
      if (command !== undefined && identity !== handled && (yield* responsible(command, options.node))) {
        handled = identity
        yield* answer(value, command, options)
        continue
      }
      yield* current.changed
    }
  }))
}

/** Keeps the ephemeral presence key `Paths.cephAgent(node)`, also across session expiry. */
const presence = (node: string): Effect.Effect<never, ZkError, ZkClient> =>
  forever("presence key", node, Effect.gen(function*() {
    yield* Zk.ensure(Paths.apiRoot)
    yield* Zk.ensure(Paths.cephAgents)
    while (true) {
      const zk = yield* ZkClient
      const here = yield* Zk.watchedExists(Paths.cephAgent(node))
      if (!here.value) {
        yield* zk.create(Paths.cephAgent(node), String(process.pid), "ephemeral").pipe(
          Effect.catchIf((e) => e.code === "NodeExists", () => Effect.void)
        )
        continue
      }
      yield* here.changed
    }
  }))

const refreshLoop = (options: AgentOptions) =>
  Zk.get(Paths.primaryNode).pipe(
    Effect.flatMap((p) => refresh({ primary: p?.data === options.node, node: options.node })),
    Effect.catch((e) => Effect.logWarning(`ceph-agent ${options.node}: refresh failed: ${describe(e)}`)),
    Effect.repeat(Schedule.spaced(options.refreshEvery))
  )

/**
 * The node side of the pipe: answers the commands this node is responsible for (with Ceph's
 * reason on failure), refreshes the statistics keys like pvcd on a PVC node, and keeps its
 * presence key so the API can tell that someone will answer. Survives session expiry and
 * ZooKeeper restarts; runs until interrupted.
 */
export const run = (options: AgentOptions): Effect.Effect<never, ZkError, CephCli | ZkClient> =>
  Effect.gen(function*() {
    yield* Effect.forkScoped(presence(options.node))
    if (Duration.toMillis(Duration.fromInputUnsafe(options.refreshEvery)) > 0) yield* Effect.forkScoped(refreshLoop(options))
    return yield* watchCommands(options)
  }).pipe(Effect.scoped)
