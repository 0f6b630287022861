import type { ClusterSnapshot, NodeName, VmUuid } from "@pvc/core"

/*
 * When is the simulated cluster at rest? Work is pending while a live daemon still has something to
 * react to, or a coordinator still has a node to fence. What waits on a dead node (a VM whose node
 * died outside its running list) is stuck, as on a real cluster, and does not count.
 */

const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((x) => b.includes(x))

export const pendingWork = (
  snapshot: ClusterSnapshot,
  alive: ReadonlySet<NodeName>,
  placements: ReadonlyMap<NodeName, ReadonlyArray<VmUuid>>
): ReadonlyArray<string> => {
  const live = (name: NodeName) => alive.has(name) && snapshot.nodes.get(name)?.daemonState === "run"
  const nodes = [...snapshot.nodes.values()]
  const canFence = nodes.some((n) => n.daemonMode === "coordinator" && live(n.name))
  const reasons: Array<string> = []
  const primary = snapshot.primaryNode.node
  for (const node of nodes) {
    if (!alive.has(node.name)) {
      if (node.daemonState === "run" && canFence) reasons.push(`${node.name} awaits fencing`)
      continue
    }
    if (node.daemonState === "init") reasons.push(`${node.name} is starting`)
    if (node.daemonState !== "run") continue
    if (node.domainState === "flush" || node.domainState === "unflush") reasons.push(`${node.name}: ${node.domainState}`)
    if (!sameSet(node.runningDomains, placements.get(node.name) ?? [])) reasons.push(`${node.name}: running list stale`)
    const expected = node.daemonMode === "hypervisor" ? "client" : primary === node.name ? "primary" : "secondary"
    if (node.daemonMode === "coordinator" && primary === null) reasons.push("no primary coordinator")
    if (node.routerState !== expected) reasons.push(`${node.name}: router state ${node.routerState}`)
  }
  if (primary !== null && !live(primary) && canFence) {
    reasons.push(`primary ${primary} is gone`)
  }
  for (const vm of snapshot.vms.values()) {
    const where = [...placements].filter(([, uuids]) => uuids.includes(vm.uuid)).map(([n]) => n)
    for (const n of where) if (n !== vm.node && live(n)) reasons.push(`${vm.name} must leave ${n}`)
    if (!live(vm.node)) continue
    const here = where.includes(vm.node)
    const settled = vm.state === "start" ? here : vm.state === "stop" || vm.state === "delete" ? !here : vm.state === "failed"
    if (!settled) reasons.push(`${vm.name}: ${vm.state} on ${vm.node}`)
  }
  return [...new Set(reasons)]
}
