import type { DaemonMode, DaemonState, DomainState, Node, RouterState, Vm, VmState } from "@pvc/core"
import * as fc from "fast-check"
import { makeNode, makeResources, makeVm } from "../demo/Builders.ts"
import { domainXml } from "../demo/DomainXml.ts"

/*
 * Arbitraries of single entities. Generated text stays within what the ZooKeeper layout can carry
 * unchanged (no `'None'`/`'none'`, no blanks where values are space separated), so that the same
 * values can be round-tripped through every ClusterStore adapter.
 */

export const DAEMON_MODES: ReadonlyArray<DaemonMode> = ["coordinator", "hypervisor"]
export const DAEMON_STATES: ReadonlyArray<DaemonState> = ["init", "run", "shutdown", "stop", "dead"]
export const ROUTER_STATES: ReadonlyArray<RouterState> = ["primary", "secondary", "client"]
export const DOMAIN_STATES: ReadonlyArray<DomainState> = ["flushed", "flush", "unflush", "ready"]
export const VM_STATES: ReadonlyArray<VmState> = ["start", "restart", "shutdown", "stop", "migrate", "failed", "delete"]

const notReserved = (name: string) => name.toLowerCase() !== "none"

const LOWER = "abcdefghijklmnopqrstuvwxyz"

/**
 * A lower-case word: a letter, then up to `maxRest` of the letters, digits and `extra` characters.
 * (Hand-built: `fc.stringMatching` is far slower inside `fc.gen`.)
 */
export const arbWord = (maxRest: number, extra = ""): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...LOWER), fc.array(fc.constantFrom(...LOWER + "0123456789" + extra), { maxLength: maxRest }))
    .map(([first, rest]) => first + rest.join(""))

/** A short hostname: `hv<n>` mostly, sometimes any lower-case DNS label. */
export const arbNodeName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 99 }).map((n) => `hv${n}`), weight: 3 },
  { arbitrary: fc.tuple(arbWord(10, "-"), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"))
    .map(([word, last]) => word + last)
    .filter(notReserved), weight: 1 }
)

export const arbVmName: fc.Arbitrary<string> = arbWord(14, "-")

export const arbUuid: fc.Arbitrary<string> = fc.uuid({ version: 4 })

export const arbMac: fc.Arbitrary<string> = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255))
  .map((octets) => ["52", "54", "00", ...octets.map((o) => o.toString(16).padStart(2, "0"))].join(":"))

export const arbMemoryMiB: fc.Arbitrary<number> = fc.integer({ min: 1, max: 32 }).map((n) => n * 512)

export const arbVcpus: fc.Arbitrary<number> = fc.constantFrom(1, 2, 4, 8)

const arbText: fc.Arbitrary<string> = fc.string({ maxLength: 40 }).filter((s) => s !== "None")

/** A node in any daemon, router and domain state, with plausible resource figures. */
export const arbNode = (name: fc.Arbitrary<string> = arbNodeName): fc.Arbitrary<Node> =>
  fc.record({
    name,
    daemonMode: fc.constantFrom(...DAEMON_MODES),
    daemonState: fc.constantFrom(...DAEMON_STATES),
    routerState: fc.constantFrom(...ROUTER_STATES),
    domainState: fc.constantFrom(...DOMAIN_STATES),
    memTotal: fc.integer({ min: 2048, max: 1048576 }),
    usedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    memAllocated: fc.integer({ min: 0, max: 1048576 }),
    vcpuAllocated: fc.nat(256),
    load: fc.nat(6400),
    domains: fc.nat(64),
    keepalive: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 })
  }).map((n) => {
    const memUsed = Math.floor(n.memTotal * n.usedShare)
    return makeNode(n.name, {
      daemonMode: n.daemonMode,
      daemonState: n.daemonState,
      routerState: n.routerState,
      domainState: n.domainState,
      resources: makeResources({
        memTotal: n.memTotal,
        memUsed,
        memFree: n.memTotal - memUsed,
        memAllocated: n.memAllocated,
        vcpuAllocated: String(n.vcpuAllocated),
        cpuLoad: (n.load / 100).toFixed(2),
        domainsCount: String(n.domains),
        keepalive: String(n.keepalive)
      })
    })
  })

export interface ArbVmOptions {
  /** Names the VM's `node` and `lastNode` are drawn from; any node name when absent. */
  readonly nodes?: ReadonlyArray<string>
  readonly name?: fc.Arbitrary<string>
  readonly uuid?: fc.Arbitrary<string>
}

/** A VM in any state, migrated (lastNode set, another node) or not, with a valid domain XML. */
export const arbVm = (options: ArbVmOptions = {}): fc.Arbitrary<Vm> => {
  const node = options.nodes === undefined ? arbNodeName : fc.constantFrom(...options.nodes)
  return fc.record({
    name: options.name ?? arbVmName,
    uuid: options.uuid ?? arbUuid,
    state: fc.constantFrom(...VM_STATES),
    node,
    lastNode: fc.option(node, { nil: null }),
    failedReason: arbText,
    consoleLog: arbText,
    memoryMiB: arbMemoryMiB,
    vcpus: arbVcpus
  }).map((v) =>
    makeVm(v.name, v.uuid, v.node, {
      state: v.state,
      lastNode: v.lastNode === v.node ? null : v.lastNode,
      failedReason: v.state === "failed" ? `internal error: ${v.failedReason}` : "",
      consoleLog: v.consoleLog,
      xml: domainXml({ name: v.name, uuid: v.uuid, memoryMiB: v.memoryMiB, vcpus: v.vcpus })
    })
  )
}
