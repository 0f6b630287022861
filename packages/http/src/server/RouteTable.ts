import type { FindMyWay } from "effect/http"
import { HttpApi } from "effect/http-api"
import { OPENAPI_PATH, PvcApi } from "../api/PvcApi.ts"

/**
 * Every name reachable: the router takes path parameters of any length (its default cuts them at
 * 100 characters and answers 404). What bounds a name in a URL is the request head below; names
 * the API creates are at most NAME_MAX_LENGTH characters (core), so even three of them, every
 * character percent-encoded (12 bytes), fit in one request line.
 */
export const ROUTER_CONFIG: Partial<FindMyWay.RouterConfig> = { maxParamLength: Number.MAX_SAFE_INTEGER }

/** Largest request line plus headers the HTTP server reads (node's default is 16 KiB). */
export const MAX_REQUEST_HEAD_BYTES = 64 * 1024

export interface DeclaredRoute {
  readonly method: string
  readonly path: string
  readonly pattern: RegExp
}

const toPattern = (path: string): RegExp =>
  new RegExp(`^${path.split("/").map((s) => s.startsWith(":") ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("/")}$`)

/** Every declared route (from the HttpApi itself), to tell a wrong method (405) from an unknown path (404). */
export const declaredRoutes: ReadonlyArray<DeclaredRoute> = (() => {
  const routes: Array<DeclaredRoute> = [{ method: "GET", path: OPENAPI_PATH, pattern: toPattern(OPENAPI_PATH) }]
  HttpApi.reflect(PvcApi, {
    onGroup: () => {},
    onEndpoint: ({ endpoint }) => {
      routes.push({ method: endpoint.method, path: endpoint.path, pattern: toPattern(endpoint.path) })
    }
  })
  return routes
})()

/** Methods the path is declared with; empty when no route has this path. */
export const allowedMethods = (path: string): ReadonlyArray<string> => [
  ...new Set(declaredRoutes.filter((r) => r.pattern.test(path)).map((r) => r.method))
]
