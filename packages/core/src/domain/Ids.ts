import { Schema } from "effect"

/** Short hostname of a cluster node, the child name under `/nodes`. */
export const NodeName = Schema.String.pipe(Schema.brand("NodeName"))
export type NodeName = typeof NodeName.Type

/** VM UUID, the child name under `/domains`. */
export const VmUuid = Schema.String.pipe(Schema.brand("VmUuid"))
export type VmUuid = typeof VmUuid.Type

export const VmName = Schema.String.pipe(Schema.brand("VmName"))
export type VmName = typeof VmName.Type

/** VXLAN or vLAN id, the child name under `/networks`. */
export const Vni = Schema.Int.pipe(Schema.brand("Vni"))
export type Vni = typeof Vni.Type

export const NetworkDescription = Schema.String.pipe(Schema.brand("NetworkDescription"))
export type NetworkDescription = typeof NetworkDescription.Type

/** Lower-case, colon separated MAC address. */
export const MacAddress = Schema.String.pipe(Schema.brand("MacAddress"))
export type MacAddress = typeof MacAddress.Type

export const AclDescription = Schema.String.pipe(Schema.brand("AclDescription"))
export type AclDescription = typeof AclDescription.Type

/** Ceph OSD id: a decimal string, the child name under `/ceph/osds`. */
export const OsdId = Schema.String.pipe(Schema.brand("OsdId"))
export type OsdId = typeof OsdId.Type

export const PoolName = Schema.String.pipe(Schema.brand("PoolName"))
export type PoolName = typeof PoolName.Type

export const VolumeName = Schema.String.pipe(Schema.brand("VolumeName"))
export type VolumeName = typeof VolumeName.Type

export const SnapshotName = Schema.String.pipe(Schema.brand("SnapshotName"))
export type SnapshotName = typeof SnapshotName.Type
