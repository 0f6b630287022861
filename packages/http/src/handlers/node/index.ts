import { HttpApiBuilder } from "effect/http-api"
import { PvcApi } from "../../api/PvcApi.ts"
import { flush, unflush } from "./flush.ts"
import { get } from "./get.ts"
import { list } from "./list.ts"
import { primary, secondary } from "./router.ts"

export const NodeHandlers = HttpApiBuilder.group(PvcApi, "node", (handlers) =>
  handlers.handleAll({ list, get, primary, secondary, flush, unflush, ready: unflush }))
