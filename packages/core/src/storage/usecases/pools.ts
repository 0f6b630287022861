import { Effect } from "effect"
import { PoolName } from "../../domain/Ids.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { limitFilter } from "../../shared/Limit.ts"
import { comparePools, decideAddPool, decideRemovePool } from "../StorageRules.ts"
import { execute } from "./execute.ts"

/** Pools by name; `limit` matches the name. */
export const listPools = Effect.fn("Storage.listPools")(function*(options: { readonly limit?: string | undefined } = {}) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const pools = [...snapshot.pools.values()].sort(comparePools)
  if (options.limit === undefined) return pools
  const matches = yield* limitFilter(options.limit)
  return pools.filter((pool) => matches(pool.name))
})

export const getPool = Effect.fn("Storage.getPool")(function*(ref: string) {
  const pool = (yield* (yield* ClusterStore).snapshot).pools.get(PoolName.make(ref))
  return pool === undefined ? [] : [pool]
})

export const addPool = Effect.fn("Storage.addPool")(function*(
  name: string,
  options: { readonly pgs?: string | undefined }
) {
  return yield* execute((snapshot) => decideAddPool(snapshot, name, options.pgs))
})

/** Removes the pool and all its volumes; needs `flag_yes_i_really_mean_it`. */
export const removePool = Effect.fn("Storage.removePool")(function*(
  name: string,
  options: { readonly confirmed: boolean }
) {
  return yield* execute((snapshot) => decideRemovePool(snapshot, name, options.confirmed))
})
