import { Context, Layer } from "effect"
import type { ApiConfig } from "../config/ApiConfig.ts"
import { makeSessions, type Sessions } from "./Sessions.ts"
import { makeTokenMatcher } from "./Tokens.ts"

/** What the authentication middleware and the login routes need from the configuration. */
export class AuthSettings extends Context.Service<AuthSettings, {
  readonly enabled: boolean
  readonly matchToken: (candidate: string) => boolean
  readonly sessions: Sessions
  /** Cookies get `Secure` when the API serves HTTPS. */
  readonly secureCookies: boolean
}>()("pvc/http/AuthSettings") {}

export const layerAuthSettings = (config: ApiConfig): Layer.Layer<AuthSettings> =>
  Layer.succeed(AuthSettings)({
    enabled: config.auth.enabled,
    matchToken: makeTokenMatcher(config.auth.tokens),
    sessions: makeSessions(config.auth.secretKey),
    secureCookies: config.ssl.enabled
  })
