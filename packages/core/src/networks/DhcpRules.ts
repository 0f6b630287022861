import { Result } from "effect"
import { put, remove } from "../cluster/ClusterPlan.ts"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import { EntityKey } from "../cluster/Entity.ts"
import { MacAddress } from "../domain/Ids.ts"
import { type DhcpLease, DhcpReservation, type Network } from "../domain/Network.ts"
import type { Decision } from "../shared/decideAndCommit.ts"
import { contains, parseCidr, parseIpv4 } from "./IpAddress.ts"
import {
  AddressAlreadyReserved,
  AddressOutsideNetwork,
  InvalidMacAddress,
  InvalidNetworkValue,
  MacAlreadyReserved,
  MissingNetworkValue,
  NoIpv4Network,
  ReservationNotFound
} from "./NetworkErrors.ts"
import { requireNetwork } from "./NetworkRules.ts"

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/

/** A valid colon-separated MAC, lower-cased as it is stored. */
export const parseMac = (text: string): Result.Result<MacAddress, InvalidMacAddress> => {
  const mac = text.toLowerCase()
  return MAC.test(mac) ? Result.succeed(MacAddress.make(mac)) : Result.fail(new InvalidMacAddress({ mac: text }))
}

export const reservationsOf = (snapshot: ClusterSnapshot, network: Network): ReadonlyArray<DhcpReservation> =>
  [...snapshot.dhcpReservations.values()].filter((r) => r.vni === network.vni)

export const leasesOf = (snapshot: ClusterSnapshot, network: Network): ReadonlyArray<DhcpLease> =>
  [...snapshot.dhcpLeases.values()].filter((l) => l.vni === network.vni)

export interface ReservationFields {
  readonly ipaddress?: string | undefined
  readonly hostname?: string | undefined
}

export type ReservationError =
  | InvalidMacAddress
  | MissingNetworkValue
  | InvalidNetworkValue
  | NoIpv4Network
  | AddressOutsideNetwork
  | MacAlreadyReserved
  | AddressAlreadyReserved

/** A new static reservation in `network`, checked against the existing ones. */
export const reserve = (
  network: Network,
  existing: ReadonlyArray<DhcpReservation>,
  macText: string,
  fields: ReservationFields
): Result.Result<DhcpReservation, ReservationError> =>
  Result.gen(function*() {
    const mac = yield* parseMac(macText)
    const address = fields.ipaddress
    if (address === undefined) return yield* Result.fail(new MissingNetworkValue({ field: "ipaddress" }))
    const ip = parseIpv4(address)
    if (ip === undefined) {
      return yield* Result.fail(
        new InvalidNetworkValue({ field: "ipaddress", value: address, reason: "not an IPv4 address" })
      )
    }
    const cidr = network.ip4.network === null ? undefined : parseCidr(network.ip4.network, 4)
    if (cidr === undefined || !("network" in cidr)) {
      return yield* Result.fail(new NoIpv4Network({ network: network.description }))
    }
    if (!contains(cidr.network, ip)) {
      return yield* Result.fail(
        new AddressOutsideNetwork({ field: "ipaddress", address, network: network.ip4.network! })
      )
    }
    if (existing.some((r) => r.mac === mac)) {
      return yield* Result.fail(new MacAlreadyReserved({ network: network.description, mac }))
    }
    const holder = existing.find((r) => parseIpv4(r.ipAddress)?.value === ip.value)
    if (holder !== undefined) {
      return yield* Result.fail(
        new AddressAlreadyReserved({ network: network.description, address, mac: holder.mac })
      )
    }
    const hostname = fields.hostname === undefined || fields.hostname === "" ? null : fields.hostname
    return new DhcpReservation({ vni: network.vni, mac, ipAddress: address, hostname })
  })

export const decideAddReservation =
  (networkRef: string, mac: string, fields: ReservationFields) => (snapshot: ClusterSnapshot) =>
    Result.gen(function*() {
      const network = yield* requireNetwork(snapshot, networkRef)
      const reservation = yield* reserve(network, reservationsOf(snapshot, network), mac, fields)
      return {
        changes: [put(reservation)],
        guards: [network],
        outcome: { reservation }
      } satisfies Decision<{ reservation: DhcpReservation }>
    })

export const decideRemoveReservation = (networkRef: string, mac: string) => (snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const network = yield* requireNetwork(snapshot, networkRef)
    const key = EntityKey.dhcpReservation(network.vni, mac.toLowerCase())
    const reservation = snapshot.dhcpReservations.get(key)
    if (reservation === undefined) {
      return yield* Result.fail(new ReservationNotFound({ network: network.description, mac }))
    }
    return { changes: [remove(reservation)], outcome: { reservation } } satisfies Decision<
      { reservation: DhcpReservation }
    >
  })
