import { Clock, Effect, Layer, Redacted } from "effect"
import { HttpServerRequest } from "effect/http"
import { Authentication } from "../api/Authentication.ts"
import { AuthFailure } from "../api/Wire.ts"
import { AuthSettings } from "./AuthSettings.ts"

export const AUTH_REQUIRED = "Authentication required"
export const AUTH_FAILED = "Authentication failed"

const nowSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

/** Session first; the one-time `token` only without a valid session (the manual). */
export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.gen(function*() {
    const settings = yield* AuthSettings
    return Authentication.of({
      session: (handler, { credential }) =>
        Effect.gen(function*() {
          if (!settings.enabled) return yield* handler
          if (settings.sessions.verify(Redacted.value(credential), yield* nowSeconds)) return yield* handler
          return yield* new AuthFailure({ message: AUTH_REQUIRED })
        }),
      token: (handler, { credential }) =>
        Effect.gen(function*() {
          if (!settings.enabled) return yield* handler
          if (settings.matchToken(Redacted.value(credential))) return yield* handler
          const params = yield* HttpServerRequest.ParsedSearchParams
          return yield* new AuthFailure({ message: params["token"] === undefined ? AUTH_REQUIRED : AUTH_FAILED })
        })
    })
  })
)
