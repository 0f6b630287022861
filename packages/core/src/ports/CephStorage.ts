import { Context, Data, type Effect, Schema } from "effect"
import type { NodeName, OsdId, PoolName, SnapshotName, VolumeName } from "../domain/Ids.ts"
import type { StoreUnavailable } from "../errors/StoreErrors.ts"

/** A storage command (zk-layout §5.1). Its effects on the cluster state are the storage side's job. */
export type CephCommand = Data.TaggedEnum<{
  OsdAdd: { readonly node: NodeName; readonly device: string; readonly weight: string }
  OsdRemove: { readonly id: OsdId }
  OsdIn: { readonly id: OsdId }
  OsdOut: { readonly id: OsdId }
  OsdSet: { readonly option: string }
  OsdUnset: { readonly option: string }
  PoolAdd: { readonly name: PoolName; readonly pgs: number }
  PoolRemove: { readonly name: PoolName }
  VolumeAdd: { readonly pool: PoolName; readonly name: VolumeName; readonly bytes: number }
  VolumeRemove: { readonly pool: PoolName; readonly name: VolumeName }
  SnapshotAdd: { readonly pool: PoolName; readonly volume: VolumeName; readonly name: SnapshotName }
  SnapshotRemove: { readonly pool: PoolName; readonly volume: VolumeName; readonly name: SnapshotName }
}>
export const CephCommand = Data.taggedEnum<CephCommand>()

/** Ceph (or the node that runs it) refused the command; `reason` is Ceph's own. */
export class CephCommandFailed extends Schema.TaggedError<CephCommandFailed>()("CephCommandFailed", {
  command: Schema.String,
  reason: Schema.String
}) {}

/** Nobody completed the command before its deadline. */
export class CephCommandTimedOut extends Schema.TaggedError<CephCommandTimedOut>()("CephCommandTimedOut", {
  command: Schema.String,
  seconds: Schema.Number
}) {}

/** Runs storage commands and waits for their outcome; the cluster state follows on success. */
export class CephStorage extends Context.Service<CephStorage, {
  readonly run: (
    command: CephCommand
  ) => Effect.Effect<void, CephCommandFailed | CephCommandTimedOut | StoreUnavailable>
}>()("pvc/core/CephStorage") {}
