import { Schema } from "effect"
import { NodeName, orStored, VmName, VmUuid } from "./Ids.ts"

/**
 * `state` of a VM (zk-layout §3, §6). `unmigrate` is accepted by the list filter of the
 * original API but nothing writes it.
 */
export const VmState = Schema.Literals(["start", "restart", "shutdown", "stop", "migrate", "failed", "delete"])
export type VmState = typeof VmState.Type

export const RbdDisk = Schema.String.pipe(Schema.brand("RbdDisk"))
/** `pool/volume` of an RBD disk of the VM (`rbdlist`). */
export type RbdDisk = typeof RbdDisk.Type

export class Vm extends Schema.TaggedClass<Vm>("pvc/core/Vm")("Vm", {
  uuid: VmUuid,
  name: VmName,
  /** A state another writer stored outside `VmState` is kept as stored (see StoredText). */
  state: orStored(VmState),
  /** Node the VM should run on. */
  node: NodeName,
  /** Node the VM was migrated away from (its home), null when not migrated. */
  lastNode: Schema.NullOr(NodeName),
  failedReason: Schema.String,
  consoleLog: Schema.String,
  rbdList: Schema.Array(RbdDisk),
  xml: Schema.String
}) {}
