import {
  Acl,
  AclDescription,
  CephReport,
  DhcpLease,
  DhcpReservation,
  Ip4Config,
  Ip6Config,
  MacAddress,
  Network,
  NetworkDescription,
  Node,
  NodeName,
  NodeResources,
  NodeStaticData,
  Osd,
  OsdId,
  Pool,
  PoolName,
  PrimaryNode,
  RbdDisk,
  Snapshot,
  SnapshotName,
  Vm,
  VmName,
  VmUuid,
  Vni,
  Volume,
  VolumeName
} from "@pvc/core"
import { domainXml } from "./DomainXml.ts"

/*
 * Builders of valid entities with plain defaults, for tests and the demo cluster. Every field can
 * be overridden; ids are given as plain strings/numbers and branded here.
 */

type Fields<C extends abstract new(...args: never) => unknown> = ConstructorParameters<C>[0]
type Overrides<C extends abstract new(...args: never) => unknown> = Partial<Fields<C>>

export const makeResources = (overrides: Partial<Fields<typeof NodeResources>> = {}): NodeResources =>
  new NodeResources({
    memTotal: 64319,
    memUsed: 4096,
    memFree: 60223,
    memAllocated: 0,
    vcpuAllocated: "0",
    cpuLoad: "0.25",
    domainsCount: "0",
    networksCount: "0",
    keepalive: "1764300000",
    ...overrides
  })

export const makeNode = (name: string, overrides: Overrides<typeof Node> = {}): Node =>
  new Node({
    name: NodeName.make(name),
    daemonMode: "hypervisor",
    daemonState: "run",
    routerState: "client",
    domainState: "ready",
    staticData: new NodeStaticData({ cpuCount: "16", kernel: "4.19.0-5-amd64", os: "GNU/Linux", arch: "x86_64" }),
    resources: makeResources(),
    runningDomains: [],
    ipmiHostname: `${name}-lom.pvc.local`,
    ipmiUsername: "admin",
    ipmiPassword: "Passw0rd",
    ...overrides
  })

export const makePrimaryNode = (node: string | null): PrimaryNode =>
  new PrimaryNode({ node: node === null ? null : NodeName.make(node) })

export const minimalDomainXml = (name: string, uuid: string): string =>
  domainXml({ name, uuid, memoryMiB: 1024, vcpus: 1 })

export const makeVm = (
  name: string,
  uuid: string,
  node: string,
  overrides: Omit<Overrides<typeof Vm>, "node" | "lastNode"> & { readonly lastNode?: string | null } = {}
): Vm => {
  const { lastNode = null, ...rest } = overrides
  return new Vm({
    uuid: VmUuid.make(uuid),
    name: VmName.make(name),
    state: "stop",
    node: NodeName.make(node),
    lastNode: lastNode === null ? null : NodeName.make(lastNode),
    failedReason: "",
    consoleLog: "",
    rbdList: [],
    xml: minimalDomainXml(name, uuid),
    ...rest
  })
}

export const rbdDisk = (pool: string, volume: string): RbdDisk => RbdDisk.make(`${pool}/${volume}`)

export const makeNetwork = (vni: number | string, description: string, overrides: Overrides<typeof Network> = {}): Network =>
  new Network({
    vni: Vni.make(String(vni)),
    description: NetworkDescription.make(description),
    type: "managed",
    domain: `${description}.local`,
    ip4: new Ip4Config({ network: null, gateway: null, dhcpFlag: false, dhcpStart: null, dhcpEnd: null }),
    ip6: new Ip6Config({ network: null, gateway: null, dhcpFlag: false }),
    ...overrides
  })

export const makeLease = (
  vni: number | string,
  mac: string,
  ipAddress: string,
  overrides: Partial<Omit<Fields<typeof DhcpLease>, "vni" | "mac">> = {}
): DhcpLease =>
  new DhcpLease({
    vni: Vni.make(String(vni)),
    mac: MacAddress.make(mac),
    ipAddress,
    hostname: "client",
    expiry: "1764303600",
    clientId: "*",
    ...overrides
  })

export const makeReservation = (vni: number | string, mac: string, ipAddress: string, hostname: string | null = null) =>
  new DhcpReservation({ vni: Vni.make(String(vni)), mac: MacAddress.make(mac), ipAddress, hostname })

export const makeAcl = (
  vni: number | string,
  direction: "in" | "out",
  description: string,
  order: number | string,
  rule = "tcp dport 22 accept"
): Acl =>
  new Acl({ vni: Vni.make(String(vni)), direction, description: AclDescription.make(description), order: String(order), rule })

export const makeOsd = (id: string, node: string, device = "/dev/sdb", stats: Record<string, unknown> = {}) =>
  new Osd({ id: OsdId.make(id), node: NodeName.make(node), device, stats })

export const makePool = (name: string, pgs = "128", stats: Record<string, unknown> = {}) =>
  new Pool({ name: PoolName.make(name), pgs, stats })

export const makeVolume = (pool: string, name: string, stats: Record<string, unknown> = { name, size: 4294967296 }) =>
  new Volume({ pool: PoolName.make(pool), name: VolumeName.make(name), stats })

export const makeSnapshot = (pool: string, volume: string, name: string, stats: Record<string, unknown> = {}) =>
  new Snapshot({ pool: PoolName.make(pool), volume: VolumeName.make(volume), name: SnapshotName.make(name), stats })

export const makeCephReport = (status: string, radosDf: string | null = null) => new CephReport({ status, radosDf })
