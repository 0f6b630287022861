import { addPool, getPool, listPools, removePool } from "@pvc/core"
import { Effect } from "effect"
import { flag, message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"
import { poolJson } from "../../views/StorageView.ts"

type PoolRequest = { readonly params: { readonly pool: string } }

export const pools = Effect.fn("StorageHttp.pools")(function*({ query }: { readonly query: { readonly limit?: string | undefined } }) {
  return (yield* onWire(listPools({ limit: query.limit }))).map(poolJson)
})

export const pool = Effect.fn("StorageHttp.pool")(function*({ params }: PoolRequest) {
  return (yield* onWire(getPool(params.pool))).map(poolJson)
})

export const poolAdd = Effect.fn("StorageHttp.poolAdd")(function*(
  { params, query }: PoolRequest & { readonly query: { readonly pgs?: string | undefined } }
) {
  const { pool: name, pgs } = yield* onWire(addPool(params.pool, { pgs: query.pgs }))
  return message(`Created new RBD pool '${name}' with '${pgs}' PGs.`)
})

export const poolRemove = Effect.fn("StorageHttp.poolRemove")(function*(
  { params, query }: PoolRequest & { readonly query: { readonly flag_yes_i_really_mean_it?: string | undefined } }
) {
  const { pool: name } = yield* onWire(removePool(params.pool, { confirmed: flag(query.flag_yes_i_really_mean_it) }))
  return message(`Removed RBD pool '${name}' and all volumes.`)
})
