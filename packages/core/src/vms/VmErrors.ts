import { Schema } from "effect"

/** `vm` is the reference as given: a name or a UUID. */
export class VmNotFound extends Schema.TaggedError<VmNotFound>()("VmNotFound", {
  vm: Schema.String
}) {}

export class VmNameExists extends Schema.TaggedError<VmNameExists>()("VmNameExists", {
  name: Schema.String
}) {}

export class VmUuidExists extends Schema.TaggedError<VmUuidExists>()("VmUuidExists", {
  uuid: Schema.String
}) {}

/** `restart` and `shutdown` need a VM in state `start`. */
export class VmNotRunning extends Schema.TaggedError<VmNotRunning>()("VmNotRunning", {
  vm: Schema.String,
  state: Schema.String
}) {}

/** A plain `migrate` of a VM that already has a `lastNode`. */
export class VmAlreadyMigrated extends Schema.TaggedError<VmAlreadyMigrated>()("VmAlreadyMigrated", {
  vm: Schema.String,
  lastNode: Schema.String
}) {}

export class VmNotMigrated extends Schema.TaggedError<VmNotMigrated>()("VmNotMigrated", {
  vm: Schema.String
}) {}

/** `modify` may rename a VM but not change its UUID. */
export class VmUuidChanged extends Schema.TaggedError<VmUuidChanged>()("VmUuidChanged", {
  vm: Schema.String,
  uuid: Schema.String,
  newUuid: Schema.String
}) {}

/** The `state` filter of the VM list names no VM state. */
export class InvalidVmState extends Schema.TaggedError<InvalidVmState>()("InvalidVmState", {
  state: Schema.String
}) {}
