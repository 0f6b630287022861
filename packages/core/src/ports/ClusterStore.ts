import { Context, type Effect, type Stream } from "effect"
import type { ClusterPlan } from "../cluster/ClusterPlan.ts"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import type { StaleSnapshot, StoreUnavailable } from "../errors/StoreErrors.ts"

/**
 * The cluster's state. Reads are consistent snapshots; writes are plans committed atomically
 * with optimistic concurrency. After `commit` succeeds, `snapshot` reflects it (read your writes).
 */
export class ClusterStore extends Context.Service<ClusterStore, {
  readonly snapshot: Effect.Effect<ClusterSnapshot, StoreUnavailable>
  readonly commit: (plan: ClusterPlan) => Effect.Effect<void, StaleSnapshot | StoreUnavailable>
  /** The current snapshot, then every later one (intermediate ones may be skipped). */
  readonly changes: Stream.Stream<ClusterSnapshot, StoreUnavailable>
}>()("pvc/core/ClusterStore") {}
