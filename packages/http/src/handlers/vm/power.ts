import { restartVm, shutdownVm, startVm, stopVm, type Vm } from "@pvc/core"
import { Effect } from "effect"
import { message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"

type VmRequest = { readonly params: { readonly vm: string } }

const stateSet = (vm: Vm) => message(`Set VM '${vm.name}' to state '${vm.state}'.`)

export const start = Effect.fn("VmHttp.start")(function*({ params }: VmRequest) {
  return stateSet((yield* onWire(startVm(params.vm))).vm)
})

export const restart = Effect.fn("VmHttp.restart")(function*({ params }: VmRequest) {
  return stateSet((yield* onWire(restartVm(params.vm))).vm)
})

export const shutdown = Effect.fn("VmHttp.shutdown")(function*({ params }: VmRequest) {
  return stateSet((yield* onWire(shutdownVm(params.vm))).vm)
})

export const stop = Effect.fn("VmHttp.stop")(function*({ params }: VmRequest) {
  return stateSet((yield* onWire(stopVm(params.vm))).vm)
})
