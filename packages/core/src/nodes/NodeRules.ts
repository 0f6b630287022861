import { Result } from "effect"
import { put } from "../cluster/ClusterPlan.ts"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import type { NodeName } from "../domain/Ids.ts"
import { Node, PrimaryNode } from "../domain/Node.ts"
import type { Decision } from "../shared/decideAndCommit.ts"
import { AlreadyPrimary, NodeNotFound, NodeNotRunning, NotCoordinator, NotPrimary } from "./NodeErrors.ts"

/** Exact lookup of a node by its name. */
export const findNode = (snapshot: ClusterSnapshot, ref: string): Node | undefined =>
  snapshot.nodes.get(ref as NodeName)

/**
 * `/primary_node` is the truth once written; router states follow it asynchronously (zk-layout §6),
 * so they only decide while it is `none`.
 */
export const isPrimary = (primary: PrimaryNode, node: Node): boolean =>
  primary.node !== null ? primary.node === node.name : node.routerState === "primary"

const runningCoordinator = (node: Node): Result.Result<Node, NotCoordinator | NodeNotRunning> =>
  node.daemonMode !== "coordinator"
    ? Result.fail(new NotCoordinator({ node: node.name }))
    : node.daemonState !== "run"
    ? Result.fail(new NodeNotRunning({ node: node.name, daemonState: node.daemonState }))
    : Result.succeed(node)

export const becomePrimary = (
  primary: PrimaryNode,
  node: Node
): Result.Result<PrimaryNode, NotCoordinator | NodeNotRunning | AlreadyPrimary> =>
  Result.flatMap(runningCoordinator(node), () =>
    isPrimary(primary, node)
      ? Result.fail(new AlreadyPrimary({ node: node.name }))
      : Result.succeed(new PrimaryNode({ node: node.name })))

/** Writing `none` lets the running coordinators elect a new primary among themselves. */
export const becomeSecondary = (
  primary: PrimaryNode,
  node: Node
): Result.Result<PrimaryNode, NotCoordinator | NodeNotRunning | NotPrimary> =>
  Result.flatMap(runningCoordinator(node), () =>
    isPrimary(primary, node)
      ? Result.succeed(new PrimaryNode({ node: null }))
      : Result.fail(new NotPrimary({ node: node.name })))

/** Requests a flush; a pending request is left alone (the manual: not a failure). */
export const flush = (node: Node): Node =>
  node.domainState === "flush" ? node : new Node({ ...node, domainState: "flush" })

export const unflush = (node: Node): Node =>
  node.domainState === "unflush" ? node : new Node({ ...node, domainState: "unflush" })

const lookup = (snapshot: ClusterSnapshot, ref: string): Result.Result<Node, NodeNotFound> => {
  const node = findNode(snapshot, ref)
  return node === undefined ? Result.fail(new NodeNotFound({ node: ref })) : Result.succeed(node)
}

const routerDecision = <E>(rule: (primary: PrimaryNode, node: Node) => Result.Result<PrimaryNode, E>) =>
(ref: string) =>
(snapshot: ClusterSnapshot): Result.Result<Decision<{ readonly node: Node }>, NodeNotFound | E> =>
  Result.flatMap(lookup(snapshot, ref), (node) =>
    Result.map(rule(snapshot.primaryNode, node), (primary) => ({
      changes: [put(primary)],
      guards: [node],
      outcome: { node }
    })))

export const decidePrimary = routerDecision(becomePrimary)
export const decideSecondary = routerDecision(becomeSecondary)

const domainStateDecision = (rule: (node: Node) => Node) =>
(ref: string) =>
(snapshot: ClusterSnapshot): Result.Result<Decision<{ readonly node: Node }>, NodeNotFound> =>
  Result.map(lookup(snapshot, ref), (node) => {
    const next = rule(node)
    return { changes: next === node ? [] : [put(next)], outcome: { node: next } }
  })

export const decideFlush = domainStateDecision(flush)
export const decideUnflush = domainStateDecision(unflush)
