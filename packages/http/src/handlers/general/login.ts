import { Clock, Effect } from "effect"
import { HttpServerResponse } from "effect/http"
import { SESSION_COOKIE } from "../../api/Authentication.ts"
import { AuthFailure, message } from "../../api/Wire.ts"
import { AUTH_FAILED } from "../../auth/AuthenticationLive.ts"
import { AuthSettings } from "../../auth/AuthSettings.ts"
import { SESSION_LIFETIME_SECONDS } from "../../auth/Sessions.ts"

export const AUTH_DISABLED = "Authentication is disabled."

const LOGIN_FORM = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>PVC API login</title></head>
<body>
<form method="post" action="/api/v1/auth/login">
<p><label>Token <input type="password" name="token" autocomplete="off" required></label></p>
<p><input type="submit" value="Log in"></p>
</form>
</body></html>
`

export const loginForm = Effect.fn("GeneralHttp.loginForm")(function*() {
  const settings = yield* AuthSettings
  if (!settings.enabled) return message(AUTH_DISABLED)
  return HttpServerResponse.text(LOGIN_FORM, { contentType: "text/html; charset=utf-8" })
})

/** A valid `token` starts a session (signed cookie) and redirects to `/api/v1`. */
export const login = Effect.fn("GeneralHttp.login")(function*({ query }: { readonly query: { readonly token?: string | undefined } }) {
  const settings = yield* AuthSettings
  if (!settings.enabled) return message(AUTH_DISABLED)
  if (!settings.matchToken(query.token ?? "")) return yield* new AuthFailure({ message: AUTH_FAILED })
  const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
  return HttpServerResponse.redirect("/api/v1", { status: 302 }).pipe(
    HttpServerResponse.setCookieUnsafe(SESSION_COOKIE, settings.sessions.create(now), {
      httpOnly: true,
      sameSite: "lax",
      secure: settings.secureCookies,
      path: "/",
      maxAge: `${SESSION_LIFETIME_SECONDS} seconds`
    })
  )
})
