import { Effect } from "effect"
import type { Network } from "../../domain/Network.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { limitFilter } from "../../shared/Limit.ts"
import {
  compareVni,
  decideAddNetwork,
  decideModifyNetwork,
  decideRemoveNetwork,
  findNetwork,
  type NetworkFields
} from "../NetworkRules.ts"

const byVni = (a: Network, b: Network) => compareVni(a.vni, b.vni)

export interface ListNetworksOptions {
  readonly limit?: string | undefined
}

/** All networks by VNI; `limit` matches the description or the VNI. */
export const listNetworks = Effect.fn("Network.list")(function*(options: ListNetworksOptions = {}) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const networks = [...snapshot.networks.values()].sort(byVni)
  if (options.limit === undefined) return networks
  const matches = yield* limitFilter(options.limit)
  return networks.filter((n) => matches(n.description) || matches(n.vni))
})

/** The network with description `ref`, or VNI `ref` when all digits, as a list of zero or one. */
export const getNetwork = Effect.fn("Network.get")(function*(ref: string) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const network = findNetwork(snapshot, ref)
  return network === undefined ? [] : [network]
})

export interface AddNetworkInput extends NetworkFields {
  readonly dhcp4: boolean
}

export const addNetwork = Effect.fn("Network.add")(function*(description: string, input: AddNetworkInput) {
  return yield* decideAndCommit(decideAddNetwork(description, input))
})

/** Changes only the values given, then validates the network as a whole. */
export const modifyNetwork = Effect.fn("Network.modify")(function*(ref: string, changes: NetworkFields) {
  return yield* decideAndCommit(decideModifyNetwork(ref, changes))
})

/** Removes the network with its leases, reservations and ACLs. */
export const removeNetwork = Effect.fn("Network.remove")(function*(ref: string) {
  return yield* decideAndCommit(decideRemoveNetwork(ref))
})
