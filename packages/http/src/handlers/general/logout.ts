import { Clock, Effect } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { SESSION_COOKIE } from "../../api/Authentication.ts"
import { AuthSettings } from "../../auth/AuthSettings.ts"
import { AUTH_DISABLED } from "./login.ts"

/** Ends the current session, if any, and clears its cookie (GET and POST alike). */
export const logout = Effect.fn("GeneralHttp.logout")(function*() {
  const settings = yield* AuthSettings
  if (!settings.enabled) return { message: AUTH_DISABLED }
  const request = yield* HttpServerRequest.HttpServerRequest
  const cookie = request.cookies[SESSION_COOKIE]
  if (cookie !== undefined) settings.sessions.revoke(cookie, Math.floor((yield* Clock.currentTimeMillis) / 1000))
  const body = yield* HttpServerResponse.json({ message: "Logged out." }).pipe(Effect.orDie)
  return HttpServerResponse.expireCookieUnsafe(body, SESSION_COOKIE, { path: "/" })
})
