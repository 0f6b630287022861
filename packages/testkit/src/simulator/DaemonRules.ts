import { type ClusterSnapshot, Node, type NodeName, NodeResources, type Vm, type VmUuid } from "@pvc/core"

/*
 * Pure rules of the simulated node daemon (zk-layout §6, §7): what a pvcd decides from one snapshot
 * and what its hypervisor runs. The effectful daemon only carries these decisions out.
 */

export interface DomainSize {
  readonly memoryMiB: number
  readonly vcpus: number
}

const UNIT_MIB: Record<string, number> = {
  b: 1 / 1048576, bytes: 1 / 1048576, k: 1 / 1024, kib: 1 / 1024, kb: 1000 / 1048576,
  m: 1, mib: 1, mb: 1e6 / 1048576, g: 1024, gib: 1024, gb: 1e9 / 1048576
}

/** Memory and vCPUs of a domain XML; libvirt's default unit is KiB. Unreadable values count as 1 GiB / 1. */
export const domainSize = (xml: string): DomainSize => {
  const memory = /<memory(?:\s+unit=["'](\w+)["'])?\s*>\s*(\d+)\s*<\/memory>/.exec(xml)
  const factor = memory === null ? undefined : UNIT_MIB[(memory[1] ?? "KiB").toLowerCase()]
  const vcpus = /<vcpu[^>]*>\s*(\d+)\s*<\/vcpu>/.exec(xml)
  return {
    memoryMiB: memory === null || factor === undefined ? 1024 : Math.floor(Number(memory[2]) * factor),
    vcpus: vcpus === null ? 1 : Number(vcpus[1])
  }
}

export const isReady = (node: Node): boolean => node.daemonState === "run" && node.domainState === "ready"

/**
 * The daemon's `mem` selector: among ready nodes other than `exclude`, the one with the most
 * `(memused + memfree) - memalloc`, strictly greater than 0; ties keep the first in name order.
 */
export const memTarget = (snapshot: ClusterSnapshot, exclude: NodeName): Node | undefined => {
  let best: Node | undefined
  let bestFree = 0
  for (const node of [...snapshot.nodes.values()].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) {
    if (node.name === exclude || !isReady(node)) continue
    const free = node.resources.memUsed + node.resources.memFree - node.resources.memAllocated
    if (free > bestFree) {
      best = node
      bestFree = free
    }
  }
  return best
}

/** What a daemon does about one VM, from the VM's record and whether its hypervisor runs it. */
export type VmAction =
  | "start"
  | "restart"
  | "shutdown"
  | "destroy"
  | "markStarted"
  | "markStopped"
  | "receive"
  | "migrateAway"

/**
 * zk-layout §6 "pvcd reactions". `elsewhere`: another live node reports the VM running, so the
 * owner waits for that node to let go before starting it.
 */
export const vmAction = (
  self: NodeName,
  vm: Vm,
  runningHere: boolean,
  elsewhere: boolean
): VmAction | undefined => {
  if (vm.node !== self) {
    if (!runningHere) return undefined
    return vm.state === "migrate" ? "migrateAway" : vm.state === "shutdown" ? "shutdown" : "destroy"
  }
  switch (vm.state) {
    case "start":
      return runningHere || elsewhere ? undefined : "start"
    case "restart":
      return runningHere ? "restart" : elsewhere ? undefined : "markStarted"
    case "shutdown":
      return runningHere ? "shutdown" : elsewhere ? undefined : "markStopped"
    case "stop":
    case "delete":
      return runningHere ? "destroy" : undefined
    case "migrate":
      return runningHere ? "markStarted" : "receive"
    case "failed":
      return undefined
  }
}

/** Other live nodes whose running list names the VM. */
export const runningElsewhere = (snapshot: ClusterSnapshot, self: NodeName, uuid: VmUuid): boolean =>
  [...snapshot.nodes.values()].some((n) => n.name !== self && n.daemonState === "run" && n.runningDomains.includes(uuid))

export interface KeepaliveInput {
  readonly running: ReadonlyArray<VmUuid>
  readonly nowSeconds: number
  readonly load: number
  /** Memory the host uses besides its VMs (MiB). */
  readonly baseUsedMiB: number
}

/** The node record after a keepalive: resource keys, running list, and `run` once started. */
export const keepalive = (node: Node, snapshot: ClusterSnapshot, input: KeepaliveInput): Node => {
  const sizes = input.running.map((uuid) => {
    const vm = snapshot.vms.get(uuid)
    return vm === undefined ? { memoryMiB: 0, vcpus: 0 } : domainSize(vm.xml)
  })
  const memAllocated = sizes.reduce((sum, s) => sum + s.memoryMiB, 0)
  const memTotal = node.resources.memTotal
  const memUsed = Math.min(memTotal, input.baseUsedMiB + memAllocated)
  return new Node({
    ...node,
    daemonState: node.daemonState === "init" ? "run" : node.daemonState,
    runningDomains: [...input.running],
    resources: new NodeResources({
      ...node.resources,
      memAllocated,
      memUsed,
      memFree: memTotal - memUsed,
      vcpuAllocated: String(sizes.reduce((sum, s) => sum + s.vcpus, 0)),
      cpuLoad: input.load.toFixed(2),
      domainsCount: String(input.running.length),
      keepalive: String(input.nowSeconds)
    })
  })
}

/** Nodes a coordinator must fence: `run` with a keepalive older than the limit (zk-layout §2). */
export const staleNodes = (
  snapshot: ClusterSnapshot,
  self: NodeName,
  nowSeconds: number,
  limitSeconds: number
): ReadonlyArray<Node> =>
  [...snapshot.nodes.values()].filter((n) =>
    n.name !== self && n.daemonState === "run" && nowSeconds - Number(n.resources.keepalive) > limitSeconds
  )
