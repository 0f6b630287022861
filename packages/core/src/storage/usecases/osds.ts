import { Effect } from "effect"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { limitFilter } from "../../shared/Limit.ts"
import {
  type AddOsdFields,
  compareOsds,
  decideAddOsd,
  decideOsdIn,
  decideOsdOut,
  decideOsdSet,
  decideOsdUnset,
  decideRemoveOsd,
  findOsd
} from "../StorageRules.ts"
import { execute } from "./execute.ts"

/** OSDs in numeric id order; `limit` matches the id. */
export const listOsds = Effect.fn("Storage.listOsds")(function*(options: { readonly limit?: string | undefined } = {}) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const osds = [...snapshot.osds.values()].sort(compareOsds)
  if (options.limit === undefined) return osds
  const matches = yield* limitFilter(options.limit)
  return osds.filter((osd) => matches(osd.id))
})

/** The OSD with exactly this id, as a list of zero or one. */
export const getOsd = Effect.fn("Storage.getOsd")(function*(ref: string) {
  const osd = findOsd(yield* (yield* ClusterStore).snapshot, ref)
  return osd === undefined ? [] : [osd]
})

export const setOsdOption = Effect.fn("Storage.setOsdOption")(function*(option: string | undefined) {
  return yield* execute(() => decideOsdSet(option))
})

export const unsetOsdOption = Effect.fn("Storage.unsetOsdOption")(function*(option: string | undefined) {
  return yield* execute(() => decideOsdUnset(option))
})

export const addOsd = Effect.fn("Storage.addOsd")(function*(nodeRef: string, fields: AddOsdFields) {
  return yield* execute((snapshot) => decideAddOsd(snapshot, nodeRef, fields))
})

export const removeOsd = Effect.fn("Storage.removeOsd")(function*(
  ref: string,
  options: { readonly confirmed: boolean }
) {
  return yield* execute((snapshot) => decideRemoveOsd(snapshot, ref, options.confirmed))
})

export const osdIn = Effect.fn("Storage.osdIn")(function*(ref: string) {
  return yield* execute((snapshot) => decideOsdIn(snapshot, ref))
})

export const osdOut = Effect.fn("Storage.osdOut")(function*(ref: string) {
  return yield* execute((snapshot) => decideOsdOut(snapshot, ref))
})
