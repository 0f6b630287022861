import { type ClusterStore, type Entity, Ip4Config, Ip6Config, type VmState, VmUuid } from "@pvc/core"
import type { Layer } from "effect"
import { layerMemory } from "../memory/ClusterStoreMemory.ts"
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
  makeVm,
  makeVolume,
  rbdDisk
} from "./Builders.ts"
import { cephStatusText, osdStats, poolStats, radosDfText, rbdInfo } from "./CephText.ts"
import { domainXml } from "./DomainXml.ts"

interface DemoVm {
  readonly name: string
  readonly uuid: string
  readonly node: string
  readonly state: VmState
  readonly lastNode?: string
  readonly failedReason?: string
  readonly memoryMiB: number
  readonly vcpus: number
  readonly diskGiB: number
  readonly mac: string
  readonly bridge: string
}

const GiB = 1024 ** 3

/** The demo VMs: one running on each node, a stopped, a migrated and a failed one. */
export const DEMO_VMS: ReadonlyArray<DemoVm> = [
  {
    name: "web1", uuid: "bd849578-3b6a-4f2e-9d1c-6a7e2f0c4b11", node: "hv1", state: "start",
    memoryMiB: 2048, vcpus: 2, diskGiB: 20, mac: "52:54:00:a1:00:01", bridge: "vmbr100"
  },
  {
    name: "web2", uuid: "96cddbad-1f4e-4c8a-b2d3-7e5f6a8b9c22", node: "hv2", state: "start",
    memoryMiB: 2048, vcpus: 2, diskGiB: 20, mac: "52:54:00:a1:00:02", bridge: "vmbr100"
  },
  {
    name: "db1", uuid: "3f1a2b4c-5d6e-4f70-8a9b-0c1d2e3f4a33", node: "hv3", state: "start",
    memoryMiB: 8192, vcpus: 4, diskGiB: 100, mac: "52:54:00:a1:00:03", bridge: "vmbr100"
  },
  {
    name: "mail1", uuid: "a7b8c9d0-e1f2-4a3b-9c4d-5e6f7a8b9c44", node: "hv1", state: "stop",
    memoryMiB: 1024, vcpus: 1, diskGiB: 40, mac: "52:54:00:a1:00:04", bridge: "vmbr100"
  },
  {
    name: "build1", uuid: "c0ffee00-1234-4abc-8def-0123456789ab", node: "hv3", state: "start", lastNode: "hv2",
    memoryMiB: 4096, vcpus: 4, diskGiB: 60, mac: "52:54:00:a1:00:05", bridge: "vmbr100"
  },
  {
    name: "legacy1", uuid: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a866", node: "hv2", state: "failed",
    failedReason: "internal error: process exited while connecting to monitor: " +
      "Could not open '/var/lib/libvirt/images/legacy1-scratch.qcow2': Permission denied",
    memoryMiB: 1024, vcpus: 1, diskGiB: 10, mac: "52:54:00:b2:00:01", bridge: "vmbr200"
  },
  {
    name: "proxy1", uuid: "0d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d577", node: "hv2", state: "start",
    memoryMiB: 512, vcpus: 1, diskGiB: 10, mac: "52:54:00:b2:00:02", bridge: "vmbr200"
  }
]

const RUNNING: ReadonlySet<VmState> = new Set(["start", "restart", "shutdown", "migrate"])

const demoVm = (vm: DemoVm) =>
  makeVm(vm.name, vm.uuid, vm.node, {
    state: vm.state,
    lastNode: vm.lastNode ?? null,
    failedReason: vm.failedReason ?? "",
    consoleLog: vm.state === "start" ? `\nDebian GNU/Linux 10 ${vm.name} ttyS0\n\n${vm.name} login: ` : "",
    rbdList: [rbdDisk("vms", `${vm.name}_disk0`)],
    xml: domainXml({
      name: vm.name,
      uuid: vm.uuid,
      description: `${vm.name} (demo)`,
      memoryMiB: vm.memoryMiB,
      vcpus: vm.vcpus,
      rbdDisks: [`vms/${vm.name}_disk0`],
      fileDisks: [`/var/lib/libvirt/images/${vm.name}-scratch.qcow2`],
      interfaces: [{ mac: vm.mac, bridge: vm.bridge }],
      monitors: ["hv1", "hv2", "hv3"]
    })
  })

const demoNode = (name: string, role: "primary" | "secondary" | "client", memUsed: number, load: string) => {
  const running = DEMO_VMS.filter((vm) => vm.node === name && RUNNING.has(vm.state))
  const memTotal = 64319
  return makeNode(name, {
    daemonMode: role === "client" ? "hypervisor" : "coordinator",
    daemonState: "run",
    routerState: role,
    domainState: "ready",
    runningDomains: running.map((vm) => VmUuid.make(vm.uuid)),
    resources: makeResources({
      memTotal,
      memUsed,
      memFree: memTotal - memUsed,
      memAllocated: running.reduce((sum, vm) => sum + vm.memoryMiB, 0),
      vcpuAllocated: String(running.reduce((sum, vm) => sum + vm.vcpus, 0)),
      cpuLoad: load,
      domainsCount: String(running.length),
      keepalive: "1562925600"
    })
  })
}

const demoNetworks = (): ReadonlyArray<Entity> => [
  makeNetwork(100, "cluster-net", {
    type: "managed",
    domain: "cluster-net.local",
    ip4: new Ip4Config({
      network: "10.100.0.0/24",
      gateway: "10.100.0.1",
      dhcpFlag: true,
      dhcpStart: "10.100.0.100",
      dhcpEnd: "10.100.0.199"
    }),
    ip6: new Ip6Config({ network: "2001:db8:100::/64", gateway: "2001:db8:100::1", dhcpFlag: true })
  }),
  makeLease(100, "52:54:00:a1:00:01", "10.100.0.101", { hostname: "web1", expiry: "1562929200", clientId: "01:52:54:00:a1:00:01" }),
  makeLease(100, "52:54:00:a1:00:02", "10.100.0.102", { hostname: "web2", expiry: "1562929260", clientId: "*" }),
  makeLease(100, "52:54:00:a1:00:05", "10.100.0.105", { hostname: "build1", expiry: "0", clientId: "*" }),
  makeReservation(100, "52:54:00:a1:00:03", "10.100.0.10", "db1"),
  makeReservation(100, "52:54:00:a1:00:04", "10.100.0.11", "mail1"),
  makeReservation(100, "52:54:00:a1:00:99", "10.100.0.20", null),
  makeAcl(100, "in", "allow-ssh", 0, "tcp dport 22 ct state new accept"),
  makeAcl(100, "in", "allow-web", 1, "tcp dport { 80, 443 } accept"),
  makeAcl(100, "in", "allow-smtp", 2, "ip daddr 10.100.0.11 tcp dport 25 accept"),
  makeAcl(100, "out", "allow-dns", 0, "udp dport 53 accept"),
  makeAcl(100, "out", "allow-ntp", 1, "udp dport 123 accept"),
  makeNetwork(200, "public-vlan", { type: "bridged", domain: "public-vlan.local" })
]

const demoCeph = (): ReadonlyArray<Entity> => {
  const volumes = [
    ...DEMO_VMS.map((vm) => makeVolume("vms", `${vm.name}_disk0`, rbdInfo(`${vm.name}_disk0`, vm.diskGiB * GiB))),
    makeVolume("backup", "db1_dump", rbdInfo("db1_dump", 200 * GiB))
  ]
  return [
    makeOsd("0", "hv1", "/dev/sdb", osdStats(0, "hv1", 21)),
    makeOsd("1", "hv2", "/dev/sdb", osdStats(1, "hv2", 19)),
    makeOsd("2", "hv3", "/dev/sdb", osdStats(2, "hv3", 23)),
    makePool("vms", "256", poolStats(1, DEMO_VMS.length)),
    makePool("backup", "64", poolStats(2, 1)),
    ...volumes,
    makeSnapshot("vms", "db1_disk0", "before-upgrade"),
    makeSnapshot("vms", "web1_disk0", "daily-20190711"),
    makeSnapshot("backup", "db1_dump", "weekly-20190707"),
    makeCephReport(
      cephStatusText({ osds: 3, pools: 2, objects: volumes.length * 1024, monitors: ["hv1", "hv2", "hv3"] }),
      radosDfText([{ name: "backup", objects: 1024 }, { name: "vms", objects: DEMO_VMS.length * 1024 }])
    )
  ]
}

/**
 * A small, realistic cluster: hv1 (primary coordinator), hv2 (secondary coordinator) and hv3
 * (hypervisor); seven VMs; a managed VXLAN with leases, reservations and ACLs and a bridged vLAN;
 * one OSD per node, two pools, the VMs' RBD volumes and a few snapshots. Parents come first.
 */
export const demoCluster = (): ReadonlyArray<Entity> => [
  demoNode("hv1", "primary", 9830, "0.52"),
  demoNode("hv2", "secondary", 7168, "0.31"),
  demoNode("hv3", "client", 14336, "1.08"),
  makePrimaryNode("hv1"),
  ...DEMO_VMS.map(demoVm),
  ...demoNetworks(),
  ...demoCeph()
]

/** The in-memory cluster store seeded with `demoCluster()`, fresh for every build. */
export const layerDemo: Layer.Layer<ClusterStore> = layerMemory(demoCluster())
