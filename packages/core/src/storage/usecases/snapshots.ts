import { Effect } from "effect"
import { EntityKey } from "../../cluster/Entity.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { limitFilter } from "../../shared/Limit.ts"
import { compareSnapshots, decideAddSnapshot, decideRemoveSnapshot } from "../StorageRules.ts"
import { execute } from "./execute.ts"

export interface ListSnapshotsOptions {
  readonly pool?: string | undefined
  readonly volume?: string | undefined
  readonly limit?: string | undefined
}

/** Snapshots by name (then pool, volume); `pool`, `volume` and `limit` combine freely. */
export const listSnapshots = Effect.fn("Storage.listSnapshots")(function*(options: ListSnapshotsOptions = {}) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const matches = yield* limitFilter(options.limit)
  return [...snapshot.snapshots.values()]
    .filter((s) =>
      (options.pool === undefined || s.pool === options.pool) &&
      (options.volume === undefined || s.volume === options.volume) &&
      matches(s.name)
    )
    .sort(compareSnapshots)
})

export const getSnapshot = Effect.fn("Storage.getSnapshot")(function*(pool: string, volume: string, name: string) {
  const found = (yield* (yield* ClusterStore).snapshot).snapshots.get(EntityKey.snapshot(pool, volume, name))
  return found === undefined ? [] : [found]
})

export const addSnapshot = Effect.fn("Storage.addSnapshot")(function*(pool: string, volume: string, name: string) {
  return yield* execute((snapshot) => decideAddSnapshot(snapshot, pool, volume, name))
})

export const removeSnapshot = Effect.fn("Storage.removeSnapshot")(function*(pool: string, volume: string, name: string) {
  return yield* execute((snapshot) => decideRemoveSnapshot(snapshot, pool, volume, name))
})
