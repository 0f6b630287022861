import { Context, type Duration, type Effect, Schema } from "effect"
import type { VmUuid } from "../domain/Ids.ts"
import type { DomainDefinition } from "../domain/VmDetails.ts"

/** The hypervisor has no domain with this UUID. */
export class DomainNotFound extends Schema.TaggedError<DomainNotFound>()("DomainNotFound", {
  uuid: Schema.String
}) {}

/** The hypervisor refused the definition; `reason` is the hypervisor's own text. */
export class DomainRejected extends Schema.TaggedError<DomainRejected>()("DomainRejected", {
  uuid: Schema.String,
  reason: Schema.String
}) {}

/** The operation needs a running domain (shutdown, destroy, migrate). */
export class DomainNotRunning extends Schema.TaggedError<DomainNotRunning>()("DomainNotRunning", {
  uuid: Schema.String
}) {}

/** The operation needs a stopped domain (start, undefine). */
export class DomainRunning extends Schema.TaggedError<DomainRunning>()("DomainRunning", {
  uuid: Schema.String
}) {}

/** A graceful shutdown did not finish within its bound; the domain is still running. */
export class DomainShutdownTimedOut extends Schema.TaggedError<DomainShutdownTimedOut>()("DomainShutdownTimedOut", {
  uuid: Schema.String,
  millis: Schema.Number
}) {}

/** The hypervisor could not be reached or answered with something unusable. */
export class DomainDriverUnavailable extends Schema.TaggedError<DomainDriverUnavailable>()(
  "DomainDriverUnavailable",
  { reason: Schema.String, cause: Schema.Defect() }
) {}

/** What a node's hypervisor does with domains; every domain is addressed by its UUID. */
export interface DomainDriverShape {
  /** Make the domain known (persistent), or update the definition of a known one with the same name. */
  readonly define: (domain: DomainDefinition) => Effect.Effect<void, DomainRejected | DomainDriverUnavailable>
  readonly start: (
    uuid: VmUuid
  ) => Effect.Effect<void, DomainNotFound | DomainRunning | DomainRejected | DomainDriverUnavailable>
  /** Ask the guest to power off and wait until it has, at most `timeout`. */
  readonly shutdown: (
    uuid: VmUuid,
    timeout: Duration.Input
  ) => Effect.Effect<void, DomainNotFound | DomainNotRunning | DomainShutdownTimedOut | DomainDriverUnavailable>
  /** Power off at once. */
  readonly destroy: (
    uuid: VmUuid
  ) => Effect.Effect<void, DomainNotFound | DomainNotRunning | DomainDriverUnavailable>
  readonly undefine: (
    uuid: VmUuid
  ) => Effect.Effect<void, DomainNotFound | DomainRunning | DomainDriverUnavailable>
  /** UUIDs of the running domains, sorted. */
  readonly running: Effect.Effect<ReadonlyArray<VmUuid>, DomainDriverUnavailable>
  /**
   * Move a running domain to another hypervisor: afterwards it is defined and running there,
   * and neither here.
   */
  readonly migrate: (
    uuid: VmUuid,
    to: DomainDriverShape
  ) => Effect.Effect<
    void,
    DomainNotFound | DomainNotRunning | DomainRunning | DomainRejected | DomainDriverUnavailable
  >
}

export class DomainDriver extends Context.Service<DomainDriver, DomainDriverShape>()("pvc/core/DomainDriver") {}
