import { defineVm, modifyVm } from "@pvc/core"
import { Effect } from "effect"
import { flag, message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"

type DefineRequest = {
  readonly query: { readonly xml: string; readonly node?: string | undefined; readonly selector?: string | undefined }
}
type ModifyRequest = {
  readonly params: { readonly vm: string }
  readonly query: { readonly xml: string; readonly flag_restart?: string | undefined }
}

/** The `<vm>` of the path is ignored: name and UUID come from the XML (the manual). */
export const define = Effect.fn("VmHttp.define")(function*({ query }: DefineRequest) {
  const { vm } = yield* onWire(defineVm({ xml: query.xml, node: query.node, selector: query.selector }))
  return message(`Added new VM '${vm.name}' with UUID '${vm.uuid}' on node '${vm.node}'.`)
})

export const modify = Effect.fn("VmHttp.modify")(function*({ params, query }: ModifyRequest) {
  const restart = flag(query.flag_restart)
  const { vm } = yield* onWire(modifyVm(params.vm, { xml: query.xml, restart }))
  return message(`Modified VM '${vm.name}'${vm.state === "restart" ? " and requested its restart" : ""}.`)
})
