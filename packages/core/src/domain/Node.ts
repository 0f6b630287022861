import { Schema } from "effect"
import { NodeName, orStored, VmUuid } from "./Ids.ts"

/** `daemonmode` (zk-layout §2). */
export const DaemonMode = Schema.Literals(["coordinator", "hypervisor"])
export type DaemonMode = typeof DaemonMode.Type

/** `daemonstate`: init → run → shutdown → stop; `dead` when fenced (zk-layout §2). */
export const DaemonState = Schema.Literals(["init", "run", "shutdown", "stop", "dead"])
export type DaemonState = typeof DaemonState.Type

/** `routerstate`: coordinators are primary/secondary, hypervisors client. */
export const RouterState = Schema.Literals(["primary", "secondary", "client"])
export type RouterState = typeof RouterState.Type

/** `domainstate`: `flush`/`unflush` are requests, `flushed`/`ready` their outcomes. */
export const DomainState = Schema.Literals(["flushed", "flush", "unflush", "ready"])
export type DomainState = typeof DomainState.Type

/** Resource figures as the node's keepalive writes them. Memory is in MiB. */
export class NodeResources extends Schema.Class<NodeResources>("pvc/core/NodeResources")({
  memTotal: Schema.Int,
  memUsed: Schema.Int,
  memFree: Schema.Int,
  memAllocated: Schema.Int,
  /** Stored as decimal text (`vcpualloc`); JSON keeps it a string. */
  vcpuAllocated: Schema.String,
  /** `os.getloadavg()[0]` as text (`cpuload`). */
  cpuLoad: Schema.String,
  domainsCount: Schema.String,
  networksCount: Schema.String,
  keepalive: Schema.String
}) {}

/** `staticdata`: "<cpu_count> <kernel> <os> <arch>". */
export class NodeStaticData extends Schema.Class<NodeStaticData>("pvc/core/NodeStaticData")({
  cpuCount: Schema.String,
  kernel: Schema.String,
  os: Schema.String,
  arch: Schema.String
}) {}

export class Node extends Schema.TaggedClass<Node>("pvc/core/Node")("Node", {
  name: NodeName,
  // Values another writer stored outside these vocabularies are kept as stored (see StoredText).
  daemonMode: orStored(DaemonMode),
  daemonState: orStored(DaemonState),
  routerState: orStored(RouterState),
  domainState: orStored(DomainState),
  staticData: NodeStaticData,
  resources: NodeResources,
  runningDomains: Schema.Array(VmUuid),
  ipmiHostname: Schema.String,
  ipmiUsername: Schema.String,
  ipmiPassword: Schema.String
}) {}

/** The `/primary_node` key: the primary coordinator, or null for `'none'`. */
export class PrimaryNode extends Schema.TaggedClass<PrimaryNode>("pvc/core/PrimaryNode")("PrimaryNode", {
  node: Schema.NullOr(NodeName)
}) {}
