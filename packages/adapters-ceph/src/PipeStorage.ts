import { Duration, Effect, Layer, Result } from "effect"
import { type CephCommand, CephCommandFailed, CephCommandTimedOut, CephStorage, StoreUnavailable } from "@pvc/core"
import { Layout, ZkClient, type ZkError, type ZkNodeStat } from "@pvc/adapters-zk"
import { type Deadlines, deadlineOf } from "./CephExecutor.ts"
import * as Wire from "./CommandWire.ts"
import * as Responder from "./Responder.ts"
import * as ZkLock from "./ZkLock.ts"
import * as Zk from "./ZkOps.ts"

const { Paths } = Layout

export interface PipeOptions {
  /** How long the responsible node has to answer, counted from the moment the command is in the pipe. */
  readonly deadlines: Deadlines
  /** Bound on the wait for the pipe (commands ahead of this one); default: the command's deadline. */
  readonly queueFor?: Duration.Input | undefined
  /** A pending command nobody touched for this long was abandoned (crashed writer); default 30 s. */
  readonly abandonedAfter?: Duration.Input | undefined
  /** An answer nobody reset for this long was left behind (a withdrawn command); default 10 s. */
  readonly answerLeftAfter?: Duration.Input | undefined
  /** How often a waiting request re-checks that its responder is still there; default 1 s. */
  readonly livenessEvery?: Duration.Input | undefined
}

const millis = (d: Duration.Input | undefined, fallback: Duration.Input) => Duration.toMillis(Duration.fromInputUnsafe(d ?? fallback))

/** How long the pipe stays busy with `node` at `now` (0 = free for the next command). */
export const busyFor = (node: ZkNodeStat, now: number, limits: { readonly abandonedMs: number; readonly answerLeftMs: number }) => {
  if (node.data === "") return 0
  const age = now - node.mtime
  return Math.max(0, (Wire.isAnswer(node.data) ? limits.answerLeftMs : limits.abandonedMs) - age)
}

type Outcome =
  | { readonly _tag: "Answered"; readonly answer: Wire.Answer; readonly version: number }
  | { readonly _tag: "Gone"; readonly reason: string }

/**
 * The API side of the `/ceph/cmd` pipe (zk-layout §5.1). Never a lock child of `/ceph/cmd`: pvcd
 * takes its kazoo write lock inside its single watch-callback thread, and any foreign lock child
 * present then freezes that daemon for good. Instead:
 * 1. before anything is written, the responsible node is resolved as the responder does and must
 *    look alive (else a 510 at once, nothing written);
 * 2. API instances queue on their own lock, `Layout.Paths.cephCmdLock` (a key no daemon looks at);
 *    the holder writes the command only into an idle pipe, with a version check;
 * 3. it watches the key until `success-<cmd>` / `failure-<cmd>[\n<reason>]`, or until the
 *    responder disappears (presence key deleted, daemon state leaves `run`, keepalive too old);
 * 4. it resets the pipe to `''` with no lock, at the answer's version: the daemon ignores `''`
 *    and its own echo, and handles the next command only after releasing its lock (same thread).
 * An unanswered command is withdrawn (reset at its own version) at the deadline.
 */
export const make = (options: PipeOptions) =>
  Effect.gen(function*() {
    const zk = yield* ZkClient
    const limits = {
      abandonedMs: millis(options.abandonedAfter, "30 seconds"),
      answerLeftMs: millis(options.answerLeftAfter, "10 seconds")
    }
    const livenessEvery = options.livenessEvery ?? "1 second"

    const refuse = (value: string, reason: string) => new CephCommandFailed({ command: value, reason })

    const responsible = (command: CephCommand, value: string) =>
      Effect.flatMap(Responder.check(command), (r) => (Result.isSuccess(r) ? Effect.succeed(r.success) : Effect.fail(refuse(value, r.failure))))

    /**
     * Waits for an idle pipe, checks the responder once more, writes `value` at the idle version;
     * returns the responsible node and the version it wrote. `sent` records a write that may have
     * landed (its reply can be lost with the connection, or cut off by the queue deadline).
     */
    const submit = (command: CephCommand, value: string, sent: { attempt?: { node: string; version: number } }) =>
      Zk.resilient(Effect.gen(function*() {
        while (true) {
          const current = yield* Zk.watchedStat(Paths.cephCmd)
          const node = current.value
          if (node === undefined) {
            yield* Zk.ensure(Paths.cephCmd)
            continue
          }
          // Our own write whose answer the connection lost.
          const attempt = sent.attempt
          if (attempt !== undefined && node.version === attempt.version + 1 && node.data === value) {
            return { node: attempt.node, mine: node.version }
          }
          const wait = busyFor(node, Date.now(), limits)
          if (wait > 0) {
            yield* Effect.raceFirst(current.changed, Effect.sleep(Duration.millis(wait)))
            continue
          }
          const responder = yield* responsible(command, value)
          sent.attempt = { node: responder, version: node.version }
          const written = yield* zk.multi([{ op: "set", path: Paths.cephCmd, data: value, version: node.version }]).pipe(
            Effect.map((r) => r[0]?.version ?? node.version + 1),
            Effect.catchIf((e) => e.code === "BadVersion", () => Effect.succeed(undefined))
          )
          if (written !== undefined) return { node: responder, mine: written }
          delete sent.attempt // someone else wrote first
        }
      }))

    const awaitAnswer = (value: string): Effect.Effect<Outcome, ZkError | CephCommandFailed, ZkClient> =>
      Zk.resilient(Effect.gen(function*() {
        while (true) {
          const current = yield* Zk.watchedStat(Paths.cephCmd)
          const data = current.value?.data
          if (current.value !== undefined && data !== undefined) {
            const answer = Wire.answerTo(value, data)
            if (answer !== undefined) return { _tag: "Answered" as const, answer, version: current.value.version }
          }
          if (data !== value) return yield* refuse(value, `the pipe value was replaced by '${data ?? "<deleted>"}'`)
          yield* current.changed
        }
      }))

    /** The answer if one arrived after all, else the command is taken back (only at its own version). */
    const settleGone = (value: string, mine: number, reason: string) =>
      Effect.gen(function*() {
        const now = yield* Zk.get(Paths.cephCmd)
        const answer = now === undefined ? undefined : Wire.answerTo(value, now.data)
        if (now !== undefined && answer !== undefined) return { _tag: "Answered" as const, answer, version: now.version }
        yield* withdraw(mine)
        return yield* refuse(value, `${reason}; the command was withdrawn`)
      })

    const withdraw = (mine: number) =>
      Zk.resilient(Zk.setIf(Paths.cephCmd, "", mine)).pipe(Effect.timeout("10 seconds"), Effect.ignore)

    const finish = (value: string, outcome: { readonly answer: Wire.Answer; readonly version: number }) =>
      Zk.resilient(Zk.setIf(Paths.cephCmd, "", outcome.version)).pipe(
        Effect.timeout("10 seconds"),
        Effect.ignore,
        Effect.andThen(
          outcome.answer._tag === "Success"
            ? Effect.void
            : Effect.fail(refuse(value, outcome.answer.reason ?? "the responsible node reported failure (see its log)"))
        )
      )

    const answerPhase = (command: CephCommand, value: string, node: string, mine: number) => {
      const deadline = deadlineOf(command, options.deadlines)
      return Effect.raceFirst(
        awaitAnswer(value),
        Effect.map(Responder.gone(node, livenessEvery), (reason) => ({ _tag: "Gone" as const, reason }))
      ).pipe(
        Effect.flatMap((o) => (o._tag === "Answered" ? Effect.succeed(o) : settleGone(value, mine, o.reason))),
        Effect.timeoutOrElse({
          duration: deadline,
          orElse: () =>
            withdraw(mine).pipe(
              Effect.andThen(Effect.fail(new CephCommandTimedOut({ command: value, seconds: Duration.toSeconds(deadline) })))
            )
        }),
        Effect.flatMap((o) => finish(value, o))
      )
    }

    const queuePhase = (command: CephCommand, value: string) => {
      const limit = Duration.fromInputUnsafe(options.queueFor ?? deadlineOf(command, options.deadlines))
      const sent: { attempt?: { node: string; version: number } } = {}
      return Effect.gen(function*() {
        yield* Zk.resilient(Zk.ensure(Paths.apiRoot).pipe(Effect.andThen(Zk.ensure(Paths.cephCmdLock))))
        yield* Zk.resilient(ZkLock.acquire(Paths.cephCmdLock, "write"))
        return yield* submit(command, value, sent)
      }).pipe(
        Effect.timeoutOrElse({
          duration: limit,
          orElse: () =>
            // A write cut off by the deadline may have landed: take it back.
            (sent.attempt === undefined ? Effect.void : withdraw(sent.attempt.version + 1)).pipe(
              Effect.andThen(Effect.fail(refuse(value, `not sent: /ceph/cmd stayed busy with earlier commands for ${Duration.toSeconds(limit)} s`)))
            )
        })
      )
    }

    const run = (command: CephCommand) => {
      const value = Wire.encode(command)
      return Effect.scoped(Effect.gen(function*() {
        // Not `resilient`: with ZooKeeper away this answers at once.
        yield* responsible(command, value)
        const { node, mine } = yield* queuePhase(command, value)
        yield* answerPhase(command, value, node, mine)
      })).pipe(
        Effect.catchTag("ZkError", (e) =>
          Effect.fail(new StoreUnavailable({ reason: `ZooKeeper ${e.code}${e.path === undefined ? "" : ` at ${e.path}`}: ${e.detail}`, cause: e }))),
        Effect.provideService(ZkClient, zk),
        Effect.withSpan("CephStorage.pipe", { attributes: { command: value } })
      )
    }
    return CephStorage.of({ run })
  })

export const layerNoDeps = (options: PipeOptions): Layer.Layer<CephStorage, never, ZkClient> =>
  Layer.effect(CephStorage, make(options))
