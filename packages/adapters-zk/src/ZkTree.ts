import { Effect } from "effect"
import type { ZkClientShape, ZkError } from "./ZkClient.ts"

/** Completes once the client is connected (at once when it is); interruption stops listening. */
export const whenConnected = (zk: ZkClientShape): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (zk.state()._tag === "Connected") return resume(Effect.void)
    const off = zk.onState((s) => {
      if (s._tag === "Connected") {
        off()
        resume(Effect.void)
      }
    })
    return Effect.sync(off)
  })

/**
 * Every znode below `path` and then `path` itself (children first, the order a recursive delete
 * needs), read from ZooKeeper; `[]` when `path` does not exist.
 */
export const listSubtree = (
  zk: ZkClientShape,
  path: string,
  concurrency: number | "unbounded" = "unbounded"
): Effect.Effect<ReadonlyArray<string>, ZkError> =>
  Effect.flatMap(zk.getChildren(path), (children) =>
    children === undefined
      ? Effect.succeed([])
      : Effect.map(
        Effect.forEach(children, (c) => listSubtree(zk, path === "/" ? `/${c}` : `${path}/${c}`, concurrency), {
          concurrency
        }),
        (lists) => [...lists.flat(), path]
      ))
