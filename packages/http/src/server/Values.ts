import { Effect } from "effect"
import { HttpServerRequest } from "effect/http"

const FORM = "application/x-www-form-urlencoded"

/**
 * Values come from the query string or a urlencoded form body, in GET and POST alike; the form
 * wins, and within one source the first occurrence counts (decisions.md). Merging them into the
 * request URL lets the declared `query` schemas see one set of single-valued strings.
 */
export const mergeValues = Effect.fnUntraced(function*(request: HttpServerRequest.HttpServerRequest) {
  const queryAt = request.url.indexOf("?")
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt)
  const merged = new Map<string, string>()
  const add = (entries: Iterable<readonly [string, string]>, override: boolean) => {
    const seen = new Set<string>()
    for (const [key, value] of entries) {
      if (seen.has(key)) continue
      seen.add(key)
      if (override || !merged.has(key)) merged.set(key, value)
    }
  }
  if (queryAt !== -1) add(new URLSearchParams(request.url.slice(queryAt + 1)), false)
  const contentType = request.headers["content-type"] ?? ""
  if (contentType.toLowerCase().startsWith(FORM)) add(new URLSearchParams(yield* request.text), true)
  if (merged.size === 0) return { path, request: request.modify({ url: path }) }
  const search = new URLSearchParams([...merged]).toString()
  return { path, request: request.modify({ url: `${path}?${search}` }) }
})
