import { Effect } from "effect"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { decidePrimary, decideSecondary } from "../NodeRules.ts"

/** Writes `/primary_node`; the coordinators switch their router states themselves. */
export const setPrimaryNode = Effect.fn("Node.primary")(function*(ref: string) {
  return yield* decideAndCommit(decidePrimary(ref))
})

export const setSecondaryNode = Effect.fn("Node.secondary")(function*(ref: string) {
  return yield* decideAndCommit(decideSecondary(ref))
})
