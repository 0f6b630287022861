import { removeVm, undefineVm } from "@pvc/core"
import { Effect } from "effect"
import { message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"

type VmRequest = { readonly params: { readonly vm: string } }

export const undefine = Effect.fn("VmHttp.undefine")(function*({ params }: VmRequest) {
  const { vm } = yield* onWire(undefineVm(params.vm))
  return message(`Undefined VM '${vm.name}' from the cluster.`)
})

/** Volume failures do not undo the removal; they are reported in the message. */
export const remove = Effect.fn("VmHttp.remove")(function*({ params }: VmRequest) {
  const { vm, volumeFailures } = yield* onWire(removeVm(params.vm))
  const failed = volumeFailures.map((f) => `'${f.disk}' (${f.reason})`).join(", ")
  return message(
    volumeFailures.length === 0
      ? `Removed VM '${vm.name}' and its disks from the cluster.`
      : `Removed VM '${vm.name}' from the cluster; failed to remove disks ${failed}.`
  )
})
