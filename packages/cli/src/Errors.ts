import { Schema } from "effect"

/** A command the tool refuses before asking the API: exit 2. */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", { message: Schema.String }) {}

/** An info command whose object the API does not have (it answered `[]`): exit 1. */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { message: Schema.String }) {}
