import {
  Acl,
  AclDescription,
  DhcpLease,
  DhcpReservation,
  type Entity,
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
  Vm,
  VmName,
  VmUuid,
  Vni,
  Volume,
  VolumeName
} from "@pvc/core"
import { Effect, Schema } from "effect"
import { encode, INIT_KEYS, ROOT_KEYS } from "./Layout.ts"
import type { ZkClientShape, ZkOp } from "./ZkClient.ts"
import { listSubtree } from "./ZkTree.ts"

/** The target ZooKeeper already holds a cluster and `force` was not given. */
export class ClusterNotEmpty extends Schema.TaggedError<ClusterNotEmpty>()("ClusterNotEmpty", {
  keys: Schema.Array(Schema.String)
}) {}

const MAX_OPS_PER_MULTI = 1_000
const MAX_BYTES_PER_MULTI = 512 * 1024
const PARALLEL_MULTIS = 8

/** Children of `/` that belong to a PVC cluster (ZooKeeper's own `/zookeeper` does not). */
const existingRoots = (zk: ZkClientShape) =>
  Effect.map(zk.getChildren("/"), (children) =>
    (children ?? []).filter((c) => c !== "zookeeper").map((c) => `/${c}`)
  )

/** Split ops into multis small enough for ZooKeeper's request limit. */
const chunk = (groups: ReadonlyArray<ReadonlyArray<ZkOp>>): ReadonlyArray<ReadonlyArray<ZkOp>> => {
  const chunks: Array<Array<ZkOp>> = []
  let current: Array<ZkOp> = []
  let bytes = 0
  for (const group of groups) {
    const size = group.reduce((n, op) => n + op.path.length + ("data" in op ? Buffer.byteLength(op.data) : 0) + 32, 0)
    if (current.length > 0 && (current.length + group.length > MAX_OPS_PER_MULTI || bytes + size > MAX_BYTES_PER_MULTI)) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(...group)
    bytes += size
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

const runChunks = (zk: ZkClientShape, groups: ReadonlyArray<ReadonlyArray<ZkOp>>) =>
  Effect.forEach(chunk(groups), (ops) => zk.multi(ops), { concurrency: PARALLEL_MULTIS, discard: true })

/** Delete the cluster's root keys recursively, in batches (children first). */
const wipe = Effect.fnUntraced(function*(zk: ZkClientShape) {
  const roots = yield* existingRoots(zk)
  const kept = roots.filter((r) => (ROOT_KEYS as ReadonlyArray<string>).includes(r))
  for (const root of kept) {
    const paths = yield* listSubtree(zk, root, 16)
    // Deeper paths first so that each batch only deletes leaves.
    const byDepth = [...paths].sort((a, b) => b.split("/").length - a.split("/").length)
    const ops = byDepth.map((path): ZkOp => ({ op: "delete", path, version: -1 }))
    for (const c of chunk(ops.map((op) => [op]))) yield* zk.multi(c)
  }
})

/**
 * `pvc init` (zk-layout §1): create the root keys in one transaction. A ZooKeeper that already
 * holds anything but its own `/zookeeper` is refused unless `force`, which first deletes the
 * cluster's root keys recursively.
 */
export const initCluster = Effect.fnUntraced(function*(zk: ZkClientShape, options: { readonly force?: boolean } = {}) {
  const roots = yield* existingRoots(zk)
  if (roots.length > 0) {
    if (options.force !== true) return yield* new ClusterNotEmpty({ keys: roots })
    yield* wipe(zk)
  }
  yield* zk.multi(INIT_KEYS.map(([path, data]): ZkOp => ({ op: "create", path, data })))
})

export interface SeedOptions {
  readonly nodes?: number
  readonly coordinators?: number
  readonly vms?: number
  readonly networks?: number
  readonly osds?: number
  readonly pools?: number
  /** RBD volumes, one per VM disk by default (the VM's `rbdlist`). */
  readonly volumes?: boolean
  readonly force?: boolean
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0")
const uuidOf = (i: number) => `${hex(i, 8)}-5eed-4000-8000-${hex(i * 2654435761 % 2 ** 32, 12)}`
const macOf = (vni: number, i: number) =>
  `52:54:00:${hex(vni % 256, 2)}:${hex(Math.floor(i / 256) % 256, 2)}:${hex(i % 256, 2)}`

export const seedDomainXml = (name: string, uuid: string, memoryMiB: number, vcpus: number, disk: string, mac: string, vni: number) =>
  `<domain type="kvm">
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <description>Seeded VM ${name}</description>
  <memory unit="MiB">${memoryMiB}</memory>
  <vcpu>${vcpus}</vcpu>
  <cpu><topology sockets="1" cores="${vcpus}" threads="1"/></cpu>
  <os><type arch="x86_64" machine="pc-i440fx-2.7">hvm</type></os>
  <features><acpi/><apic/></features>
  <devices>
    <emulator>/usr/bin/kvm</emulator>
    <controller type="usb" index="0"/>
    <disk type="network" device="disk">
      <driver name="qemu" discard="unmap"/>
      <source protocol="rbd" name="${disk}"><host name="hv1" port="6789"/></source>
      <target dev="sda" bus="scsi"/>
    </disk>
    <interface type="bridge">
      <mac address="${mac}"/>
      <source bridge="vmbr${vni}"/>
      <model type="virtio"/>
    </interface>
    <console type="pty"/>
  </devices>
</domain>`

/** A synthetic cluster as its node daemons and the API would have written it. */
export const seedEntities = (options: SeedOptions = {}): ReadonlyArray<ReadonlyArray<Entity>> => {
  const nodeCount = Math.max(1, options.nodes ?? 3)
  const coordinators = Math.min(nodeCount, options.coordinators ?? 3)
  const vmCount = options.vms ?? 10
  const netCount = Math.max(options.networks ?? 2, vmCount > 0 ? 1 : 0)
  const names = Array.from({ length: nodeCount }, (_, i) => `hv${i + 1}`)
  const vnis = Array.from({ length: netCount }, (_, i) => 100 + i)
  const vms: Array<Vm> = []
  const running = new Map<string, Array<string>>(names.map((n) => [n, []]))
  for (let i = 0; i < vmCount; i++) {
    const uuid = uuidOf(i + 1)
    const name = `vm${String(i + 1).padStart(5, "0")}`
    const node = names[i % nodeCount]!
    const vni = vnis[i % netCount]!
    const disk = `vms/${name}_disk0`
    const state = i % 10 === 9 ? "stop" : "start"
    if (state === "start") running.get(node)!.push(uuid)
    vms.push(
      new Vm({
        uuid: VmUuid.make(uuid),
        name: VmName.make(name),
        state,
        node: NodeName.make(node),
        lastNode: null,
        failedReason: "",
        consoleLog: "",
        rbdList: [RbdDisk.make(disk)],
        xml: seedDomainXml(name, uuid, 1024, 2, disk, macOf(vni, i), vni)
      })
    )
  }
  const nodes = names.map((name, i) => {
    const count = running.get(name)!.length
    return new Node({
      name: NodeName.make(name),
      daemonMode: i < coordinators ? "coordinator" : "hypervisor",
      daemonState: "run",
      routerState: i === 0 ? "primary" : i < coordinators ? "secondary" : "client",
      domainState: "ready",
      staticData: new NodeStaticData({ cpuCount: "32", kernel: "4.19.0-5-amd64", os: "GNU/Linux", arch: "x86_64" }),
      resources: new NodeResources({
        memTotal: 257_000 + count,
        memUsed: 4096 + count * 1024,
        memFree: 252_904 - count * 1024,
        memAllocated: count * 1024,
        vcpuAllocated: String(count * 2),
        cpuLoad: (0.25 + i / 10).toFixed(2),
        domainsCount: String(count),
        networksCount: "0",
        keepalive: String(Math.floor(Date.now() / 1000))
      }),
      runningDomains: running.get(name)!.map((u) => VmUuid.make(u)),
      ipmiHostname: `${name}-lom.pvc.local`,
      ipmiUsername: "admin",
      ipmiPassword: "Passw0rd"
    })
  })
  const networks = vnis.map((vni) =>
    new Network({
      vni: Vni.make(String(vni)),
      description: NetworkDescription.make(`net${vni}`),
      type: "managed",
      domain: `net${vni}.local`,
      ip4: new Ip4Config({
        network: `10.${vni % 256}.0.0/16`,
        gateway: `10.${vni % 256}.0.1`,
        dhcpFlag: true,
        dhcpStart: `10.${vni % 256}.1.1`,
        dhcpEnd: `10.${vni % 256}.200.254`
      }),
      ip6: new Ip6Config({ network: null, gateway: null, dhcpFlag: false })
    })
  )
  const perNetwork = vnis.flatMap((vni) => [
    new DhcpLease({
      vni: Vni.make(String(vni)),
      mac: MacAddress.make(macOf(vni, 60000)),
      ipAddress: `10.${vni % 256}.1.10`,
      hostname: `client${vni}`,
      expiry: String(Math.floor(Date.now() / 1000) + 3600),
      clientId: "*"
    }),
    new DhcpReservation({
      vni: Vni.make(String(vni)),
      mac: MacAddress.make(macOf(vni, 60001)),
      ipAddress: `10.${vni % 256}.0.10`,
      hostname: `static${vni}`
    }),
    new Acl({
      vni: Vni.make(String(vni)),
      direction: "in",
      description: AclDescription.make("allow-ssh"),
      order: "0",
      rule: "tcp dport 22 accept"
    }),
    new Acl({
      vni: Vni.make(String(vni)),
      direction: "out",
      description: AclDescription.make("allow-all"),
      order: "0",
      rule: "accept"
    })
  ])
  const osds = Array.from({ length: options.osds ?? nodeCount }, (_, i) =>
    new Osd({
      id: OsdId.make(String(i)),
      node: NodeName.make(names[i % nodeCount]!),
      device: "/dev/sdb",
      stats: { uuid: uuidOf(90_000 + i), up: 1, in: 1, utilization: 10.5, pgs: 128, weight: 1.8, reweight: 1, state: "exists,up" }
    })
  )
  const poolNames = ["vms", ...Array.from({ length: Math.max(0, (options.pools ?? 1) - 1) }, (_, i) => `pool${i + 2}`)]
  const pools = poolNames.map((name, i) =>
    new Pool({ name: PoolName.make(name), pgs: "128", stats: { id: i + 1, size_bytes: 0, num_objects: 0 } })
  )
  const volumes = options.volumes === false ? [] : vms.map((vm) =>
    new Volume({
      pool: PoolName.make("vms"),
      name: VolumeName.make(`${vm.name}_disk0`),
      stats: { name: `${vm.name}_disk0`, size: 10_737_418_240, objects: 2560, order: 22, format: 2, features: ["layering"], flags: [] }
    })
  )
  const primary = new PrimaryNode({ node: NodeName.make(names[0]!) })
  // Parents before children: each level is written after the previous one.
  return [[...nodes, primary, ...networks, ...osds, ...pools], [...vms, ...perNetwork, ...volumes]]
}

/** Write a synthetic cluster (see `seedEntities`) in batched multi transactions. */
export const seedCluster = Effect.fnUntraced(function*(zk: ZkClientShape, options: SeedOptions = {}) {
  const roots = yield* existingRoots(zk)
  const populated = yield* Effect.forEach(["/nodes", "/domains", "/networks"], (p) => zk.getChildren(p))
  const isInit = roots.length > 0 && populated.every((c) => c !== undefined && c.length === 0)
  if (!isInit) yield* initCluster(zk, { force: options.force === true || roots.length === 0 })
  const levels = seedEntities(options)
  let count = 0
  for (const level of levels) {
    const groups = level.map((entity) =>
      encode(entity).map((kv): ZkOp =>
          entity._tag === "PrimaryNode"
            ? { op: "set", path: kv.path, data: kv.value, version: -1 }
            : { op: "create", path: kv.path, data: kv.value }
        )
    )
    yield* runChunks(zk, groups)
    count += level.length
  }
  return count
})
