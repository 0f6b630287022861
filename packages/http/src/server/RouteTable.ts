import { HttpApi } from "effect/http-api"
import { OPENAPI_PATH, PvcApi } from "../api/PvcApi.ts"

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
