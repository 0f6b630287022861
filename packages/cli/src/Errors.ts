import { Schema } from "effect"

/** A command the tool refuses before asking the API: exit 2. */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", { message: Schema.String }) {}
