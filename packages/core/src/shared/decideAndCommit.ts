import { Effect, Result } from "effect"
import type { Change } from "../cluster/ClusterPlan.ts"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import type { Entity } from "../cluster/Entity.ts"
import { ConflictRetriesExhausted } from "../errors/StoreErrors.ts"
import { ClusterStore } from "../ports/ClusterStore.ts"

/** What a pure decision returns: the changes to commit, what it relied on, and its answer. */
export interface Decision<A> {
  readonly changes: ReadonlyArray<Change>
  readonly guards?: ReadonlyArray<Entity>
  readonly outcome: A
}

export const MAX_COMMIT_ATTEMPTS = 8

/**
 * Read a snapshot, decide purely, commit the plan. When a concurrent writer got there first the
 * decision is taken again on a fresh snapshot, a bounded number of times.
 */
export const decideAndCommit = Effect.fnUntraced(function*<A, E>(
  decide: (snapshot: ClusterSnapshot) => Result.Result<Decision<A>, E>
) {
  const store = yield* ClusterStore
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    const base = yield* store.snapshot
    const decision = decide(base)
    if (Result.isFailure(decision)) return yield* Effect.fail(decision.failure)
    const { changes, guards = [], outcome } = decision.success
    if (changes.length === 0) return outcome
    const committed = yield* store.commit({ base, changes, guards }).pipe(
      Effect.as(true),
      Effect.catchTag("StaleSnapshot", () => Effect.succeed(false))
    )
    if (committed) return outcome
  }
  return yield* new ConflictRetriesExhausted({ attempts: MAX_COMMIT_ATTEMPTS })
})
