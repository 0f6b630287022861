import { Schema } from "effect"
import { RbdDisk } from "./Vm.ts"
import { VmName, VmUuid } from "./Ids.ts"

export class VmNetworkInterface extends Schema.Class<VmNetworkInterface>("pvc/core/VmNetworkInterface")({
  type: Schema.String,
  mac: Schema.String,
  source: Schema.String,
  model: Schema.String
}) {}

/** A `<disk>`: network disks carry their protocol as `type`, file disks `'file'`. */
export class VmDisk extends Schema.Class<VmDisk>("pvc/core/VmDisk")({
  type: Schema.String,
  name: Schema.String,
  dev: Schema.String,
  bus: Schema.String
}) {}

export class VmController extends Schema.Class<VmController>("pvc/core/VmController")({
  type: Schema.String,
  model: Schema.String
}) {}

/**
 * What the API shows of a libvirt domain XML (zk-layout §3). Absent optional elements take the
 * documented defaults (`'N/A'`, `''`, empty lists) instead of failing.
 */
export class VmDetails extends Schema.Class<VmDetails>("pvc/core/VmDetails")({
  name: VmName,
  uuid: VmUuid,
  description: Schema.String,
  /** MiB as an integer when the XML unit converts, otherwise libvirt's text. */
  memory: Schema.Union([Schema.Int, Schema.String]),
  vcpu: Schema.String,
  vcpuTopology: Schema.String,
  networks: Schema.Array(VmNetworkInterface),
  type: Schema.String,
  arch: Schema.String,
  machine: Schema.String,
  console: Schema.String,
  emulator: Schema.String,
  features: Schema.Array(Schema.String),
  disks: Schema.Array(VmDisk),
  controllers: Schema.Array(VmController)
}) {}

/** A validated domain definition, ready to store: the XML carries a UUID. */
export class DomainDefinition extends Schema.Class<DomainDefinition>("pvc/core/DomainDefinition")({
  uuid: VmUuid,
  name: VmName,
  /** The XML as it is stored, with a generated `<uuid>` inserted when it had none. */
  xml: Schema.String,
  rbdList: Schema.Array(RbdDisk),
  details: VmDetails
}) {}
