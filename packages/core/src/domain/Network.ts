import { Schema } from "effect"
import { AclDescription, MacAddress, NetworkDescription, orStored, Vni } from "./Ids.ts"

export const NetworkType = Schema.Literals(["managed", "bridged"])
export type NetworkType = typeof NetworkType.Type

export class Ip4Config extends Schema.Class<Ip4Config>("pvc/core/Ip4Config")({
  /** CIDR, null when unset (stored `'None'`). */
  network: Schema.NullOr(Schema.String),
  gateway: Schema.NullOr(Schema.String),
  dhcpFlag: Schema.Boolean,
  dhcpStart: Schema.NullOr(Schema.String),
  dhcpEnd: Schema.NullOr(Schema.String)
}) {}

export class Ip6Config extends Schema.Class<Ip6Config>("pvc/core/Ip6Config")({
  network: Schema.NullOr(Schema.String),
  gateway: Schema.NullOr(Schema.String),
  /** `dhcp6_flag`: true iff an IPv6 network is set. */
  dhcpFlag: Schema.Boolean
}) {}

export class Network extends Schema.TaggedClass<Network>("pvc/core/Network")("Network", {
  vni: Vni,
  description: NetworkDescription,
  /** A `nettype` naming neither type is kept as stored (see StoredText). */
  type: orStored(NetworkType),
  domain: Schema.String,
  ip4: Ip4Config,
  ip6: Ip6Config
}) {}

/** A dynamic lease written by dnsmasq's lease script (read-only for the API). */
export class DhcpLease extends Schema.TaggedClass<DhcpLease>("pvc/core/DhcpLease")("DhcpLease", {
  vni: Vni,
  mac: MacAddress,
  ipAddress: Schema.String,
  hostname: Schema.String,
  /** Epoch seconds as text, `'0'` for infinite. */
  expiry: Schema.String,
  clientId: Schema.String
}) {}

/** A static reservation written by the API (`dhcp4_reservations`). */
export class DhcpReservation extends Schema.TaggedClass<DhcpReservation>("pvc/core/DhcpReservation")(
  "DhcpReservation",
  {
    vni: Vni,
    mac: MacAddress,
    ipAddress: Schema.String,
    hostname: Schema.NullOr(Schema.String)
  }
) {}

export const AclDirection = Schema.Literals(["in", "out"])
export type AclDirection = typeof AclDirection.Type

export class Acl extends Schema.TaggedClass<Acl>("pvc/core/Acl")("Acl", {
  vni: Vni,
  direction: AclDirection,
  description: AclDescription,
  /**
   * Position text as stored (`'0'`, `'1'`, …); the daemons sort it as a string. Ours is
   * zero-padded when a direction has more than ten ACLs (docs/acl-order.md).
   */
  order: Schema.String,
  rule: Schema.String
}) {}
