import { Schema } from "effect"

export class NodeNotFound extends Schema.TaggedError<NodeNotFound>()("NodeNotFound", {
  node: Schema.String
}) {}

/** A target node must be in daemon state `run` and domain state `ready`. */
export class NodeNotReady extends Schema.TaggedError<NodeNotReady>()("NodeNotReady", {
  node: Schema.String,
  daemonState: Schema.String,
  domainState: Schema.String
}) {}

/** Router changes are for coordinators only. */
export class NotCoordinator extends Schema.TaggedError<NotCoordinator>()("NotCoordinator", {
  node: Schema.String
}) {}

/** Router changes need the coordinator's daemon in state `run`. */
export class NodeNotRunning extends Schema.TaggedError<NodeNotRunning>()("NodeNotRunning", {
  node: Schema.String,
  daemonState: Schema.String
}) {}

export class AlreadyPrimary extends Schema.TaggedError<AlreadyPrimary>()("AlreadyPrimary", {
  node: Schema.String
}) {}

export class NotPrimary extends Schema.TaggedError<NotPrimary>()("NotPrimary", {
  node: Schema.String
}) {}

export class InvalidSelector extends Schema.TaggedError<InvalidSelector>()("InvalidSelector", {
  selector: Schema.String
}) {}

/** No node other than the VM's current one is in state `run`/`ready`. */
export class NoEligibleNode extends Schema.TaggedError<NoEligibleNode>()("NoEligibleNode", {
  selector: Schema.String
}) {}

/** The explicit target is the node the VM is already assigned to. */
export class AlreadyOnNode extends Schema.TaggedError<AlreadyOnNode>()("AlreadyOnNode", {
  vm: Schema.String,
  node: Schema.String
}) {}
