import { listNodes } from "@pvc/core"
import { Effect } from "effect"
import { onWire } from "../../errors/toWire.ts"
import { renderNodesResponse } from "../../views/NodeView.ts"

export const list = Effect.fn("NodeHttp.list")(function*({ query }: { readonly query: { readonly limit?: string | undefined } }) {
  const nodes = yield* onWire(listNodes({ limit: query.limit }))
  return renderNodesResponse(nodes)
})
