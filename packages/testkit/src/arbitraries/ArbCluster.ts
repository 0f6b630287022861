import { type Entity, Ip4Config, Ip6Config, type Node, Vm } from "@pvc/core"
import * as fc from "fast-check"
import {
  makeAcl,
  makeCephReport,
  makeLease,
  makeNetwork,
  makeNode,
  makeOsd,
  makePool,
  makePrimaryNode,
  makeReservation,
  makeResources,
  makeSnapshot,
  makeVolume,
  rbdDisk
} from "../demo/Builders.ts"
import { domainXml } from "../demo/DomainXml.ts"
import { arbMac, arbWord, arbMemoryMiB, arbNode, arbNodeName, arbUuid, arbVcpus, arbVm, arbVmName } from "./ArbEntities.ts"
import { cephStatusText, osdStats, poolStats, radosDfText, rbdInfo } from "../demo/CephText.ts"

export interface ArbClusterOptions {
  readonly minNodes?: number
  readonly maxNodes?: number
  readonly minVms?: number
  readonly maxVms?: number
  readonly minNetworks?: number
  readonly maxNetworks?: number
  /** Make about four in five nodes `run` and `ready`, so that placements mostly find targets. */
  readonly mostlyReady?: boolean
  readonly maxPools?: number
}

const RULES = [
  "tcp dport 22 accept",
  "tcp dport { 80, 443 } accept",
  "udp dport 53 accept",
  "ip saddr 10.0.0.0/8 accept",
  "icmp type echo-request accept",
  "drop"
]

type Draw = fc.GeneratorValue
const draw = <T>(g: Draw, arb: fc.Arbitrary<T>): T => g(() => arb)

/**
 * A consistent cluster, parents before children: unique node names, VMs on existing nodes (with
 * unique names and UUIDs, lastNode another existing node), running lists and allocations that
 * match the VMs, networks with leases and reservations inside their IPv4 range and ACLs ordered
 * 0..n-1 per direction, and OSDs, pools, volumes (including the VMs' RBD disks) and snapshots.
 */
export const arbCluster = (options: ArbClusterOptions = {}): fc.Arbitrary<ReadonlyArray<Entity>> =>
  fc.gen().map((g) => {
    const names = draw(g, fc.uniqueArray(arbNodeName, {
      minLength: options.minNodes ?? 1,
      maxLength: options.maxNodes ?? 4
    }))
    const pools = draw(g, fc.uniqueArray(arbWord(10, "_"), {
      maxLength: options.maxPools ?? 2
    }))
    const vms = drawVms(g, names, pools, options.minVms ?? 0, options.maxVms ?? 6)
    const nodes = drawNodes(g, names, vms, options.mostlyReady ?? false)
    const primary = nodes.find((n) => n.routerState === "primary")
    return [
      ...nodes,
      makePrimaryNode(primary?.name ?? null),
      ...vms,
      ...drawNetworks(g, options.minNetworks ?? 0, options.maxNetworks ?? 3),
      ...drawCeph(g, names, pools, vms)
    ]
  })

const drawVms = (g: Draw, nodes: ReadonlyArray<string>, pools: ReadonlyArray<string>, min: number, max: number) => {
  const heads = draw(g, fc.uniqueArray(fc.record({ name: arbVmName, uuid: arbUuid }), {
    minLength: min,
    maxLength: max,
    comparator: (a, b) => a.name === b.name || a.uuid === b.uuid
  }))
  return heads.map(({ name, uuid }) => {
    const vm = draw(g, arbVm({ nodes, name: fc.constant(name), uuid: fc.constant(uuid) }))
    const disks = pools.length === 0 ? 0 : draw(g, fc.nat(2))
    const rbdList = Array.from({ length: disks }, (_, i) => rbdDisk(draw(g, fc.constantFrom(...pools)), `${name}_disk${i}`))
    const xml = domainXml({
      name,
      uuid,
      memoryMiB: draw(g, arbMemoryMiB),
      vcpus: draw(g, arbVcpus),
      rbdDisks: rbdList,
      monitors: nodes
    })
    return new Vm({ ...vm, rbdList, xml })
  })
}

const RUNNING_STATES = new Set(["start", "restart", "shutdown", "migrate"])

const memoryOf = (vm: Vm) => Number(/<memory unit='MiB'>(\d+)</.exec(vm.xml)?.[1] ?? 0)
const vcpusOf = (vm: Vm) => Number(/<vcpu>(\d+)</.exec(vm.xml)?.[1] ?? 0)

/** Nodes whose router state fits their mode (one primary at most) and whose figures fit their VMs. */
const drawNodes = (
  g: Draw,
  names: ReadonlyArray<string>,
  vms: ReadonlyArray<Vm>,
  mostlyReady: boolean
): ReadonlyArray<Node> => {
  const withPrimary = draw(g, fc.boolean())
  let primaryTaken = !withPrimary
  return names.map((name) => {
    const drawn = draw(g, arbNode(fc.constant(name)))
    const ready = mostlyReady && draw(g, fc.nat(4)) > 0
    const generated = ready ? makeNode(name, { ...drawn, daemonState: "run", domainState: "ready" }) : drawn
    const coordinator = generated.daemonMode === "coordinator"
    const primary = coordinator && !primaryTaken
    if (primary) primaryTaken = true
    const running = vms.filter((vm) => vm.node === name && RUNNING_STATES.has(vm.state))
    const memAllocated = running.reduce((sum, vm) => sum + memoryOf(vm), 0)
    return makeNode(name, {
      ...generated,
      daemonState: primary ? "run" : generated.daemonState,
      routerState: primary ? "primary" : coordinator ? "secondary" : "client",
      runningDomains: running.map((vm) => vm.uuid),
      resources: makeResources({
        ...generated.resources,
        memAllocated,
        vcpuAllocated: String(running.reduce((sum, vm) => sum + vcpusOf(vm), 0)),
        domainsCount: String(running.length)
      })
    })
  })
}

const drawNetworks = (g: Draw, min: number, max: number): ReadonlyArray<Entity> => {
  const heads = draw(g, fc.uniqueArray(
    fc.record({
      managed: fc.boolean(),
      vni: fc.integer({ min: 1, max: 4094 }),
      description: arbWord(12, "-")
    }),
    { minLength: min, maxLength: max, comparator: (a, b) => a.vni === b.vni || a.description === b.description }
  ))
  return heads.flatMap((head, index) => drawNetwork(g, head, index))
}

const drawNetwork = (
  g: Draw,
  head: { readonly managed: boolean; readonly vni: number; readonly description: string },
  index: number
): ReadonlyArray<Entity> => {
  const { vni, description } = head
  const subnet = `10.${100 + index}.0`
  const dhcp = head.managed && draw(g, fc.boolean())
  const ip6 = head.managed && draw(g, fc.boolean())
  const network = makeNetwork(vni, description, {
    type: head.managed ? "managed" : "bridged",
    ip4: head.managed
      ? new Ip4Config({
        network: `${subnet}.0/24`,
        gateway: `${subnet}.1`,
        dhcpFlag: dhcp,
        dhcpStart: dhcp ? `${subnet}.100` : null,
        dhcpEnd: dhcp ? `${subnet}.199` : null
      })
      : new Ip4Config({ network: null, gateway: null, dhcpFlag: false, dhcpStart: null, dhcpEnd: null }),
    ip6: ip6
      ? new Ip6Config({ network: `2001:db8:${vni.toString(16)}::/64`, gateway: `2001:db8:${vni.toString(16)}::1`, dhcpFlag: true })
      : new Ip6Config({ network: null, gateway: null, dhcpFlag: false })
  })
  const macs = draw(g, fc.uniqueArray(arbMac, { maxLength: head.managed ? 6 : 0 }))
  const leaseCount = dhcp ? draw(g, fc.nat(macs.length)) : 0
  const leases = macs.slice(0, leaseCount).map((mac, i) =>
    makeLease(vni, mac, `${subnet}.${100 + i}`, {
      hostname: `client${i}`,
      expiry: String(draw(g, fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }))),
      clientId: draw(g, fc.constantFrom("*", `01:${mac}`))
    })
  )
  const reservations = macs.slice(leaseCount).map((mac, i) =>
    makeReservation(vni, mac, `${subnet}.${10 + i}`, draw(g, fc.option(fc.constant(`host${i}`), { nil: null })))
  )
  return [network, ...leases, ...reservations, ...drawAcls(g, vni)]
}

const drawAcls = (g: Draw, vni: number) => {
  const descriptions = draw(g, fc.uniqueArray(arbWord(10, "_-"), { maxLength: 6 }))
  const directions = descriptions.map(() => draw(g, fc.constantFrom("in" as const, "out" as const)))
  const orderIn = descriptions.filter((_, i) => directions[i] === "in")
  const orderOut = descriptions.filter((_, i) => directions[i] === "out")
  return descriptions.map((description, i) => {
    const direction = directions[i]!
    const order = (direction === "in" ? orderIn : orderOut).indexOf(description)
    return makeAcl(vni, direction, description, order, draw(g, fc.constantFrom(...RULES)))
  })
}

const drawCeph = (g: Draw, nodes: ReadonlyArray<string>, pools: ReadonlyArray<string>, vms: ReadonlyArray<Vm>) => {
  const osdNodes = draw(g, fc.array(fc.constantFrom(...nodes), { maxLength: nodes.length * 2 }))
  const osds = osdNodes.map((node, id) => {
    const device = `/dev/sd${String.fromCharCode(98 + osdNodes.slice(0, id).filter((n) => n === node).length)}`
    return makeOsd(String(id), node, device, osdStats(id, node, draw(g, fc.integer({ min: 1, max: 90 }))))
  })
  const vmDisks = vms.flatMap((vm) => vm.rbdList.map((disk) => disk.split("/") as [string, string]))
  const extra = pools.flatMap((pool) =>
    draw(g, fc.uniqueArray(arbWord(10, "_"), { maxLength: 3 }))
      .filter((name) => !vmDisks.some(([p, v]) => p === pool && v === name))
      .map((name) => [pool, name] as [string, string])
  )
  const volumes = [...vmDisks, ...extra].map(([pool, name]) =>
    makeVolume(pool, name, rbdInfo(name, draw(g, fc.integer({ min: 1, max: 512 })) * 1024 ** 3))
  )
  const snapshots = volumes.flatMap((volume) =>
    draw(g, fc.uniqueArray(fc.constantFrom("daily", "weekly", "before-upgrade", "clean"), { maxLength: 2 }))
      .map((name) => makeSnapshot(volume.pool, volume.name, name))
  )
  const poolEntities = pools.map((name, i) => {
    const inPool = volumes.filter((v) => v.pool === name)
    return makePool(name, draw(g, fc.constantFrom("32", "64", "128", "256")), poolStats(i + 1, inPool.length))
  })
  const report = makeCephReport(
    cephStatusText({ osds: osds.length, pools: pools.length, objects: volumes.length * 1024, monitors: nodes }),
    draw(g, fc.boolean()) ? radosDfText(pools.map((name) => ({ name, objects: 1024 }))) : null
  )
  return [...osds, ...poolEntities, ...volumes, ...snapshots, report]
}
