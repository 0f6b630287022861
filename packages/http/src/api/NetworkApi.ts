import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { AclJson, LeaseJson, NetworkJson } from "../views/NetworkView.ts"
import { Authentication } from "./Authentication.ts"
import { mandatory, Message, optional, PvcFailure } from "./Wire.ts"

const Network = NetworkJson.annotate({ identifier: "Network" })
const Lease = LeaseJson.annotate({ identifier: "Lease" })
const Acl = AclJson.annotate({ identifier: "Acl" })

const network = { network: Schema.String }
const lease = { network: Schema.String, lease: Schema.String }
const acl = { network: Schema.String, acl: Schema.String }

const networkSettings = {
  domain: optional,
  ip4_network: optional,
  ip4_gateway: optional,
  ip6_network: optional,
  ip6_gateway: optional,
  flag_dhcp4: optional,
  dhcp4_start: optional,
  dhcp4_end: optional
}

export class NetworkApi extends HttpApiGroup.make("network").add(
  HttpApiEndpoint.get("list", "/api/v1/network", {
    query: { limit: optional },
    success: Schema.Array(Network),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("get", "/api/v1/network/:network", {
    params: network,
    success: Schema.Array(Network),
    error: PvcFailure
  }),
  HttpApiEndpoint.post("add", "/api/v1/network/:network/add", {
    params: network,
    query: { vni: mandatory, nettype: mandatory, ...networkSettings },
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("modify", "/api/v1/network/:network/modify", {
    params: network,
    query: { vni: optional, nettype: optional, ...networkSettings },
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("remove", "/api/v1/network/:network/remove", { params: network, success: Message, error: PvcFailure }),
  HttpApiEndpoint.get("leases", "/api/v1/network/:network/dhcp", {
    params: network,
    query: { limit: optional, flag_static: optional },
    success: Schema.Array(Lease),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("lease", "/api/v1/network/:network/dhcp/:lease", {
    params: lease,
    success: Schema.Array(Lease),
    error: PvcFailure
  }),
  HttpApiEndpoint.post("leaseAdd", "/api/v1/network/:network/dhcp/:lease/add", {
    params: lease,
    query: { ipaddress: mandatory, hostname: optional },
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("leaseRemove", "/api/v1/network/:network/dhcp/:lease/remove", {
    params: lease,
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.get("acls", "/api/v1/network/:network/acl", {
    params: network,
    query: { limit: optional, direction: optional },
    success: Schema.Array(Acl),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("acl", "/api/v1/network/:network/acl/:acl", {
    params: acl,
    success: Schema.Array(Acl),
    error: PvcFailure
  }),
  HttpApiEndpoint.post("aclAdd", "/api/v1/network/:network/acl/:acl/add", {
    params: acl,
    query: { direction: mandatory, rule: mandatory, order: optional },
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("aclRemove", "/api/v1/network/:network/acl/:acl/remove", {
    params: acl,
    query: { direction: optional },
    success: Message,
    error: PvcFailure
  })
).middleware(Authentication) {}
