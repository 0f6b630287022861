import { flushNode, unflushNode } from "@pvc/core"
import { Effect } from "effect"
import { message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"

type NodeRequest = { readonly params: { readonly node: string } }

export const flush = Effect.fn("NodeHttp.flush")(function*({ params }: NodeRequest) {
  yield* onWire(flushNode(params.node))
  return message(`Flushing hypervisor '${params.node}' of running VMs.`)
})

/** `unflush` and its alias `ready`. */
export const unflush = Effect.fn("NodeHttp.unflush")(function*({ params }: NodeRequest) {
  yield* onWire(unflushNode(params.node))
  return message(`Restoring hypervisor '${params.node}' to active service.`)
})
