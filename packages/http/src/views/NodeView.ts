import type { Node } from "@pvc/core"
import { Schema } from "effect"
import { HttpServerResponse } from "effect/http"

/** zk-layout §2 / §9: figures stored as strings stay strings, memory figures are integers. */
export const NodeJson = Schema.Struct({
  name: Schema.String,
  daemon_state: Schema.String,
  coordinator_state: Schema.String,
  domain_state: Schema.String,
  cpu_count: Schema.String,
  kernel: Schema.String,
  os: Schema.String,
  arch: Schema.String,
  load: Schema.String,
  domains_count: Schema.String,
  running_domains: Schema.Array(Schema.String),
  vcpu: Schema.Struct({ total: Schema.String, allocated: Schema.String }),
  memory: Schema.Struct({ total: Schema.Int, allocated: Schema.Int, used: Schema.Int, free: Schema.Int })
})
export type NodeJson = typeof NodeJson.Type

export const nodeJson = (node: Node): NodeJson => ({
  name: node.name,
  daemon_state: node.daemonState,
  coordinator_state: node.routerState,
  domain_state: node.domainState,
  cpu_count: node.staticData.cpuCount,
  kernel: node.staticData.kernel,
  os: node.staticData.os,
  arch: node.staticData.arch,
  load: node.resources.cpuLoad,
  domains_count: node.resources.domainsCount,
  running_domains: [...node.runningDomains],
  vcpu: { total: node.staticData.cpuCount, allocated: node.resources.vcpuAllocated },
  memory: {
    total: node.resources.memTotal,
    allocated: node.resources.memAllocated,
    used: node.resources.memUsed,
    free: node.resources.memFree
  }
})

// A node's JSON text is encoded once per stored value; its `running_domains` grows with the VMs,
// so a schema walk per request would cost time in proportion to the cluster.
const textCache = new WeakMap<Node, string>()

const nodeText = (node: Node): string => {
  let text = textCache.get(node)
  if (text === undefined) {
    text = JSON.stringify(nodeJson(node))
    textCache.set(node, text)
  }
  return text
}

/** The same body as `Schema.Array(NodeJson)` would encode, from cached per-node texts. */
export const renderNodesResponse = (nodes: ReadonlyArray<Node>) => {
  // Each node's `running_domains` makes the full list large: reuse its body until a node changes.
  if (lastList === undefined || !sameItems(lastList.nodes, nodes)) {
    const body = Buffer.from(`[${nodes.map(nodeText).join(",")}]`)
    if (nodes.length > 1) lastList = { nodes, body }
    else return HttpServerResponse.uint8Array(body, { contentType: "application/json" })
  }
  return HttpServerResponse.uint8Array(lastList.body, { contentType: "application/json" })
}

let lastList: { readonly nodes: ReadonlyArray<Node>; readonly body: Uint8Array } | undefined

const sameItems = (a: ReadonlyArray<Node>, b: ReadonlyArray<Node>): boolean =>
  a.length === b.length && a.every((node, i) => node === b[i])
