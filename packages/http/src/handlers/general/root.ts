import { Effect } from "effect"
import { message } from "../../api/Wire.ts"

export const API_DESCRIPTION = "PVC API version 1.0"

/** Open to everyone, answered 209 (the manual): a liveness check. */
export const root = Effect.fn("GeneralHttp.root")(function*() {
  return message(API_DESCRIPTION)
})
