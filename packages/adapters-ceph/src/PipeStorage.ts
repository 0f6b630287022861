import { Duration, Effect, Layer } from "effect"
import { type CephCommand, CephCommandFailed, CephCommandTimedOut, CephStorage, StoreUnavailable } from "@pvc/core"
import { type Deadlines, deadlineOf, Keys } from "./CephExecutor.ts"
import * as Wire from "./CommandWire.ts"
import * as ZkLock from "./ZkLock.ts"
import { type ZkFailed, type ZkNode, ZkSession } from "./ZkSession.ts"

export interface PipeOptions {
  readonly deadlines: Deadlines
  /** A command or answer nobody has touched for this long was abandoned (crashed writer). */
  readonly abandonedAfter?: Duration.Input | undefined
}

/**
 * The API side of the `/ceph/cmd` pipe (zk-layout §5.1), without the original's fixed sleeps:
 * 1. under the write lock, write the command only when the pipe is idle (`''`), so concurrent
 *    requests — also from other API instances — queue instead of clobbering each other;
 * 2. watch the key until the responsible node writes `success-<cmd>` / `failure-<cmd>`;
 * 3. under the write lock (after the node released it) set the pipe back to `''`.
 * The deadline bounds all three; on expiry an unanswered command is withdrawn.
 */
export const make = (options: PipeOptions) =>
  Effect.gen(function*() {
    const zk = yield* ZkSession
    const abandonedMs = Duration.toMillis(Duration.fromInputUnsafe(options.abandonedAfter ?? "30 seconds"))

    const idleIn = (node: ZkNode | undefined): number => {
      if (node === undefined || node.data === "") return 0
      const age = Date.now() - node.mtime
      return age >= abandonedMs ? 0 : abandonedMs - age
    }

    const locked = <A, E>(body: Effect.Effect<A, E, ZkSession>) =>
      Effect.scoped(ZkLock.acquire(Keys.cmd, "write").pipe(Effect.andThen(body)))

    const submit = (value: string): Effect.Effect<void, ZkFailed, ZkSession> =>
      Effect.gen(function*() {
        yield* ZkLock.ensureNode(Keys.cmd)
        while (true) {
          const busy = yield* locked(Effect.gen(function*() {
            const current = yield* zk.getWatched(Keys.cmd)
            const wait = idleIn(current.value)
            if (wait === 0) {
              yield* zk.set(Keys.cmd, value)
              return undefined
            }
            return Effect.race(current.changed, Effect.sleep(Duration.millis(wait)))
          }))
          if (busy === undefined) return
          yield* busy
        }
      })

    const awaitAnswer = (value: string): Effect.Effect<boolean, ZkFailed | CephCommandFailed, ZkSession> =>
      Effect.gen(function*() {
        while (true) {
          const current = yield* zk.getWatched(Keys.cmd)
          const data = current.value?.data
          if (data === Wire.success(value)) return true
          if (data === Wire.failure(value)) return false
          if (data !== value) {
            return yield* new CephCommandFailed({ command: value, reason: `pipe value replaced by '${data ?? "<deleted>"}'` })
          }
          yield* current.changed
        }
      })

    const clearIf = (expected: ReadonlyArray<string>) =>
      locked(
        zk.get(Keys.cmd).pipe(
          Effect.flatMap((n) => (n !== undefined && expected.includes(n.data) ? zk.set(Keys.cmd, "") : Effect.void))
        )
      ).pipe(Effect.timeout(Duration.seconds(10)), Effect.ignore)

    const run = (command: CephCommand) => {
      const value = Wire.encode(command)
      const deadline = deadlineOf(command, options.deadlines)
      return Effect.gen(function*() {
        yield* submit(value)
        const ok = yield* awaitAnswer(value)
        yield* clearIf([Wire.success(value), Wire.failure(value)])
        if (!ok) {
          return yield* new CephCommandFailed({ command: value, reason: "the responsible node reported failure (see its log)" })
        }
      }).pipe(
        Effect.timeoutOrElse({
          duration: deadline,
          orElse: () =>
            clearIf([value]).pipe(
              Effect.andThen(Effect.fail(new CephCommandTimedOut({ command: value, seconds: Duration.toSeconds(deadline) })))
            )
        }),
        Effect.catchTag("ZkFailed", (e) =>
          Effect.fail(new StoreUnavailable({ reason: `${e.op} ${e.path}: ${e.reason}`, cause: e }))),
        Effect.provideService(ZkSession, zk),
        Effect.withSpan("CephStorage.pipe", { attributes: { command: value } })
      )
    }
    return CephStorage.of({ run })
  })

export const layerNoDeps = (options: PipeOptions): Layer.Layer<CephStorage, never, ZkSession> =>
  Layer.effect(CephStorage, make(options))
