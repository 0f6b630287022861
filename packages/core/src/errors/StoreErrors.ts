import { Schema } from "effect"

/** The cluster store cannot be reached or answered with something unusable. */
export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  reason: Schema.String,
  cause: Schema.Defect()
}) {}

/** A commit was refused because an entity it relied on changed after the snapshot was taken. */
export class StaleSnapshot extends Schema.TaggedError<StaleSnapshot>()("StaleSnapshot", {
  entity: Schema.String
}) {}

/** A decision kept conflicting with concurrent writers and was given up. */
export class ConflictRetriesExhausted extends Schema.TaggedError<ConflictRetriesExhausted>()(
  "ConflictRetriesExhausted",
  { attempts: Schema.Int }
) {}

/** A wait on the cluster (e.g. for a VM to stop) did not end within its bound. */
export class WaitTimedOut extends Schema.TaggedError<WaitTimedOut>()("WaitTimedOut", {
  what: Schema.String,
  seconds: Schema.Number
}) {}
