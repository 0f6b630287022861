import {
  type ClusterStore,
  type Entity,
  Node,
  NodeName,
  NodeResources,
  NodeStaticData,
  PrimaryNode,
  type StoreUnavailable,
  Vm,
  VmName,
  VmUuid
} from "@pvc/core"
import { Layer } from "effect"
import { layerMemory } from "../memory/ClusterStoreMemory.ts"
import { layerSimulator, type Simulator } from "./Simulator.ts"
import { seededRandom, type SimulatorOptions } from "./SimulatorConfig.ts"

export interface SimulatedClusterOptions extends SimulatorOptions {
  /** Node count (named hv1…) or names; default 3. */
  readonly nodes?: number | ReadonlyArray<string>
  /** How many of the first nodes are coordinators; default min(3, nodes). */
  readonly coordinators?: number
  /** VM count, spread over the nodes in turn; default two per node. */
  readonly vms?: number
  /** Memory of each node, MiB; default 65536. */
  readonly memTotalMiB?: number
}

/** A libvirt domain XML with the elements the API reads (zk-layout §3). */
export const simulatedDomainXml = (name: string, uuid: string, memoryMiB: number, vcpus: number): string =>
  `<domain type='kvm'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <description>simulated VM ${name}</description>
  <memory unit='MiB'>${memoryMiB}</memory>
  <vcpu>${vcpus}</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-2.7'>hvm</type></os>
  <features><acpi/><apic/></features>
  <devices>
    <emulator>/usr/bin/kvm</emulator>
    <console type='pty'/>
  </devices>
</domain>
`

const uuidFrom = (random: () => number): string => {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("")
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(random() * 4)).toString(16)}${hex(3)}-${hex(12)}`
}

const nodeNames = (nodes: number | ReadonlyArray<string> = 3): ReadonlyArray<string> =>
  typeof nodes === "number" ? Array.from({ length: nodes }, (_, i) => `hv${i + 1}`) : nodes

/**
 * A fresh cluster before its daemons start: nodes in `init`, `/primary_node` = none, VMs asked to
 * start on their nodes. Deterministic for a seed.
 */
export const initialCluster = (options: SimulatedClusterOptions): ReadonlyArray<Entity> => {
  const random = seededRandom(options.seed ^ 0x5eed)
  const names = nodeNames(options.nodes)
  const coordinators = options.coordinators ?? Math.min(3, names.length)
  const memTotal = options.memTotalMiB ?? 65536
  const nodes = names.map((name, i) =>
    new Node({
      name: NodeName.make(name),
      daemonMode: i < coordinators ? "coordinator" : "hypervisor",
      daemonState: "init",
      routerState: i < coordinators ? "secondary" : "client",
      domainState: "ready",
      staticData: new NodeStaticData({ cpuCount: "16", kernel: "4.19.0-5-amd64", os: "GNU/Linux", arch: "x86_64" }),
      resources: new NodeResources({
        memTotal, memUsed: 2048, memFree: memTotal - 2048, memAllocated: 0, vcpuAllocated: "0", cpuLoad: "0.00",
        domainsCount: "0", networksCount: "0", keepalive: "0"
      }),
      runningDomains: [],
      ipmiHostname: `${name}-lom.pvc.local`,
      ipmiUsername: "admin",
      ipmiPassword: "simulated"
    })
  )
  const vms = Array.from({ length: options.vms ?? names.length * 2 }, (_, i) => {
    const uuid = uuidFrom(random)
    const name = `vm${i + 1}`
    const memory = [1024, 2048, 4096][Math.floor(random() * 3)]!
    return new Vm({
      uuid: VmUuid.make(uuid),
      name: VmName.make(name),
      state: "start",
      node: NodeName.make(names[i % names.length]!),
      lastNode: null,
      failedReason: "",
      consoleLog: "",
      rbdList: [],
      xml: simulatedDomainXml(name, uuid, memory, 1 + Math.floor(random() * 4))
    })
  })
  return [new PrimaryNode({ node: null }), ...nodes, ...vms]
}

/** An in-memory cluster store seeded with `initialCluster`, with its simulated daemons running. */
export const makeSimulatedCluster = (
  options: SimulatedClusterOptions
): Layer.Layer<ClusterStore | Simulator, StoreUnavailable> =>
  layerSimulator(options).pipe(Layer.provideMerge(layerMemory(initialCluster(options))))
