import { HttpApiMiddleware, HttpApiSecurity } from "effect/http-api"
import { AuthFailure } from "./Wire.ts"

/** Name of the signed session cookie set by `POST /api/v1/auth/login`. */
export const SESSION_COOKIE = "pvc_session"

export const sessionSecurity = HttpApiSecurity.apiKey({ key: SESSION_COOKIE, in: "cookie" })
/** One-time `token` value (query string or form body; the form is merged before routing). */
export const tokenSecurity = HttpApiSecurity.apiKey({ key: "token", in: "query" })

/** A valid session is tried first; the `token` value only when there is none (the manual). */
export class Authentication extends HttpApiMiddleware.Service<Authentication>()("pvc/http/Authentication", {
  error: AuthFailure,
  security: { session: sessionSecurity, token: tokenSecurity }
}) {}
