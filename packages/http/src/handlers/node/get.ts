import { getNode } from "@pvc/core"
import { Effect } from "effect"
import { onWire } from "../../errors/toWire.ts"
import { renderNodesResponse } from "../../views/NodeView.ts"

export const get = Effect.fn("NodeHttp.get")(function*({ params }: { readonly params: { readonly node: string } }) {
  const nodes = yield* onWire(getNode(params.node))
  return renderNodesResponse(nodes)
})
