import { Effect } from "effect"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { decideFlush, decideUnflush } from "../NodeRules.ts"

/** Requests the flush and returns at once; the node's daemon moves its VMs away. */
export const flushNode = Effect.fn("Node.flush")(function*(ref: string) {
  return yield* decideAndCommit(decideFlush(ref))
})

/** `unflush` and its alias `ready`. */
export const unflushNode = Effect.fn("Node.unflush")(function*(ref: string) {
  return yield* decideAndCommit(decideUnflush(ref))
})
