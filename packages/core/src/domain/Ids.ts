import { Schema } from "effect"

/** Short hostname of a cluster node, the child name under `/nodes`. */
export const NodeName = Schema.String.pipe(Schema.brand("NodeName"))
export type NodeName = typeof NodeName.Type

/** VM UUID, the child name under `/domains`. */
export const VmUuid = Schema.String.pipe(Schema.brand("VmUuid"))
export type VmUuid = typeof VmUuid.Type

export const VmName = Schema.String.pipe(Schema.brand("VmName"))
export type VmName = typeof VmName.Type

/**
 * VXLAN or vLAN id: the child name under `/networks` as stored (zk-layout §1: the original API
 * does not enforce digits, so a key written by another tool may be any text). New networks get
 * the decimal form of an integer in range (NetworkRules).
 */
export const Vni = Schema.String.pipe(Schema.brand("Vni"))
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

/**
 * A value another writer stored that is outside the vocabulary the API writes (an unknown VM
 * state, a nettype that names neither type, …). Entities keep it and show it as stored rather
 * than disappear (zk-layout §9: values as stored); rules treat it as matching no known value.
 */
export const StoredText = Schema.String.pipe(Schema.brand("StoredText"))
export type StoredText = typeof StoredText.Type

/** `known`, or any other text as stored. */
export const orStored = <S extends Schema.Top>(known: S) => Schema.Union([known, StoredText])

/**
 * The longest name the API creates (VM, network and ACL descriptions, pool, volume, snapshot), in
 * UTF-16 units: every route that takes the name must still fit in one request line, even with
 * three such names percent-encoded (the HTTP server reads request heads of up to 64 KiB).
 * Longer names written by other tools are still listed and reachable while their URL fits.
 */
export const NAME_MAX_LENGTH = 1024

export const isNameTooLong = (name: string): boolean => name.length > NAME_MAX_LENGTH
