import type { Acl, DhcpLease, DhcpReservation, Network } from "@pvc/core"
import { Schema } from "effect"

// Values as stored in ZooKeeper: unset is "None", flags "True"/"False" (zk-layout §4, §9).
const stored = (value: string | null): string => value ?? "None"
const storedFlag = (value: boolean): string => value ? "True" : "False"

// `vni` is the key as stored, `order` the stored text: JSON strings as the original API answers (zk-layout §9).
export const NetworkJson = Schema.Struct({
  vni: Schema.String.annotate({ description: "The VNI as stored: the /networks key text, e.g. \"1000\"." }),
  description: Schema.String,
  type: Schema.String,
  domain: Schema.String,
  ip6: Schema.Struct({ network: Schema.String, gateway: Schema.String, dhcp_flag: Schema.String }),
  ip4: Schema.Struct({
    network: Schema.String,
    gateway: Schema.String,
    dhcp_flag: Schema.String,
    dhcp_start: Schema.String,
    dhcp_end: Schema.String
  })
})
export type NetworkJson = typeof NetworkJson.Type

export const networkJson = (n: Network): NetworkJson => ({
  vni: n.vni,
  description: n.description,
  type: n.type,
  domain: n.domain,
  ip6: { network: stored(n.ip6.network), gateway: stored(n.ip6.gateway), dhcp_flag: storedFlag(n.ip6.dhcpFlag) },
  ip4: {
    network: stored(n.ip4.network),
    gateway: stored(n.ip4.gateway),
    dhcp_flag: storedFlag(n.ip4.dhcpFlag),
    dhcp_start: stored(n.ip4.dhcpStart),
    dhcp_end: stored(n.ip4.dhcpEnd)
  }
})

export const LeaseJson = Schema.Struct({
  hostname: Schema.String,
  ip4_address: Schema.String,
  mac_address: Schema.String,
  timestamp: Schema.String
})
export type LeaseJson = typeof LeaseJson.Type

export const leaseJson = (lease: DhcpLease | DhcpReservation): LeaseJson =>
  lease._tag === "DhcpLease"
    ? { hostname: lease.hostname, ip4_address: lease.ipAddress, mac_address: lease.mac, timestamp: lease.expiry }
    : { hostname: stored(lease.hostname), ip4_address: lease.ipAddress, mac_address: lease.mac, timestamp: "static" }

export const AclJson = Schema.Struct({
  direction: Schema.String,
  order: Schema.String.annotate({
    description: "Position as stored, e.g. \"0\"; the node daemons apply the rules in the string order of these " +
      "values, zero-padded (\"00\" … \"11\") when a direction has more than ten rules (docs/acl-order.md)."
  }),
  description: Schema.String,
  rule: Schema.String
})
export type AclJson = typeof AclJson.Type

export const aclJson = (acl: Acl): AclJson => ({
  direction: acl.direction,
  order: acl.order,
  description: acl.description,
  rule: acl.rule
})
