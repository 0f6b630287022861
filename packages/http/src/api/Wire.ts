import { Schema } from "effect"

/** The manual's failure body: exactly `{"message": ...}` with HTTP 510 (no `_tag` on the wire). */
export class PvcFailure extends Schema.Error<PvcFailure>("PvcFailure")(
  { message: Schema.String },
  { httpApiStatus: 510 }
) {}

/** 401 `Authentication required` / `Authentication failed` (decisions.md). */
export class AuthFailure extends Schema.Error<AuthFailure>("AuthFailure")(
  { message: Schema.String },
  { httpApiStatus: 401 }
) {}

export const Message = Schema.Struct({ message: Schema.String }).annotate({ identifier: "Message" })
export type Message = typeof Message.Type

export const message = (text: string): Message => ({ message: text })

/** An optional value or `flag_` from the query string or the form body (merged before routing). */
export const optional = Schema.optional(Schema.String)

/** A mandatory value; its absence is answered 510 `Missing value '<name>'.` by the pipeline. */
export const mandatory = Schema.String

/** `flag_*` values count by presence, whatever their value (decisions.md). */
export const flag = (value: string | undefined): boolean => value !== undefined
