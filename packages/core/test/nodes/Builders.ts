import * as fc from "fast-check"
import type { Entity } from "../../src/cluster/Entity.ts"
import { NodeName, VmName, VmUuid } from "../../src/domain/Ids.ts"
import {
  type DaemonMode,
  type DaemonState,
  type DomainState,
  Node,
  NodeResources,
  NodeStaticData,
  PrimaryNode,
  type RouterState
} from "../../src/domain/Node.ts"
import { RbdDisk, Vm, type VmState } from "../../src/domain/Vm.ts"

// Local builders and arbitraries for the nodes and vms tests.

export interface NodeSpec {
  readonly name: string
  readonly daemonMode?: DaemonMode
  readonly daemonState?: DaemonState
  readonly routerState?: RouterState
  readonly domainState?: DomainState
  readonly memAllocated?: number
  readonly cpuLoad?: string
  readonly vcpuAllocated?: string
  readonly domainsCount?: string
  readonly runningDomains?: ReadonlyArray<string>
}

export const node = (spec: NodeSpec): Node =>
  new Node({
    name: NodeName.make(spec.name),
    daemonMode: spec.daemonMode ?? "hypervisor",
    daemonState: spec.daemonState ?? "run",
    routerState: spec.routerState ?? "client",
    domainState: spec.domainState ?? "ready",
    staticData: new NodeStaticData({ cpuCount: "16", kernel: "6.1.0", os: "GNU/Linux", arch: "x86_64" }),
    resources: new NodeResources({
      memTotal: 65536,
      memUsed: 1024,
      memFree: 64512,
      memAllocated: spec.memAllocated ?? 0,
      vcpuAllocated: spec.vcpuAllocated ?? "0",
      cpuLoad: spec.cpuLoad ?? "0.0",
      domainsCount: spec.domainsCount ?? "0",
      networksCount: "0",
      keepalive: "1700000000"
    }),
    runningDomains: (spec.runningDomains ?? []).map((uuid) => VmUuid.make(uuid)),
    ipmiHostname: "",
    ipmiUsername: "",
    ipmiPassword: ""
  })

export interface VmSpec {
  readonly name: string
  readonly uuid?: string
  readonly node: string
  readonly state?: VmState
  readonly lastNode?: string | null
  readonly rbdList?: ReadonlyArray<string>
}

export const uuidFor = (name: string): string => `00000000-0000-4000-8000-${name.padStart(12, "0").slice(-12)}`

export const vm = (spec: VmSpec): Vm =>
  new Vm({
    uuid: VmUuid.make(spec.uuid ?? uuidFor(spec.name)),
    name: VmName.make(spec.name),
    state: spec.state ?? "stop",
    node: NodeName.make(spec.node),
    lastNode: spec.lastNode === undefined || spec.lastNode === null ? null : NodeName.make(spec.lastNode),
    failedReason: "",
    consoleLog: "",
    rbdList: (spec.rbdList ?? []).map((d) => RbdDisk.make(d)),
    xml: `<domain><name>${spec.name}</name></domain>`
  })

export const primary = (name: string | null): PrimaryNode =>
  new PrimaryNode({ node: name === null ? null : NodeName.make(name) })

export const arbDaemonState: fc.Arbitrary<DaemonState> = fc.constantFrom("init", "run", "shutdown", "stop", "dead")
export const arbDomainState: fc.Arbitrary<DomainState> = fc.constantFrom("flushed", "flush", "unflush", "ready")
export const arbVmState: fc.Arbitrary<VmState> = fc.constantFrom(
  "start", "restart", "shutdown", "stop", "migrate", "failed", "delete"
)

/** Mostly run/ready nodes with small figures, so ties and ineligible nodes both happen. */
export const arbNode = (name: string): fc.Arbitrary<Node> =>
  fc.record({
    daemonState: fc.oneof({ weight: 3, arbitrary: fc.constant<DaemonState>("run") }, { weight: 1, arbitrary: arbDaemonState }),
    domainState: fc.oneof({ weight: 3, arbitrary: fc.constant<DomainState>("ready") }, { weight: 1, arbitrary: arbDomainState }),
    memAllocated: fc.integer({ min: 0, max: 8 }),
    cpuLoad: fc.oneof(fc.double({ min: 0, max: 4, noNaN: true }).map(String), fc.constant("junk")),
    vcpuAllocated: fc.integer({ min: 0, max: 8 }).map(String),
    domainsCount: fc.integer({ min: 0, max: 8 }).map(String)
  }).map((r) => node({ name, ...r }))

export const arbNodeNames: fc.Arbitrary<ReadonlyArray<string>> = fc.uniqueArray(
  fc.constantFrom("hv1", "hv2", "hv3", "hv4", "hv5", "hv10", "a", "B"),
  { minLength: 1, maxLength: 6 }
)

export const arbNodes: fc.Arbitrary<ReadonlyArray<Node>> = arbNodeNames.chain((names) =>
  fc.tuple(...names.map(arbNode))
)

export interface ClusterCase {
  readonly nodes: ReadonlyArray<Node>
  readonly vms: ReadonlyArray<Vm>
}

/** A cluster whose VMs all sit on existing nodes; running VMs are listed by their node. */
export const arbCluster: fc.Arbitrary<ClusterCase> = arbNodes.chain((nodes) => {
  const names = nodes.map((n) => n.name as string)
  const arbVm = (i: number) =>
    fc.record({
      node: fc.constantFrom(...names),
      state: arbVmState,
      lastNode: fc.option(fc.constantFrom(...names), { nil: null })
    }).map((r) => vm({ name: `vm${i}`, ...r }))
  return fc.integer({ min: 1, max: 5 }).chain((count) =>
    fc.tuple(...Array.from({ length: count }, (_, i) => arbVm(i))).map((vms) => ({ nodes, vms }))
  )
})

export const entities = (c: ClusterCase): ReadonlyArray<Entity> => [...c.nodes, ...c.vms]
