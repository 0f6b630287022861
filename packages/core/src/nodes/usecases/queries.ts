import { Effect } from "effect"
import type { Node } from "../../domain/Node.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { limitFilter } from "../../shared/Limit.ts"
import { compareNames } from "../NodeSelector.ts"
import { findNode } from "../NodeRules.ts"

const sortedCache = new WeakMap<ReadonlyMap<string, Node>, ReadonlyArray<Node>>()

const sortedNodes = (nodes: ReadonlyMap<string, Node>): ReadonlyArray<Node> => {
  let sorted = sortedCache.get(nodes)
  if (sorted === undefined) {
    sorted = [...nodes.values()].sort((a, b) => compareNames(a.name, b.name))
    sortedCache.set(nodes, sorted)
  }
  return sorted
}

export interface ListNodesOptions {
  readonly limit?: string | undefined
}

/** All nodes sorted by name, optionally those whose name matches the fuzzy `limit`. */
export const listNodes = Effect.fn("Node.list")(function*(options: ListNodesOptions = {}) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const nodes = sortedNodes(snapshot.nodes)
  if (options.limit === undefined) return nodes
  const matches = yield* limitFilter(options.limit)
  return nodes.filter((node) => matches(node.name))
})

/** The node named exactly `ref`, as a list of zero or one. */
export const getNode = Effect.fn("Node.get")(function*(ref: string) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const node = findNode(snapshot, ref)
  return node === undefined ? [] : [node]
})
