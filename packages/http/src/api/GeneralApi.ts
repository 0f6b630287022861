import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { AuthFailure, Message, optional } from "./Wire.ts"

const Html = Schema.String.pipe(HttpApiSchema.asText({ contentType: "text/html" }))

/** Open endpoints: no authentication (decisions.md). */
export class GeneralApi extends HttpApiGroup.make("general").add(
  HttpApiEndpoint.get("root", "/api/v1", {
    success: Message.pipe(HttpApiSchema.status(209))
  }).annotate(OpenApi.Description, "API description; answers 209."),
  HttpApiEndpoint.get("loginForm", "/api/v1/auth/login", {
    success: [Html, Message]
  }).annotate(OpenApi.Description, "HTML login form (or a message when authentication is disabled)."),
  HttpApiEndpoint.post("login", "/api/v1/auth/login", {
    query: { token: optional },
    success: [Message, HttpApiSchema.Empty(302)],
    error: AuthFailure
  }).annotate(OpenApi.Description, "Start a session (signed cookie) and redirect to /api/v1."),
  HttpApiEndpoint.get("storage", "/api/v1/storage", { success: Message })
    .annotate(OpenApi.Description, "Root of the storage section: a message, without authentication, as the original answers."),
  HttpApiEndpoint.get("logoutGet", "/api/v1/auth/logout", { success: Message }),
  HttpApiEndpoint.post("logout", "/api/v1/auth/logout", { success: Message })
) {}
