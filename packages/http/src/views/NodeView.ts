import type { Node } from "@pvc/core"
import { Schema } from "effect"

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
