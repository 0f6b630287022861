import { dumpVm, getVm, listVms } from "@pvc/core"
import { Effect } from "effect"
import { HttpServerResponse } from "effect/http"
import { onWire } from "../../errors/toWire.ts"
import { renderVmsResponse } from "../../views/VmView.ts"

type VmRequest = { readonly params: { readonly vm: string } }
type ListRequest = {
  readonly query: { readonly limit?: string | undefined; readonly node?: string | undefined; readonly state?: string | undefined }
}

export const list = Effect.fn("VmHttp.list")(function*({ query }: ListRequest) {
  const vms = yield* onWire(listVms({ limit: query.limit, node: query.node, state: query.state }))
  return yield* renderVmsResponse(vms)
})

export const get = Effect.fn("VmHttp.get")(function*({ params }: VmRequest) {
  return yield* renderVmsResponse(yield* onWire(getVm(params.vm)))
})

/** The stored XML as it is, `application/xml` (the manual's one non-JSON answer). */
export const dump = Effect.fn("VmHttp.dump")(function*({ params }: VmRequest) {
  const xml = yield* onWire(dumpVm(params.vm))
  return HttpServerResponse.text(xml, { contentType: "application/xml" })
})
