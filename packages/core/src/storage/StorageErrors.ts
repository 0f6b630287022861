import { Schema } from "effect"

/**
 * A value the operation needs was not given. `field` is the HTTP value name (`pgs`, `size`,
 * `option`, `device`, `weight`).
 */
export class MissingStorageValue extends Schema.TaggedError<MissingStorageValue>()("MissingStorageValue", {
  field: Schema.String
}) {}

/**
 * A value is malformed: `field` is the HTTP value name, or `pool`/`volume`/`snapshot`/`osd` for
 * path values; `reason` a short technical detail.
 */
export class InvalidStorageValue extends Schema.TaggedError<InvalidStorageValue>()("InvalidStorageValue", {
  field: Schema.String,
  value: Schema.String,
  reason: Schema.String
}) {}

/** `flag_yes_i_really_mean_it` is missing; `operation` is `osd remove` or `pool remove`. */
export class ConfirmationRequired extends Schema.TaggedError<ConfirmationRequired>()("ConfirmationRequired", {
  operation: Schema.String,
  target: Schema.String
}) {}

export class OsdNotFound extends Schema.TaggedError<OsdNotFound>()("OsdNotFound", {
  osd: Schema.String
}) {}

/** The block device already backs an OSD on that node. */
export class OsdDeviceInUse extends Schema.TaggedError<OsdDeviceInUse>()("OsdDeviceInUse", {
  node: Schema.String,
  device: Schema.String,
  osd: Schema.String
}) {}

export class PoolNotFound extends Schema.TaggedError<PoolNotFound>()("PoolNotFound", {
  pool: Schema.String
}) {}

export class PoolExists extends Schema.TaggedError<PoolExists>()("PoolExists", {
  pool: Schema.String
}) {}

export class VolumeNotFound extends Schema.TaggedError<VolumeNotFound>()("VolumeNotFound", {
  pool: Schema.String,
  volume: Schema.String
}) {}

export class VolumeExists extends Schema.TaggedError<VolumeExists>()("VolumeExists", {
  pool: Schema.String,
  volume: Schema.String
}) {}

export class SnapshotNotFound extends Schema.TaggedError<SnapshotNotFound>()("SnapshotNotFound", {
  pool: Schema.String,
  volume: Schema.String,
  snapshot: Schema.String
}) {}

export class SnapshotExists extends Schema.TaggedError<SnapshotExists>()("SnapshotExists", {
  pool: Schema.String,
  volume: Schema.String,
  snapshot: Schema.String
}) {}

/** The primary has not written `/ceph/radosdf` yet. */
export class CephDfUnavailable extends Schema.TaggedError<CephDfUnavailable>()("CephDfUnavailable", {}) {}
