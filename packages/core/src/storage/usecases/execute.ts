import { Effect, type Result } from "effect"
import type { ClusterSnapshot } from "../../cluster/ClusterSnapshot.ts"
import { CephStorage } from "../../ports/CephStorage.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import type { StorageDecision } from "../StorageRules.ts"

/** Pre-checks on a snapshot, then the command; Ceph's daemons update the cluster state. */
export const execute = Effect.fnUntraced(function*<A, E>(
  decide: (snapshot: ClusterSnapshot) => Result.Result<StorageDecision<A>, E>
) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const { command, outcome } = yield* Effect.fromResult(decide(snapshot))
  yield* (yield* CephStorage).run(command)
  return outcome
})

