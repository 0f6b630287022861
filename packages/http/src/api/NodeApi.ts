import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { NodeJson } from "../views/NodeView.ts"
import { Authentication } from "./Authentication.ts"
import { Message, optional, PvcFailure } from "./Wire.ts"

const Node = NodeJson.annotate({ identifier: "Node" })

const node = { node: Schema.String }
const action = <const Name extends string>(name: Name) =>
  HttpApiEndpoint.post(name, `/api/v1/node/:node/${name}`, { params: node, success: Message, error: PvcFailure })

export class NodeApi extends HttpApiGroup.make("node").add(
  HttpApiEndpoint.get("list", "/api/v1/node", {
    query: { limit: optional },
    success: Schema.Array(Node),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("get", "/api/v1/node/:node", { params: node, success: Schema.Array(Node), error: PvcFailure }),
  action("primary"),
  action("secondary"),
  action("flush"),
  action("unflush"),
  action("ready")
).middleware(Authentication) {}
