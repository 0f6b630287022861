import { addNetwork, getNetwork, listNetworks, modifyNetwork, type NetworkFields, removeNetwork } from "@pvc/core"
import { Effect } from "effect"
import { flag, message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"
import { networkJson } from "../../views/NetworkView.ts"

type NetworkRequest = { readonly params: { readonly network: string } }
type SettingsQuery = {
  readonly vni?: string | undefined
  readonly nettype?: string | undefined
  readonly domain?: string | undefined
  readonly ip4_network?: string | undefined
  readonly ip4_gateway?: string | undefined
  readonly ip6_network?: string | undefined
  readonly ip6_gateway?: string | undefined
  readonly flag_dhcp4?: string | undefined
  readonly dhcp4_start?: string | undefined
  readonly dhcp4_end?: string | undefined
}

const fields = (query: SettingsQuery): NetworkFields => ({
  vni: query.vni,
  nettype: query.nettype,
  domain: query.domain,
  ip4_network: query.ip4_network,
  ip4_gateway: query.ip4_gateway,
  ip6_network: query.ip6_network,
  ip6_gateway: query.ip6_gateway,
  dhcp4_start: query.dhcp4_start,
  dhcp4_end: query.dhcp4_end
})

export const list = Effect.fn("NetworkHttp.list")(function*({ query }: { readonly query: { readonly limit?: string | undefined } }) {
  return (yield* onWire(listNetworks({ limit: query.limit }))).map(networkJson)
})

export const get = Effect.fn("NetworkHttp.get")(function*({ params }: NetworkRequest) {
  return (yield* onWire(getNetwork(params.network))).map(networkJson)
})

export const add = Effect.fn("NetworkHttp.add")(function*({ params, query }: NetworkRequest & { readonly query: SettingsQuery }) {
  const { network } = yield* onWire(addNetwork(params.network, { ...fields(query), dhcp4: flag(query.flag_dhcp4) }))
  return message(`Added new network '${network.description}' with VNI ${network.vni}.`)
})

/** Only the values given change; `flag_dhcp4` given turns DHCPv4 on (absent leaves it as it is). */
export const modify = Effect.fn("NetworkHttp.modify")(function*({ params, query }: NetworkRequest & { readonly query: SettingsQuery }) {
  const changes = flag(query.flag_dhcp4) ? { ...fields(query), dhcp4: true } : fields(query)
  const { network } = yield* onWire(modifyNetwork(params.network, changes))
  return message(`Modified network '${network.description}' (VNI ${network.vni}).`)
})

export const remove = Effect.fn("NetworkHttp.remove")(function*({ params }: NetworkRequest) {
  const { network } = yield* onWire(removeNetwork(params.network))
  return message(`Removed network '${network.description}' (VNI ${network.vni}).`)
})
