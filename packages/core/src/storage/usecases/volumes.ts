import { Effect } from "effect"
import { EntityKey } from "../../cluster/Entity.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { limitFilter } from "../../shared/Limit.ts"
import { compareVolumes, decideAddVolume, decideRemoveVolume } from "../StorageRules.ts"
import { execute } from "./execute.ts"

export interface ListVolumesOptions {
  readonly pool?: string | undefined
  readonly limit?: string | undefined
}

/** Volumes by name (then pool); `pool` selects one pool, `limit` matches the name. */
export const listVolumes = Effect.fn("Storage.listVolumes")(function*(options: ListVolumesOptions = {}) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const matches = yield* limitFilter(options.limit)
  return [...snapshot.volumes.values()]
    .filter((v) => (options.pool === undefined || v.pool === options.pool) && matches(v.name))
    .sort(compareVolumes)
})

export const getVolume = Effect.fn("Storage.getVolume")(function*(pool: string, name: string) {
  const volume = (yield* (yield* ClusterStore).snapshot).volumes.get(EntityKey.volume(pool, name))
  return volume === undefined ? [] : [volume]
})

/** Answers the size as given and in bytes (what the command carried). */
export const addVolume = Effect.fn("Storage.addVolume")(function*(
  pool: string,
  name: string,
  options: { readonly size?: string | undefined }
) {
  return yield* execute((snapshot) => decideAddVolume(snapshot, pool, name, options.size))
})

export const removeVolume = Effect.fn("Storage.removeVolume")(function*(pool: string, name: string) {
  return yield* execute((snapshot) => decideRemoveVolume(snapshot, pool, name))
})
