import { Schema } from "effect"

/** The base URL answers, but not with this API's route (404) or method (405): a wrong URL or version drift. */
export class NoSuchEndpoint extends Schema.TaggedError<NoSuchEndpoint>()("NoSuchEndpoint", {
  status: Schema.Number,
  message: Schema.String
}) {}

/** Nothing answered at the base URL (refused, DNS, TLS, timeout). */
export class Unreachable extends Schema.TaggedError<Unreachable>()("Unreachable", {
  url: Schema.String,
  message: Schema.String
}) {}

/** An answer this client cannot read (an undeclared status or a body that does not match the declarations). */
export class UnexpectedAnswer extends Schema.TaggedError<UnexpectedAnswer>()("UnexpectedAnswer", {
  status: Schema.optional(Schema.Number),
  message: Schema.String
}) {}

/** Failures of the client itself, next to the API's declared ones (`PvcFailure` 510, `AuthFailure` 401). */
export type ClientError = NoSuchEndpoint | Unreachable | UnexpectedAnswer
