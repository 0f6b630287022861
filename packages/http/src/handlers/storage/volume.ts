import { addVolume, getVolume, humanSize, listVolumes, removeVolume } from "@pvc/core"
import { Effect } from "effect"
import { message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"
import { volumeJson } from "../../views/StorageView.ts"

type VolumeRequest = { readonly params: { readonly pool: string; readonly volume: string } }

export const volumes = Effect.fn("StorageHttp.volumes")(function*(
  { query }: { readonly query: { readonly pool?: string | undefined; readonly limit?: string | undefined } }
) {
  const found = yield* onWire(listVolumes({ pool: query.pool, limit: query.limit }))
  return found.map((v) => volumeJson(v, humanSize))
})

export const volume = Effect.fn("StorageHttp.volume")(function*({ params }: VolumeRequest) {
  return (yield* onWire(getVolume(params.pool, params.volume))).map((v) => volumeJson(v, humanSize))
})

export const volumeAdd = Effect.fn("StorageHttp.volumeAdd")(function*(
  { params, query }: VolumeRequest & { readonly query: { readonly size?: string | undefined } }
) {
  yield* onWire(addVolume(params.pool, params.volume, { size: query.size }))
  return message(`Created new RBD volume '${params.volume}' of size '${query.size}' on pool '${params.pool}'.`)
})

export const volumeRemove = Effect.fn("StorageHttp.volumeRemove")(function*({ params }: VolumeRequest) {
  yield* onWire(removeVolume(params.pool, params.volume))
  return message(`Removed RBD volume '${params.volume}' in pool '${params.pool}'.`)
})
