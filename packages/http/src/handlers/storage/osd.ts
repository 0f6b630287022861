import { addOsd, getOsd, listOsds, osdIn, osdOut, removeOsd, setOsdOption, unsetOsdOption } from "@pvc/core"
import { Effect } from "effect"
import { flag, message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"
import { osdJson } from "../../views/StorageView.ts"

type OsdRequest = { readonly params: { readonly osd: string } }
type OptionRequest = { readonly query: { readonly option?: string | undefined } }

export const osds = Effect.fn("StorageHttp.osds")(function*({ query }: { readonly query: { readonly limit?: string | undefined } }) {
  return (yield* onWire(listOsds({ limit: query.limit }))).map(osdJson)
})

export const osd = Effect.fn("StorageHttp.osd")(function*({ params }: OsdRequest) {
  return (yield* onWire(getOsd(params.osd))).map(osdJson)
})

// Success texts are the original API's (zk-layout §5.1).
export const osdSet = Effect.fn("StorageHttp.osdSet")(function*({ query }: OptionRequest) {
  const { option } = yield* onWire(setOsdOption(query.option))
  return message(`Set OSD property ${option} on the cluster.`)
})

export const osdUnset = Effect.fn("StorageHttp.osdUnset")(function*({ query }: OptionRequest) {
  const { option } = yield* onWire(unsetOsdOption(query.option))
  return message(`Unset OSD property ${option} on the cluster.`)
})

export const osdAdd = Effect.fn("StorageHttp.osdAdd")(function*(
  { params, query }: {
    readonly params: { readonly node: string }
    readonly query: { readonly device?: string | undefined; readonly weight?: string | undefined }
  }
) {
  const { node, device } = yield* onWire(addOsd(params.node, { device: query.device, weight: query.weight }))
  return message(`Created new OSD with block device '${device}' on node '${node}'.`)
})

export const osdRemove = Effect.fn("StorageHttp.osdRemove")(function*(
  { params, query }: OsdRequest & { readonly query: { readonly flag_yes_i_really_mean_it?: string | undefined } }
) {
  const { id } = yield* onWire(removeOsd(params.osd, { confirmed: flag(query.flag_yes_i_really_mean_it) }))
  return message(`Removed OSD '${id}' from the cluster.`)
})

export const osdSetIn = Effect.fn("StorageHttp.osdIn")(function*({ params }: OsdRequest) {
  const { id } = yield* onWire(osdIn(params.osd))
  return message(`Set OSD ${id} online in the cluster.`)
})

export const osdSetOut = Effect.fn("StorageHttp.osdOut")(function*({ params }: OsdRequest) {
  const { id } = yield* onWire(osdOut(params.osd))
  return message(`Set OSD ${id} offline in the cluster.`)
})
