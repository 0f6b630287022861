import { addSnapshot, getSnapshot, listSnapshots, removeSnapshot } from "@pvc/core"
import { Effect } from "effect"
import { message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"
import { snapshotJson } from "../../views/StorageView.ts"

type SnapshotRequest = {
  readonly params: { readonly pool: string; readonly volume: string; readonly snapshot: string }
}
type SnapshotsQuery = {
  readonly pool?: string | undefined
  readonly volume?: string | undefined
  readonly limit?: string | undefined
}

export const snapshots = Effect.fn("StorageHttp.snapshots")(function*({ query }: { readonly query: SnapshotsQuery }) {
  const found = yield* onWire(listSnapshots({ pool: query.pool, volume: query.volume, limit: query.limit }))
  return found.map(snapshotJson)
})

export const snapshot = Effect.fn("StorageHttp.snapshot")(function*({ params }: SnapshotRequest) {
  return (yield* onWire(getSnapshot(params.pool, params.volume, params.snapshot))).map(snapshotJson)
})

export const snapshotAdd = Effect.fn("StorageHttp.snapshotAdd")(function*({ params }: SnapshotRequest) {
  yield* onWire(addSnapshot(params.pool, params.volume, params.snapshot))
  return message(`Created new RBD snapshot '${params.snapshot}' of volume '${params.volume}' in pool '${params.pool}'.`)
})

export const snapshotRemove = Effect.fn("StorageHttp.snapshotRemove")(function*({ params }: SnapshotRequest) {
  yield* onWire(removeSnapshot(params.pool, params.volume, params.snapshot))
  return message(`Removed RBD snapshot '${params.snapshot}' of volume '${params.volume}' in pool '${params.pool}'.`)
})
