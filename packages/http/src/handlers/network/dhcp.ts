import { addReservation, getLease, listLeases, removeReservation } from "@pvc/core"
import { Effect } from "effect"
import { flag, message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"
import { leaseJson } from "../../views/NetworkView.ts"

type LeaseRequest = { readonly params: { readonly network: string; readonly lease: string } }
type LeasesQuery = { readonly limit?: string | undefined; readonly flag_static?: string | undefined }

export const leases = Effect.fn("NetworkHttp.leases")(function*(
  { params, query }: { readonly params: { readonly network: string }; readonly query: LeasesQuery }
) {
  const found = yield* onWire(listLeases(params.network, { limit: query.limit, static: flag(query.flag_static) }))
  return found.map(leaseJson)
})

export const lease = Effect.fn("NetworkHttp.lease")(function*({ params }: LeaseRequest) {
  return (yield* onWire(getLease(params.network, params.lease))).map(leaseJson)
})

export const leaseAdd = Effect.fn("NetworkHttp.leaseAdd")(function*(
  { params, query }: LeaseRequest & {
    readonly query: { readonly ipaddress?: string | undefined; readonly hostname?: string | undefined }
  }
) {
  const { reservation } = yield* onWire(
    addReservation(params.network, params.lease, { ipaddress: query.ipaddress, hostname: query.hostname })
  )
  return message(
    `Added static DHCP lease for MAC '${reservation.mac}' with address '${reservation.ipAddress}' in network '${params.network}'.`
  )
})

export const leaseRemove = Effect.fn("NetworkHttp.leaseRemove")(function*({ params }: LeaseRequest) {
  const { reservation } = yield* onWire(removeReservation(params.network, params.lease))
  return message(`Removed static DHCP lease for MAC '${reservation.mac}' from network '${params.network}'.`)
})
