import { Schema } from "effect"

/** `network` is the reference as given: a description, or a VNI when all digits. */
export class NetworkNotFound extends Schema.TaggedError<NetworkNotFound>()("NetworkNotFound", {
  network: Schema.String
}) {}

/**
 * A value the operation needs was not given. `field` is the HTTP value name (`vni`, `nettype`,
 * `ip4_network`, `ip4_gateway`, `ip6_network`, `dhcp4_start`, `dhcp4_end`, `ipaddress`,
 * `direction`, `rule`).
 */
export class MissingNetworkValue extends Schema.TaggedError<MissingNetworkValue>()("MissingNetworkValue", {
  field: Schema.String
}) {}

/**
 * A value is malformed: `field` is the HTTP value name (or `description` for the path value),
 * `reason` a short technical detail (e.g. `host bits set`).
 */
export class InvalidNetworkValue extends Schema.TaggedError<InvalidNetworkValue>()("InvalidNetworkValue", {
  field: Schema.String,
  value: Schema.String,
  reason: Schema.String
}) {}

/** 1–4094 for `bridged` (vLAN), 1–16777215 for `managed` (VXLAN). */
export class VniOutOfRange extends Schema.TaggedError<VniOutOfRange>()("VniOutOfRange", {
  vni: Schema.Number,
  nettype: Schema.String,
  max: Schema.Number
}) {}

/** `field` names the address (`ip4_gateway`, `ip6_gateway`, `dhcp4_start`, `dhcp4_end`, `ipaddress`). */
export class AddressOutsideNetwork extends Schema.TaggedError<AddressOutsideNetwork>()("AddressOutsideNetwork", {
  field: Schema.String,
  address: Schema.String,
  network: Schema.String
}) {}

export class DhcpRangeReversed extends Schema.TaggedError<DhcpRangeReversed>()("DhcpRangeReversed", {
  start: Schema.String,
  end: Schema.String
}) {}

export class NetworkDescriptionExists extends Schema.TaggedError<NetworkDescriptionExists>()(
  "NetworkDescriptionExists",
  { description: Schema.String }
) {}

export class VniExists extends Schema.TaggedError<VniExists>()("VniExists", {
  vni: Schema.String
}) {}

export class InvalidMacAddress extends Schema.TaggedError<InvalidMacAddress>()("InvalidMacAddress", {
  mac: Schema.String
}) {}

/** A reservation needs the network's `ip4_network`, which is unset. */
export class NoIpv4Network extends Schema.TaggedError<NoIpv4Network>()("NoIpv4Network", {
  network: Schema.String
}) {}

export class MacAlreadyReserved extends Schema.TaggedError<MacAlreadyReserved>()("MacAlreadyReserved", {
  network: Schema.String,
  mac: Schema.String
}) {}

export class AddressAlreadyReserved extends Schema.TaggedError<AddressAlreadyReserved>()("AddressAlreadyReserved", {
  network: Schema.String,
  address: Schema.String,
  /** The MAC holding the reservation. */
  mac: Schema.String
}) {}

export class ReservationNotFound extends Schema.TaggedError<ReservationNotFound>()("ReservationNotFound", {
  network: Schema.String,
  mac: Schema.String
}) {}

export class AclExists extends Schema.TaggedError<AclExists>()("AclExists", {
  network: Schema.String,
  description: Schema.String
}) {}

export class AclNotFound extends Schema.TaggedError<AclNotFound>()("AclNotFound", {
  network: Schema.String,
  description: Schema.String
}) {}
