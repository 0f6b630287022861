import { cephDf, cephStatus } from "@pvc/core"
import { Effect } from "effect"
import { onWire } from "../../errors/toWire.ts"
import { cephJson } from "../../views/StorageView.ts"

/** `/storage/ceph` and its alias `/storage/ceph/status`. */
export const status = Effect.fn("StorageHttp.status")(function*() {
  return cephJson("status", yield* onWire(cephStatus()))
})

export const df = Effect.fn("StorageHttp.df")(function*() {
  return cephJson("utilization", yield* onWire(cephDf()))
})
