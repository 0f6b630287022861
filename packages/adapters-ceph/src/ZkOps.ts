import { Duration, Effect } from "effect"
import {
  isConnectionProblem,
  listSubtree,
  whenConnected,
  ZkClient,
  type ZkClientShape,
  ZkError,
  type ZkNodeStat,
  type ZkWatcher
} from "@pvc/adapters-zk"

/**
 * What the Ceph pipe and its responders need on top of adapters-zk's ZkClient (the one
 * ZooKeeper client of the process): one-shot watched reads whose wake-up also fires on any
 * change of the connection (a watch of an expired session never fires), conditional sets,
 * zk-layout's `writedata`, recursive deletes, and a retry that waits out connection problems.
 */

/** `changed` completes at the next event on the watched znode or at any connection change. */
export interface Watched<A> {
  readonly value: A
  readonly changed: Effect.Effect<void>
}

/** A one-shot watcher and the effect that waits for it (or for a connection change). */
export const signal = (zk: ZkClientShape): { readonly watcher: ZkWatcher; readonly changed: Effect.Effect<void> } => {
  const at = zk.state()
  let fired = false
  let wake: (() => void) | undefined
  const watcher: ZkWatcher = () => {
    fired = true
    wake?.()
  }
  const changed = Effect.callback<void>((resume) => {
    const now = zk.state()
    if (fired || now._tag !== at._tag || now.generation !== at.generation) return resume(Effect.void)
    let off = () => {}
    const done = () => {
      off()
      wake = undefined
      resume(Effect.void)
    }
    wake = done
    off = zk.onState(done)
    return Effect.sync(() => {
      off()
      wake = undefined
    })
  })
  return { watcher, changed }
}

export const watchedStat = (path: string): Effect.Effect<Watched<ZkNodeStat | undefined>, ZkError, ZkClient> =>
  ZkClient.use((zk) => {
    const s = signal(zk)
    return Effect.map(zk.stat(path, s.watcher), (value) => ({ value, changed: s.changed }))
  })

export const watchedExists = (path: string): Effect.Effect<Watched<boolean>, ZkError, ZkClient> =>
  ZkClient.use((zk) => {
    const s = signal(zk)
    return Effect.map(zk.exists(path, s.watcher), (value) => ({ value, changed: s.changed }))
  })

export const get = (path: string): Effect.Effect<ZkNodeStat | undefined, ZkError, ZkClient> =>
  ZkClient.use((zk) => zk.stat(path))

export const children = (path: string): Effect.Effect<ReadonlyArray<string>, ZkError, ZkClient> =>
  ZkClient.use((zk) => Effect.map(zk.getChildren(path), (c) => c ?? []))

/** Sets `path` (at `version`, or any); false when the version no longer matches or it is gone. */
export const setIf = (path: string, data: string, version = -1): Effect.Effect<boolean, ZkError, ZkClient> =>
  ZkClient.use((zk) =>
    zk.multi([{ op: "set", path, data, version }]).pipe(
      Effect.as(true),
      Effect.catchIf((e) => e.code === "BadVersion" || e.code === "NoNode", () => Effect.succeed(false))
    )
  )

/** Deletes one znode; a missing one is not an error. */
export const remove = (path: string): Effect.Effect<void, ZkError, ZkClient> =>
  ZkClient.use((zk) =>
    zk.multi([{ op: "delete", path, version: -1 }]).pipe(
      Effect.asVoid,
      Effect.catchIf((e) => e.code === "NoNode", () => Effect.void)
    )
  )

/** Creates `path` (persistent, `data`) unless it exists. */
export const ensure = (path: string, data = ""): Effect.Effect<void, ZkError, ZkClient> =>
  ZkClient.use((zk) =>
    zk.create(path, data).pipe(
      Effect.asVoid,
      Effect.catchIf((e) => e.code === "NodeExists", () => Effect.void)
    )
  )

const byPath = ([a]: readonly [string, string], [b]: readonly [string, string]) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * zk-layout's `writedata`: one transaction over the keys in sorted order, creating missing keys
 * and setting existing ones.
 */
export const writeData = (entries: ReadonlyArray<readonly [string, string]>): Effect.Effect<void, ZkError, ZkClient> =>
  ZkClient.use((zk) =>
    Effect.gen(function*() {
      const sorted = [...entries].sort(byPath)
      const present = yield* Effect.forEach(sorted, ([p]) => zk.exists(p), { concurrency: "unbounded" })
      yield* zk.multi(sorted.map(([path, data], i) =>
        present[i] ? { op: "set" as const, path, data, version: -1 } : { op: "create" as const, path, data }
      ))
    })
  )

/** Deletes each path with everything below it (children first), all in one transaction. */
export const deleteTrees = (paths: ReadonlyArray<string>): Effect.Effect<void, ZkError, ZkClient> =>
  Effect.gen(function*() {
    const zk = yield* ZkClient
    const present = yield* Effect.filter(paths, (p) => zk.exists(p))
    const all = (yield* Effect.forEach(present, (p) => listSubtree(zk, p))).flat()
    if (all.length > 0) yield* zk.multi(all.map((path) => ({ op: "delete" as const, path, version: -1 })))
  })

/** Completes once the client is connected (at once when it is). */
export const connected: Effect.Effect<void, never, ZkClient> = ZkClient.use(whenConnected)

/**
 * Runs `effect`, and after a connection problem (lost connection, expired session, timeout) waits
 * for the connection and runs it again: only the caller's deadline ends it.
 */
export const resilient = <A, E, R>(effect: Effect.Effect<A, E | ZkError, R>): Effect.Effect<A, E | ZkError, R | ZkClient> =>
  effect.pipe(
    Effect.catchIf(
      (e): e is ZkError => e instanceof ZkError && isConnectionProblem(e),
      () => connected.pipe(Effect.andThen(Effect.sleep(Duration.millis(100))), Effect.andThen(Effect.suspend(() => resilient(effect))))
    )
  )
