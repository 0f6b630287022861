import { setPrimaryNode, setSecondaryNode } from "@pvc/core"
import { Effect } from "effect"
import { message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"

type NodeRequest = { readonly params: { readonly node: string } }

export const primary = Effect.fn("NodeHttp.primary")(function*({ params }: NodeRequest) {
  yield* onWire(setPrimaryNode(params.node))
  return message(`Set node '${params.node}' in primary router mode.`)
})

export const secondary = Effect.fn("NodeHttp.secondary")(function*({ params }: NodeRequest) {
  yield* onWire(setSecondaryNode(params.node))
  return message(`Set node '${params.node}' in secondary router mode.`)
})
