import type { ClusterSnapshot, Entity } from "@pvc/core"

/** Every entity held by a snapshot (the singletons included). */
export const entitiesOf = (snapshot: ClusterSnapshot): ReadonlyArray<Entity> => [
  ...snapshot.nodes.values(),
  snapshot.primaryNode,
  ...snapshot.vms.values(),
  ...snapshot.networks.values(),
  ...snapshot.dhcpLeases.values(),
  ...snapshot.dhcpReservations.values(),
  ...snapshot.acls.values(),
  ...snapshot.osds.values(),
  ...snapshot.pools.values(),
  ...snapshot.volumes.values(),
  ...snapshot.snapshots.values(),
  snapshot.cephReport
]

const duplicates = (values: ReadonlyArray<string>) => values.filter((v, i) => values.indexOf(v) !== i)

const ipPrefix = (cidr: string | null) => (cidr === null ? undefined : cidr.replace(/\.0\/24$/, "."))

/**
 * Rules every stored cluster keeps, whatever the API did to it: VMs on existing nodes with unique
 * names, ACLs ordered 0..n-1 per direction with unique descriptions, reserved addresses unique.
 */
export const safetyViolations = (entities: ReadonlyArray<Entity>): ReadonlyArray<string> => {
  const of = <T extends Entity["_tag"]>(tag: T) => entities.filter((e): e is Extract<Entity, { _tag: T }> => e._tag === tag)
  const nodes = new Set(of("Node").map((n) => n.name as string))
  const vms = of("Vm")
  const problems: Array<string> = []
  for (const vm of vms) {
    if (!nodes.has(vm.node)) problems.push(`VM ${vm.name} on unknown node ${vm.node}`)
    if (vm.lastNode !== null && !nodes.has(vm.lastNode)) problems.push(`VM ${vm.name} last on unknown ${vm.lastNode}`)
  }
  for (const name of duplicates(vms.map((vm) => vm.name))) problems.push(`two VMs named ${name}`)
  const acls = of("Acl")
  for (const network of of("Network")) {
    for (const direction of ["in", "out"] as const) {
      // The daemons apply `order` in string order; it must also be the positions 0..n-1 (docs/acl-order.md).
      const orders = acls.filter((a) => a.vni === network.vni && a.direction === direction).map((a) => a.order)
      const sorted = [...orders].sort()
      if (sorted.some((order, i) => Number(order) !== i || !/^[0-9]+$/.test(order))) {
        problems.push(`ACL orders of ${network.vni}/${direction} are ${sorted.join(",")}`)
      }
    }
    const inNetwork = acls.filter((a) => a.vni === network.vni).map((a) => a.description)
    for (const d of duplicates(inNetwork)) problems.push(`two ACLs named ${d} in ${network.vni}`)
    const reserved = of("DhcpReservation").filter((r) => r.vni === network.vni).map((r) => r.ipAddress)
    for (const a of duplicates(reserved)) problems.push(`two reservations of ${a} in ${network.vni}`)
  }
  return problems
}

/** Everything `arbCluster` promises beyond `safetyViolations`. */
export const consistencyViolations = (entities: ReadonlyArray<Entity>): ReadonlyArray<string> => {
  const of = <T extends Entity["_tag"]>(tag: T) => entities.filter((e): e is Extract<Entity, { _tag: T }> => e._tag === tag)
  const problems: Array<string> = [...safetyViolations(entities)]
  const nodes = of("Node")
  const vms = of("Vm")
  for (const d of duplicates(nodes.map((n) => n.name))) problems.push(`two nodes named ${d}`)
  for (const d of duplicates(vms.map((vm) => vm.uuid))) problems.push(`two VMs with UUID ${d}`)
  for (const vm of vms) {
    if (vm.lastNode === vm.node) problems.push(`VM ${vm.name} migrated from its own node`)
    if ((vm.state === "failed") !== (vm.failedReason !== "")) problems.push(`VM ${vm.name} failedReason/state mismatch`)
  }
  for (const node of nodes) {
    for (const uuid of node.runningDomains) {
      if (!vms.some((vm) => vm.uuid === uuid && vm.node === node.name)) problems.push(`${node.name} runs foreign ${uuid}`)
    }
    if (node.daemonMode === "hypervisor" && node.routerState !== "client") problems.push(`hypervisor ${node.name} routes`)
  }
  const primary = of("PrimaryNode")[0]?.node ?? null
  if (primary !== null && !nodes.some((n) => n.name === primary && n.routerState === "primary")) {
    problems.push(`primary ${primary} is not a primary coordinator`)
  }
  const networks = of("Network")
  for (const child of [...of("DhcpLease"), ...of("DhcpReservation"), ...of("Acl")]) {
    const network = networks.find((n) => n.vni === child.vni)
    if (network === undefined) problems.push(`${child._tag} of unknown network ${child.vni}`)
    else if (child._tag !== "Acl" && !child.ipAddress.startsWith(ipPrefix(network.ip4.network) ?? "\u0000")) {
      problems.push(`${child._tag} ${child.mac} outside ${network.ip4.network}`)
    }
  }
  const pools = new Set(of("Pool").map((p) => p.name as string))
  const volumes = new Set(of("Volume").map((v) => `${v.pool}/${v.name}`))
  for (const osd of of("Osd")) if (!nodes.some((n) => n.name === osd.node)) problems.push(`OSD ${osd.id} on unknown node`)
  for (const v of of("Volume")) if (!pools.has(v.pool)) problems.push(`volume ${v.name} in unknown pool ${v.pool}`)
  for (const s of of("Snapshot")) if (!volumes.has(`${s.pool}/${s.volume}`)) problems.push(`snapshot ${s.name} of unknown volume`)
  for (const vm of vms) for (const disk of vm.rbdList) if (!volumes.has(disk)) problems.push(`VM ${vm.name} disk ${disk} missing`)
  return problems
}
