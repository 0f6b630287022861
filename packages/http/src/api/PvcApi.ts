import { HttpApi, OpenApi } from "effect/http-api"
import { precise } from "./Document.ts"
import { GeneralApi } from "./GeneralApi.ts"
import { NetworkApi } from "./NetworkApi.ts"
import { NodeApi } from "./NodeApi.ts"
import { StorageApi } from "./StorageApi.ts"
import { VmApi } from "./VmApi.ts"

/** The whole contract; the OpenAPI document at `/api/v1/openapi.json` is derived from it. */
export class PvcApi extends HttpApi.make("pvc-api")
  .add(GeneralApi)
  .add(NodeApi)
  .add(VmApi)
  .add(NetworkApi)
  .add(StorageApi)
  .annotateMerge(OpenApi.annotations({
    title: "PVC API",
    version: "1.0",
    description: "Parallel Virtual Cluster HTTP API (api-manual.md). Values may come from the query " +
      "string or an application/x-www-form-urlencoded body; failures answer 510 with {message}.",
    servers: [{ url: "http://127.0.0.1:7370", description: "The embedded default (scripts/start.sh)" }],
    transform: precise
  }))
  // Report every missing mandatory value at once, not only the first.
  .annotate(HttpApi.QueryParseOptions, { errors: "all" })
{}

export const OPENAPI_PATH = "/api/v1/openapi.json"
