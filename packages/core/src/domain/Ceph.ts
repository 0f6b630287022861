import { Schema } from "effect"
import { NodeName, OsdId, PoolName, SnapshotName, VolumeName } from "./Ids.ts"

/** A JSON object as Ceph tooling produced it; the API passes it through. */
export const CephStats = Schema.Record(Schema.String, Schema.Unknown)
export type CephStats = typeof CephStats.Type

export class Osd extends Schema.TaggedClass<Osd>("pvc/core/Osd")("Osd", {
  id: OsdId,
  node: NodeName,
  device: Schema.String,
  stats: CephStats
}) {}

export class Pool extends Schema.TaggedClass<Pool>("pvc/core/Pool")("Pool", {
  name: PoolName,
  /** PG count as sent when the pool was created. */
  pgs: Schema.String,
  stats: CephStats
}) {}

export class Volume extends Schema.TaggedClass<Volume>("pvc/core/Volume")("Volume", {
  pool: PoolName,
  name: VolumeName,
  /** `rbd info --format json` of the image; `size` in bytes. */
  stats: CephStats
}) {}

export class Snapshot extends Schema.TaggedClass<Snapshot>("pvc/core/Snapshot")("Snapshot", {
  pool: PoolName,
  volume: VolumeName,
  name: SnapshotName,
  stats: CephStats
}) {}

/** Raw `ceph status` and `rados df` text as the primary's keepalive stores them. */
export class CephReport extends Schema.TaggedClass<CephReport>("pvc/core/CephReport")("CephReport", {
  status: Schema.String,
  /** Absent until the primary has written `/ceph/radosdf`. */
  radosDf: Schema.NullOr(Schema.String)
}) {}
