import { migrateVm, moveVm, unmigrateVm } from "@pvc/core"
import { Effect } from "effect"
import { flag, message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"

type VmRequest = { readonly params: { readonly vm: string } }
type PlacementQuery = { readonly node?: string | undefined; readonly selector?: string | undefined }

export const move = Effect.fn("VmHttp.move")(function*({ params, query }: VmRequest & { readonly query: PlacementQuery }) {
  const { vm, target } = yield* onWire(moveVm(params.vm, { node: query.node, selector: query.selector }))
  return message(`Permanently moving VM '${vm.name}' to node '${target}'.`)
})

export const migrate = Effect.fn("VmHttp.migrate")(function*(
  { params, query }: VmRequest & { readonly query: PlacementQuery & { readonly flag_force?: string | undefined } }
) {
  const options = { node: query.node, selector: query.selector, force: flag(query.flag_force) }
  const { vm, target } = yield* onWire(migrateVm(params.vm, options))
  return message(`Migrating VM '${vm.name}' to node '${target}'.`)
})

export const unmigrate = Effect.fn("VmHttp.unmigrate")(function*({ params }: VmRequest) {
  const { vm, target } = yield* onWire(unmigrateVm(params.vm))
  return message(`Unmigrating VM '${vm.name}' back to node '${target}'.`)
})
