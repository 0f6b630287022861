import { Effect } from "effect"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { CephDfUnavailable } from "../StorageErrors.ts"

export interface CephText {
  /** Value of `/primary_node`, null for `'none'`. */
  readonly primaryNode: string | null
  readonly text: string
}

/** Raw `ceph status` as the primary stores it. */
export const cephStatus = Effect.fn("Storage.status")(function*() {
  const snapshot = yield* (yield* ClusterStore).snapshot
  return { primaryNode: snapshot.primaryNode.node, text: snapshot.cephReport.status } satisfies CephText
})

/** Raw `rados df`; CephDfUnavailable until the primary has written it. */
export const cephDf = Effect.fn("Storage.df")(function*() {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const text = snapshot.cephReport.radosDf
  if (text === null) return yield* new CephDfUnavailable()
  return { primaryNode: snapshot.primaryNode.node, text } satisfies CephText
})
