import { Effect } from "effect"
import type { DhcpLease, DhcpReservation } from "../../domain/Network.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { limitFilter } from "../../shared/Limit.ts"
import {
  decideAddReservation,
  decideRemoveReservation,
  leasesOf,
  type ReservationFields,
  reservationsOf
} from "../DhcpRules.ts"
import { requireNetwork } from "../NetworkRules.ts"

export type Lease = DhcpLease | DhcpReservation

/** By MAC; a dynamic lease before a reservation of the same MAC. */
const byMac = (a: Lease, b: Lease) =>
  a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : a._tag === b._tag ? 0 : a._tag === "DhcpLease" ? -1 : 1

const leases = Effect.fnUntraced(function*(networkRef: string, onlyStatic: boolean) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const network = yield* Effect.fromResult(requireNetwork(snapshot, networkRef))
  const dynamic: ReadonlyArray<Lease> = onlyStatic ? [] : leasesOf(snapshot, network)
  return [...dynamic, ...reservationsOf(snapshot, network)].sort(byMac)
})

export interface ListLeasesOptions {
  readonly limit?: string | undefined
  /** `flag_static`: reservations only. */
  readonly static: boolean
}

/** Dynamic leases and static reservations of a network, by MAC; `limit` matches the MAC. */
export const listLeases = Effect.fn("Network.listLeases")(function*(
  networkRef: string,
  options: ListLeasesOptions = { static: false }
) {
  const all = yield* leases(networkRef, options.static)
  if (options.limit === undefined) return all
  const matches = yield* limitFilter(options.limit)
  return all.filter((lease) => matches(lease.mac))
})

/** The lease and/or reservation of exactly `mac` (case-insensitive). */
export const getLease = Effect.fn("Network.getLease")(function*(networkRef: string, mac: string) {
  const all = yield* leases(networkRef, false)
  return all.filter((lease) => lease.mac === mac.toLowerCase())
})

export const addReservation = Effect.fn("Network.addReservation")(function*(
  networkRef: string,
  mac: string,
  fields: ReservationFields
) {
  return yield* decideAndCommit(decideAddReservation(networkRef, mac, fields))
})

export const removeReservation = Effect.fn("Network.removeReservation")(function*(networkRef: string, mac: string) {
  return yield* decideAndCommit(decideRemoveReservation(networkRef, mac))
})
