import { Effect } from "effect"
import { message } from "../../api/Wire.ts"

export const API_DESCRIPTION = "PVC API version 1.0"

/** Open to everyone, answered 209 (the manual): a liveness check. */
export const root = Effect.fn("GeneralHttp.root")(function*() {
  return message(API_DESCRIPTION)
})

export const STORAGE_DESCRIPTION = "Manage the storage of the PVC cluster."

/** `/api/v1/storage`: the original answers this message (200) to anyone, like the API root. */
export const storage = Effect.fn("GeneralHttp.storage")(function*() {
  return message(STORAGE_DESCRIPTION)
})
