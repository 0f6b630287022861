import { OpenApi } from "effect/http-api"
import { PvcApi } from "./api/PvcApi.ts"

// `node packages/http/src/openapi.ts > openapi.json`: the same document the server serves.
process.stdout.write(`${JSON.stringify(OpenApi.fromApi(PvcApi), null, 2)}\n`)
