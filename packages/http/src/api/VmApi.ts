import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "effect/http-api"
import { VmJson } from "../views/VmView.ts"
import { Authentication } from "./Authentication.ts"
import { mandatory, Message, optional, PvcFailure } from "./Wire.ts"

const Vm = VmJson.annotate({ identifier: "Vm" })

const vm = { vm: Schema.String }
const Xml = Schema.String.pipe(HttpApiSchema.asText({ contentType: "application/xml" }))

const action = <const Name extends string>(name: Name) =>
  HttpApiEndpoint.post(name, `/api/v1/vm/:vm/${name}`, { params: vm, success: Message, error: PvcFailure })

const actionWith = <const Name extends string, const Query extends Schema.Struct.Fields>(name: Name, query: Query) =>
  HttpApiEndpoint.post(name, `/api/v1/vm/:vm/${name}`, { params: vm, query, success: Message, error: PvcFailure })

export class VmApi extends HttpApiGroup.make("vm").add(
  HttpApiEndpoint.get("list", "/api/v1/vm", {
    query: { limit: optional, node: optional, state: optional },
    success: Schema.Array(Vm),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("get", "/api/v1/vm/:vm", { params: vm, success: Schema.Array(Vm), error: PvcFailure }),
  HttpApiEndpoint.get("dump", "/api/v1/vm/:vm/dump", { params: vm, success: Xml, error: PvcFailure }),
  actionWith("define", { xml: mandatory, node: optional, selector: optional }),
  actionWith("modify", { xml: mandatory, flag_restart: optional }),
  action("undefine"),
  action("remove"),
  action("start"),
  action("restart"),
  action("shutdown"),
  action("stop"),
  actionWith("move", { node: optional, selector: optional }),
  actionWith("migrate", { node: optional, selector: optional, flag_force: optional }),
  action("unmigrate")
).middleware(Authentication) {}
