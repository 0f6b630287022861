import { ByteSize, Cause, Clock, Effect, SchemaIssue } from "effect"
import { HttpIncomingMessage, HttpServerError, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiError } from "effect/http-api"
import { missingValue } from "../errors/toWire.ts"
import { allowedMethods } from "./RouteTable.ts"
import { mergeValues } from "./Values.ts"

// The largest value the manual carries is a domain XML; 16 MiB leaves ample room.
const MAX_BODY_MIB = 16
const MAX_BODY = ByteSize.mebibytes(MAX_BODY_MIB)

const json = (status: number, message: string, headers: Record<string, string> = {}) =>
  HttpServerResponse.jsonUnsafe({ message }, { status, headers })

const missingKeys = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey> = []): Array<string> => {
  switch (issue._tag) {
    case "Pointer":
      return missingKeys(issue.issue, [...path, ...issue.path])
    case "Composite":
      return issue.issues.flatMap((i) => missingKeys(i, path))
    case "MissingKey":
      return [path.map(String).join(".")]
    default:
      return []
  }
}

/** Request values the declared schemas refuse: 510 with a message, never the default empty 400. */
const schemaFailure = (error: HttpApiError.HttpApiSchemaError) => {
  const missing = missingKeys(error.cause.issue)
  return json(510, missing.length > 0 ? missing.map(missingValue).join(" ") : `Invalid request values: ${error.cause.message}`)
}

const routeFailure = (method: string, path: string) => {
  const allowed = allowedMethods(path)
  return allowed.length === 0 || allowed.includes(method)
    ? json(404, `No such endpoint: ${path}.`)
    : json(405, `Method ${method} is not allowed on ${path}; use ${allowed.join(", ")}.`, { allow: allowed.join(", ") })
}

// Decoding failures reach us as defects once they have passed the authentication middleware.
const firstFailure = (cause: Cause.Cause<unknown>): unknown => {
  for (const reason of cause.reasons) {
    if (reason._tag === "Fail") return reason.error
    if (reason._tag === "Die") return reason.defect
  }
  return undefined
}

const failureResponse = (cause: Cause.Cause<unknown>, method: string, path: string) =>
  Effect.gen(function*() {
    const error = firstFailure(cause)
    if (HttpApiError.HttpApiSchemaError.is(error)) return schemaFailure(error)
    if (HttpServerError.isHttpServerError(error) && error.reason._tag === "RouteNotFound") {
      return routeFailure(method, path)
    }
    if (HttpServerError.isHttpServerError(error) && error.reason._tag === "RequestParseError") {
      return json(510, `The request body could not be read (at most ${MAX_BODY_MIB} MiB).`)
    }
    if (Cause.hasInterruptsOnly(cause)) {
      // The client went away or the server is stopping: nothing failed, and nobody reads the answer.
      yield* Effect.logDebug("request interrupted", cause)
      return json(503, "The request was interrupted.")
    }
    yield* Effect.logError("request failed unexpectedly", cause)
    const [response] = yield* HttpServerError.causeResponse(cause)
    return response.status >= 500 ? json(500, "Internal error.") : response
  })

/**
 * Around the router: merge query and form values, turn routing and decoding failures into the
 * wire's JSON answers (404/405/510), and log one line per request (no values: tokens travel there).
 */
export const pipeline = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest>
) =>
  Effect.gen(function*() {
    const started = yield* Clock.currentTimeMillis
    const original = yield* HttpServerRequest.HttpServerRequest
    const path = original.url.split("?")[0] ?? original.url
    const response = yield* mergeValues(original).pipe(
      Effect.provideService(HttpIncomingMessage.MaxBodySize, MAX_BODY),
      Effect.flatMap((merged) => Effect.provideService(app, HttpServerRequest.HttpServerRequest, merged.request)),
      Effect.catchCause((cause) => failureResponse(cause, original.method, path))
    )
    const duration = (yield* Clock.currentTimeMillis) - started
    yield* Effect.logInfo("request").pipe(Effect.annotateLogs({
      method: original.method,
      path,
      status: response.status,
      duration_ms: duration
    }))
    return response
  })
