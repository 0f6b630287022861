import { Result, Schema } from "effect"
import type { NodeName } from "../domain/Ids.ts"
import type { Node } from "../domain/Node.ts"
import { AlreadyOnNode, InvalidSelector, NoEligibleNode, NodeNotFound, NodeNotReady } from "./NodeErrors.ts"

/** How a target node is chosen (decisions.md "VMs"): the least loaded by one metric. */
export const Selector = Schema.Literals(["mem", "load", "vcpus", "vms"])
export type Selector = typeof Selector.Type

export const DEFAULT_SELECTOR: Selector = "mem"

const isSelector = Schema.is(Selector)

/** An absent or empty selector means the default. */
export const parseSelector = (raw: string | undefined): Result.Result<Selector, InvalidSelector> =>
  raw === undefined || raw === ""
    ? Result.succeed(DEFAULT_SELECTOR)
    : isSelector(raw)
    ? Result.succeed(raw)
    : Result.fail(new InvalidSelector({ selector: raw }))

const numeric = (text: string): number => {
  const value = Number.parseFloat(text)
  return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value
}

/** The figure a selector minimises (zk-layout §7); unreadable figures rank last. */
export const selectorMetric = (selector: Selector, node: Node): number => {
  switch (selector) {
    case "mem":
      return node.resources.memAllocated
    case "load":
      return numeric(node.resources.cpuLoad)
    case "vcpus":
      return numeric(node.resources.vcpuAllocated)
    case "vms":
      return numeric(node.resources.domainsCount)
  }
}

/** A node can take VMs when its daemon runs and it is not flushed. */
export const isReady = (node: Node): boolean => node.daemonState === "run" && node.domainState === "ready"

/** Code-unit order, so the choice does not depend on the host's locale. */
export const compareNames = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0

/**
 * The ready node, other than `current`, with the smallest metric; ties go to the name that sorts
 * first. Unlike the original there is no fallback to ineligible nodes.
 */
export const selectNode = (
  nodes: Iterable<Node>,
  current: NodeName | null,
  selector: Selector
): Result.Result<Node, NoEligibleNode> => {
  let best: Node | undefined
  let bestMetric = Number.POSITIVE_INFINITY
  for (const node of nodes) {
    if (node.name === current || !isReady(node)) continue
    const metric = selectorMetric(selector, node)
    if (best === undefined || metric < bestMetric || (metric === bestMetric && compareNames(node.name, best.name) < 0)) {
      best = node
      bestMetric = metric
    }
  }
  return best === undefined ? Result.fail(new NoEligibleNode({ selector })) : Result.succeed(best)
}

/** Raw placement values of define/move/migrate; an empty string counts as absent. */
export interface Placement {
  readonly node?: string | undefined
  readonly selector?: string | undefined
}

export type TargetError = InvalidSelector | NoEligibleNode | NodeNotFound | NodeNotReady | AlreadyOnNode

/** An explicit, valid `node` wins; otherwise the selector chooses. */
export const resolveTarget = (
  nodes: ReadonlyMap<NodeName, Node>,
  vm: { readonly name: string; readonly node: NodeName | null },
  placement: Placement
): Result.Result<Node, TargetError> => {
  const requested = placement.node
  if (requested === undefined || requested === "") {
    return Result.flatMap(parseSelector(placement.selector), (selector) => selectNode(nodes.values(), vm.node, selector))
  }
  const node = nodes.get(requested as NodeName)
  if (node === undefined) return Result.fail(new NodeNotFound({ node: requested }))
  if (node.name === vm.node) return Result.fail(new AlreadyOnNode({ vm: vm.name, node: node.name }))
  if (!isReady(node)) {
    return Result.fail(new NodeNotReady({ node: node.name, daemonState: node.daemonState, domainState: node.domainState }))
  }
  return Result.succeed(node)
}
