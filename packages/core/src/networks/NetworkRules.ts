import { Result } from "effect"
import { put, remove } from "../cluster/ClusterPlan.ts"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import { isNameTooLong, NAME_MAX_LENGTH, NetworkDescription, Vni } from "../domain/Ids.ts"
import { Acl, DhcpLease, DhcpReservation, Ip4Config, Ip6Config, Network, type NetworkType } from "../domain/Network.ts"
import type { Decision } from "../shared/decideAndCommit.ts"
import { contains, formatIpv6, type IpNetwork, parseCidr, parseIp } from "./IpAddress.ts"
import {
  AddressOutsideNetwork,
  DhcpRangeReversed,
  InvalidNetworkValue,
  MissingNetworkValue,
  NetworkDescriptionExists,
  NetworkNotFound,
  VniExists,
  VniOutOfRange
} from "./NetworkErrors.ts"

/** Network values as they come from HTTP; `dhcp4` is `flag_dhcp4`. */
export interface NetworkFields {
  readonly vni?: string | undefined
  readonly nettype?: string | undefined
  readonly domain?: string | undefined
  readonly ip4_network?: string | undefined
  readonly ip4_gateway?: string | undefined
  readonly ip6_network?: string | undefined
  readonly ip6_gateway?: string | undefined
  readonly dhcp4?: boolean | undefined
  readonly dhcp4_start?: string | undefined
  readonly dhcp4_end?: string | undefined
}

export type NetworkValidationError =
  | MissingNetworkValue
  | InvalidNetworkValue
  | VniOutOfRange
  | AddressOutsideNetwork
  | DhcpRangeReversed

export const VNI_MAX: Record<NetworkType, number> = { bridged: 4094, managed: 16777215 }

const NO_WHITESPACE = /^\S+$/

const byDescription = (snapshot: ClusterSnapshot, ref: string): Network | undefined => {
  for (const network of snapshot.networks.values()) if (network.description === ref) return network
  return undefined
}

/**
 * A network by reference: all digits is a VNI, anything else a description (zk-layout §4); the
 * other reading is the fallback, so a network whose VNI key another tool wrote as text (or whose
 * description is all digits) is still reachable. VNIs compare as stored text, as the key does.
 */
export const findNetwork = (snapshot: ClusterSnapshot, ref: string): Network | undefined =>
  /^[0-9]+$/.test(ref)
    ? snapshot.networks.get(Vni.make(ref)) ?? byDescription(snapshot, ref)
    : byDescription(snapshot, ref) ?? snapshot.networks.get(Vni.make(ref))

const DIGITS = /^[0-9]+$/

/** Networks by VNI: numeric keys in numeric order, then keys other tools wrote as text. */
export const compareVni = (a: Vni, b: Vni): number => {
  const aDigits = DIGITS.test(a)
  const bDigits = DIGITS.test(b)
  if (aDigits !== bDigits) return aDigits ? -1 : 1
  const numeric = aDigits ? Number(a) - Number(b) : 0
  return numeric !== 0 ? numeric : a < b ? -1 : a > b ? 1 : 0
}

export const requireNetwork = (snapshot: ClusterSnapshot, ref: string): Result.Result<Network, NetworkNotFound> => {
  const network = findNetwork(snapshot, ref)
  return network === undefined ? Result.fail(new NetworkNotFound({ network: ref })) : Result.succeed(network)
}

const invalid = (field: string, value: string, reason: string) =>
  Result.fail(new InvalidNetworkValue({ field, value, reason }))

const required = (field: string, value: string | undefined): Result.Result<string, MissingNetworkValue> =>
  value === undefined ? Result.fail(new MissingNetworkValue({ field })) : Result.succeed(value)

const parseDescription = (description: string) =>
  !NO_WHITESPACE.test(description)
    ? invalid("description", description, "empty or contains whitespace")
    : isNameTooLong(description)
    ? invalid("description", description, `longer than ${NAME_MAX_LENGTH} characters`)
    : Result.succeed(NetworkDescription.make(description))

const parseVni = (text: string) =>
  /^[0-9]+$/.test(text) && Number.isSafeInteger(Number(text))
    ? Result.succeed(Number(text))
    : invalid("vni", text, "not an integer")

const parseNettype = (text: string): Result.Result<NetworkType, InvalidNetworkValue> =>
  text === "managed" || text === "bridged" ? Result.succeed(text) : invalid("nettype", text, "not managed or bridged")

const parseNetwork = (field: string, text: string, version: 4 | 6) => {
  const parsed = parseCidr(text, version)
  return "network" in parsed ? Result.succeed(parsed.network) : invalid(field, text, parsed.error)
}

/** An address that must be a valid IP of `network`'s version inside it; returns its value. */
const addressIn = (field: string, text: string, network: IpNetwork, networkText: string) => {
  const ip = parseIp(text, network.version)
  if (ip === undefined) return invalid(field, text, `not an IPv${network.version} address`)
  return contains(network, ip)
    ? Result.succeed(ip.value)
    : Result.fail(new AddressOutsideNetwork({ field, address: text, network: networkText }))
}

const noIp4 = new Ip4Config({ network: null, gateway: null, dhcpFlag: false, dhcpStart: null, dhcpEnd: null })
const noIp6 = new Ip6Config({ network: null, gateway: null, dhcpFlag: false })

const buildIp4 = (fields: NetworkFields): Result.Result<Ip4Config, NetworkValidationError> =>
  Result.gen(function*() {
    const networkText = fields.ip4_network
    if (networkText === undefined) {
      if (fields.dhcp4 === true) return yield* Result.fail(new MissingNetworkValue({ field: "ip4_network" }))
      if (fields.ip4_gateway !== undefined) {
        return yield* Result.fail(new MissingNetworkValue({ field: "ip4_network" }))
      }
      return noIp4
    }
    const network = yield* parseNetwork("ip4_network", networkText, 4)
    const gateway = yield* required("ip4_gateway", fields.ip4_gateway)
    yield* addressIn("ip4_gateway", gateway, network, networkText)
    if (fields.dhcp4 !== true) {
      return new Ip4Config({ network: networkText, gateway, dhcpFlag: false, dhcpStart: null, dhcpEnd: null })
    }
    const start = yield* required("dhcp4_start", fields.dhcp4_start)
    const end = yield* required("dhcp4_end", fields.dhcp4_end)
    const startValue = yield* addressIn("dhcp4_start", start, network, networkText)
    const endValue = yield* addressIn("dhcp4_end", end, network, networkText)
    if (startValue > endValue) return yield* Result.fail(new DhcpRangeReversed({ start, end }))
    return new Ip4Config({ network: networkText, gateway, dhcpFlag: true, dhcpStart: start, dhcpEnd: end })
  })

const buildIp6 = (fields: NetworkFields): Result.Result<Ip6Config, NetworkValidationError> =>
  Result.gen(function*() {
    const networkText = fields.ip6_network
    if (networkText === undefined) {
      if (fields.ip6_gateway !== undefined) {
        return yield* Result.fail(new MissingNetworkValue({ field: "ip6_network" }))
      }
      return noIp6
    }
    const network = yield* parseNetwork("ip6_network", networkText, 6)
    const gateway = fields.ip6_gateway ?? formatIpv6(network.address + 1n)
    yield* addressIn("ip6_gateway", gateway, network, networkText)
    return new Ip6Config({ network: networkText, gateway, dhcpFlag: true })
  })

/** Validates a whole network definition (decisions.md "Networks, DHCP, ACLs"). */
export const buildNetwork = (
  description: string,
  fields: NetworkFields
): Result.Result<Network, NetworkValidationError> =>
  Result.gen(function*() {
    const name = yield* parseDescription(description)
    const vni = yield* parseVni(yield* required("vni", fields.vni))
    const type = yield* parseNettype(yield* required("nettype", fields.nettype))
    if (vni < 1 || vni > VNI_MAX[type]) {
      return yield* Result.fail(new VniOutOfRange({ vni, nettype: type, max: VNI_MAX[type] }))
    }
    const base = { vni: Vni.make(String(vni)), description: name, type, domain: `${name}.local` }
    if (type === "bridged") return new Network({ ...base, ip4: noIp4, ip6: noIp6 })
    const domain = fields.domain ?? base.domain
    if (!NO_WHITESPACE.test(domain)) return yield* invalid("domain", domain, "empty or contains whitespace")
    const ip4 = yield* buildIp4(fields)
    const ip6 = yield* buildIp6(fields)
    return new Network({ ...base, domain, ip4, ip6 })
  })

const uniqueness = (
  snapshot: ClusterSnapshot,
  network: Network,
  replacing: Network | undefined
): Result.Result<void, NetworkDescriptionExists | VniExists> => {
  for (const other of snapshot.networks.values()) {
    if (other === replacing) continue
    if (other.description === network.description) {
      return Result.fail(new NetworkDescriptionExists({ description: network.description }))
    }
    if (other.vni === network.vni) return Result.fail(new VniExists({ vni: network.vni }))
  }
  return Result.void
}

export const decideAddNetwork = (description: string, fields: NetworkFields) => (snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const network = yield* buildNetwork(description, fields)
    yield* uniqueness(snapshot, network, undefined)
    return { changes: [put(network)], outcome: { network } } satisfies Decision<{ network: Network }>
  })

/** The stored values of `network` in the shape of the HTTP values, for merging. */
export const networkFields = (network: Network): NetworkFields => ({
  vni: String(network.vni),
  nettype: network.type,
  domain: network.domain,
  ip4_network: network.ip4.network ?? undefined,
  ip4_gateway: network.ip4.gateway ?? undefined,
  ip6_network: network.ip6.network ?? undefined,
  ip6_gateway: network.ip6.gateway ?? undefined,
  dhcp4: network.ip4.dhcpFlag,
  dhcp4_start: network.ip4.dhcpStart ?? undefined,
  dhcp4_end: network.ip4.dhcpEnd ?? undefined
})

const definedOnly = (fields: NetworkFields): NetworkFields =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))

/** Only the values given change; a new `ip6_network` without a gateway gets the default one. */
export const mergeNetworkFields = (current: NetworkFields, changes: NetworkFields): NetworkFields => {
  const merged = { ...current, ...definedOnly(changes) }
  return changes.ip6_network !== undefined && changes.ip6_gateway === undefined
    ? { ...merged, ip6_gateway: undefined }
    : merged
}

/**
 * A new VNI re-keys the network: the old one is removed (with its leases, reservations and ACLs)
 * and they are written again under the new VNI, in the same plan.
 */
export const decideModifyNetwork = (ref: string, changes: NetworkFields) => (snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const current = yield* requireNetwork(snapshot, ref)
    const built = yield* buildNetwork(current.description, mergeNetworkFields(networkFields(current), changes))
    // Without a new VNI the key stays as stored (`0100` is not re-keyed to `100`).
    const network = changes.vni === undefined ? new Network({ ...built, vni: current.vni }) : built
    yield* uniqueness(snapshot, network, current)
    if (network.vni === current.vni) {
      return { changes: [put(network)], outcome: { network } } satisfies Decision<{ network: Network }>
    }
    const moved = [...snapshot.dhcpLeases.values(), ...snapshot.dhcpReservations.values(), ...snapshot.acls.values()]
      .filter((child) => child.vni === current.vni)
      .map((child) => put(rekey(child, network.vni)))
    return { changes: [remove(current), put(network), ...moved], outcome: { network } } satisfies Decision<
      { network: Network }
    >
  })

const rekey = (child: DhcpLease | DhcpReservation | Acl, vni: Vni) => {
  switch (child._tag) {
    case "DhcpLease":
      return new DhcpLease({ ...child, vni })
    case "DhcpReservation":
      return new DhcpReservation({ ...child, vni })
    case "Acl":
      return new Acl({ ...child, vni })
  }
}

export const decideRemoveNetwork = (ref: string) => (snapshot: ClusterSnapshot) =>
  Result.map(requireNetwork(snapshot, ref), (network): Decision<{ network: Network }> => ({
    changes: [remove(network)],
    outcome: { network }
  }))
