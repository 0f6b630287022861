import { Data } from "effect"
import type { ClusterSnapshot } from "./ClusterSnapshot.ts"
import type { Entity } from "./Entity.ts"

/**
 * One domain change of a plan. `Put` creates the entity when the base snapshot does not hold it
 * and replaces it otherwise; `Remove` deletes it together with its dependents (`isDependentOf`).
 */
export type Change = Data.TaggedEnum<{
  Put: { readonly entity: Entity }
  Remove: { readonly entity: Entity }
}>
export const Change = Data.taggedEnum<Change>()

/**
 * What one decision changes, and what it relied on. The store commits all changes or none, and
 * refuses the commit (`StaleSnapshot`) when any changed or guarded entity is not at the revision
 * it had in `base` — so concurrent writers never lose each other's updates.
 */
export interface ClusterPlan {
  readonly base: ClusterSnapshot
  readonly changes: ReadonlyArray<Change>
  /** Entities read by the decision but not changed (e.g. the target node of a migration). */
  readonly guards: ReadonlyArray<Entity>
}

export const put = (entity: Entity): Change => Change.Put({ entity })
export const remove = (entity: Entity): Change => Change.Remove({ entity })
