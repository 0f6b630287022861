import {
  Acl,
  CephReport,
  DhcpLease,
  DhcpReservation,
  type Entity,
  type EntityKey,
  EntityKey as Keys,
  Network,
  Node,
  Osd,
  Pool,
  PrimaryNode,
  Snapshot,
  unrecognizedValues,
  Vm,
  Volume
} from "@pvc/core"
import { Result, Schema } from "effect"

/*
 * The codec between entities and the ZooKeeper keys of zk-layout.md: where each entity lives,
 * which values its keys hold, and which keys carry its revision.
 */

export type Tag = Entity["_tag"]

/** Read access to a (mirrored) tree of znodes. */
export interface TreeView {
  readonly data: (path: string) => string | undefined
  readonly version: (path: string) => number | undefined
  readonly children: (path: string) => ReadonlyArray<string> | undefined
}

/** The entity a znode belongs to. */
export interface Located {
  readonly tag: Tag
  readonly key: EntityKey
  readonly root: string
}

/** What `pvc init` creates (zk-layout §1), in sorted key order. */
export const INIT_KEYS: ReadonlyArray<readonly [string, string]> = [
  ["/ceph", ""],
  ["/ceph/osds", ""],
  ["/ceph/pools", ""],
  ["/ceph/snapshots", ""],
  ["/ceph/volumes", ""],
  ["/domains", ""],
  ["/networks", ""],
  ["/nodes", ""],
  ["/primary_node", "none"]
]

/** The cluster tree the mirror follows. */
export const ROOT_KEYS = ["/nodes", "/primary_node", "/domains", "/networks", "/ceph"] as const

const NETWORK_CONTAINERS = new Set(["dhcp4_leases", "dhcp4_reservations", "firewall_rules"])

const segments = (path: string): ReadonlyArray<string> => path.split("/").slice(1)

/** Whether the mirror follows this znode at all (the Ceph command pipe and its locks are not state). */
export const isMirrored = (path: string): boolean => {
  const s = segments(path)
  if (s[0] === "ceph" && s[1] === "cmd") return false
  return (ROOT_KEYS as ReadonlyArray<string>).includes(`/${s[0]}`)
}

/** Whether the children of this znode are part of the state (not, e.g., lock nodes under a value key). */
export const tracksChildren = (path: string): boolean => {
  const s = segments(path)
  const n = s.length
  switch (s[0]) {
    case "nodes":
    case "domains":
      return n <= 2
    case "networks":
      if (n <= 2) return true
      if (!NETWORK_CONTAINERS.has(s[2]!)) return false
      if (s[2] === "firewall_rules") return n <= 5
      return n <= 4
    case "ceph":
      if (n === 1) return true
      switch (s[1]) {
        case "osds":
        case "pools":
          return n <= 3
        case "volumes":
          return n <= 4
        case "snapshots":
          return n <= 5
        default:
          return false
      }
    default:
      return false
  }
}

const at = (tag: Tag, key: EntityKey, root: string): Located => ({ tag, key, root })

/** The entity whose keys include `path`, if any. */
export const locate = (path: string): Located | undefined => {
  const s = segments(path)
  switch (s[0]) {
    case "primary_node":
      return s.length === 1 ? at("PrimaryNode", Keys.primaryNode, "/primary_node") : undefined
    case "nodes":
      return s.length >= 2 ? at("Node", Keys.node(s[1]!), `/nodes/${s[1]}`) : undefined
    case "domains":
      return s.length >= 2 ? at("Vm", Keys.vm(s[1]!), `/domains/${s[1]}`) : undefined
    case "networks":
      return locateNetwork(s)
    case "ceph":
      return locateCeph(s)
    default:
      return undefined
  }
}

const locateNetwork = (s: ReadonlyArray<string>): Located | undefined => {
  // Any child name is a network: the original CLI does not enforce digits (zk-layout §1).
  if (s.length < 2) return undefined
  const vni = s[1]!
  const net = `/networks/${s[1]}`
  if (s.length === 2 || !NETWORK_CONTAINERS.has(s[2]!)) return at("Network", Keys.network(vni), net)
  // The containers whose versions order concurrent ACL and reservation writes belong to the network.
  if (s.length === 3 && s[2] === "dhcp4_reservations") return at("Network", Keys.network(vni), net)
  if (s.length === 4 && s[2] === "firewall_rules" && (s[3] === "in" || s[3] === "out")) {
    return at("Network", Keys.network(vni), net)
  }
  if (s[2] === "dhcp4_leases" && s.length >= 4) {
    return at("DhcpLease", Keys.dhcpLease(vni, s[3]!), `${net}/dhcp4_leases/${s[3]}`)
  }
  if (s[2] === "dhcp4_reservations" && s.length >= 4) {
    return at("DhcpReservation", Keys.dhcpReservation(vni, s[3]!), `${net}/dhcp4_reservations/${s[3]}`)
  }
  if (s[2] === "firewall_rules" && s.length >= 5 && (s[3] === "in" || s[3] === "out")) {
    return at("Acl", Keys.acl(vni, s[3], s[4]!), `${net}/firewall_rules/${s[3]}/${s[4]}`)
  }
  return undefined
}

const locateCeph = (s: ReadonlyArray<string>): Located | undefined => {
  if (s.length === 1 || (s.length === 2 && s[1] === "radosdf")) return at("CephReport", Keys.cephReport, "/ceph")
  switch (s[1]) {
    case "osds":
      return s.length >= 3 ? at("Osd", Keys.osd(s[2]!), `/ceph/osds/${s[2]}`) : undefined
    case "pools":
      return s.length >= 3 ? at("Pool", Keys.pool(s[2]!), `/ceph/pools/${s[2]}`) : undefined
    case "volumes":
      return s.length >= 4 ? at("Volume", Keys.volume(s[2]!, s[3]!), `/ceph/volumes/${s[2]}/${s[3]}`) : undefined
    case "snapshots":
      return s.length >= 5
        ? at("Snapshot", Keys.snapshot(s[2]!, s[3]!, s[4]!), `/ceph/snapshots/${s[2]}/${s[3]}/${s[4]}`)
        : undefined
    default:
      return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Entity → keys

/**
 * `value`: a key of the entity; `container`: a pure parent that may already exist (skipped then,
 * e.g. `/ceph/volumes/<pool>` before its pool); `shared`: the root of a singleton that may exist
 * without the entity (`/ceph`), set when present.
 */
export type KeyRole = "root" | "value" | "container" | "shared"
export interface KeyValue {
  readonly path: string
  readonly value: string
  readonly role: KeyRole
}

const none = (v: string | null): string => v ?? "None"
const bool = (b: boolean): string => (b ? "True" : "False")
const json = (v: unknown): string => JSON.stringify(v)

/** The znode of an entity. */
export const rootOf = (entity: Entity): string => {
  switch (entity._tag) {
    case "Node":
      return `/nodes/${entity.name}`
    case "PrimaryNode":
      return "/primary_node"
    case "Vm":
      return `/domains/${entity.uuid}`
    case "Network":
      return `/networks/${entity.vni}`
    case "DhcpLease":
      return `/networks/${entity.vni}/dhcp4_leases/${entity.mac}`
    case "DhcpReservation":
      return `/networks/${entity.vni}/dhcp4_reservations/${entity.mac}`
    case "Acl":
      return `/networks/${entity.vni}/firewall_rules/${entity.direction}/${entity.description}`
    case "Osd":
      return `/ceph/osds/${entity.id}`
    case "Pool":
      return `/ceph/pools/${entity.name}`
    case "Volume":
      return `/ceph/volumes/${entity.pool}/${entity.name}`
    case "Snapshot":
      return `/ceph/snapshots/${entity.pool}/${entity.volume}/${entity.name}`
    case "CephReport":
      return "/ceph"
  }
}

const children = (root: string, rootValue: string, values: ReadonlyArray<readonly [string, string]>) => [
  { path: root, value: rootValue, role: "root" as const },
  ...values.map(([k, value]) => ({ path: `${root}/${k}`, value, role: "value" as const }))
]

/** Every key of an entity with the value zk-layout prescribes (parents before children). */
export const encode = (entity: Entity): ReadonlyArray<KeyValue> => {
  const root = rootOf(entity)
  switch (entity._tag) {
    case "Node": {
      const r = entity.resources
      const sd = entity.staticData
      return children(root, entity.daemonMode, [
        ["cpuload", r.cpuLoad],
        ["daemonmode", entity.daemonMode],
        ["daemonstate", entity.daemonState],
        ["domainscount", r.domainsCount],
        ["domainstate", entity.domainState],
        ["ipmihostname", entity.ipmiHostname],
        ["ipmipassword", entity.ipmiPassword],
        ["ipmiusername", entity.ipmiUsername],
        ["keepalive", r.keepalive],
        ["memalloc", String(r.memAllocated)],
        ["memfree", String(r.memFree)],
        ["memtotal", String(r.memTotal)],
        ["memused", String(r.memUsed)],
        ["networkscount", r.networksCount],
        ["routerstate", entity.routerState],
        ["runningdomains", entity.runningDomains.join(" ")],
        ["staticdata", [sd.cpuCount, sd.kernel, sd.os, sd.arch].join(" ")],
        ["vcpualloc", r.vcpuAllocated]
      ])
    }
    case "PrimaryNode":
      return [{ path: root, value: entity.node ?? "none", role: "root" }]
    case "Vm":
      return children(root, entity.name, [
        ["consolelog", entity.consoleLog],
        ["failedreason", entity.failedReason],
        ["lastnode", entity.lastNode ?? ""],
        ["node", entity.node],
        ["rbdlist", entity.rbdList.join(",")],
        ["state", entity.state],
        ["xml", entity.xml]
      ])
    case "Network":
      return [
        ...children(root, entity.description, [
          ["dhcp4_end", none(entity.ip4.dhcpEnd)],
          ["dhcp4_flag", bool(entity.ip4.dhcpFlag)],
          ["dhcp4_start", none(entity.ip4.dhcpStart)],
          ["dhcp6_flag", bool(entity.ip6.dhcpFlag)],
          ["domain", entity.domain],
          ["ip4_gateway", none(entity.ip4.gateway)],
          ["ip4_network", none(entity.ip4.network)],
          ["ip6_gateway", none(entity.ip6.gateway)],
          ["ip6_network", none(entity.ip6.network)],
          ["nettype", entity.type]
        ]),
        ...["dhcp4_leases", "dhcp4_reservations", "firewall_rules", "firewall_rules/in", "firewall_rules/out"].map(
          (k) => ({ path: `${root}/${k}`, value: "", role: "container" as const })
        )
      ].sort(byPath)
    case "DhcpLease":
      return children(root, "", [
        ["clientid", entity.clientId],
        ["expiry", entity.expiry],
        ["hostname", entity.hostname],
        ["ipaddr", entity.ipAddress]
      ])
    case "DhcpReservation":
      return children(root, "static", [["hostname", none(entity.hostname)], ["ipaddr", entity.ipAddress]])
    case "Acl":
      return children(root, "", [["order", entity.order], ["rule", entity.rule]])
    case "Osd":
      return children(root, "", [["device", entity.device], ["node", entity.node], ["stats", json(entity.stats)]])
    case "Pool":
      return [
        ...children(root, "", [["pgs", entity.pgs], ["stats", json(entity.stats)]]),
        { path: `/ceph/snapshots/${entity.name}`, value: "", role: "container" as const },
        { path: `/ceph/volumes/${entity.name}`, value: "", role: "container" as const }
      ]
    case "Volume":
      return [
        ...children(root, "", [["stats", json(entity.stats) + "\n"]]),
        { path: `/ceph/snapshots/${entity.pool}/${entity.name}`, value: "", role: "container" as const }
      ]
    case "Snapshot":
      return children(root, "", [["stats", json(entity.stats)]])
    case "CephReport":
      return [
        { path: root, value: entity.status, role: "shared" },
        ...(entity.radosDf === null ? [] : [{ path: `${root}/radosdf`, value: entity.radosDf, role: "value" as const }])
      ]
  }
}

const byPath = (a: KeyValue, b: KeyValue) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)

/**
 * The container whose version sequences writes of this entity: an ACL's direction, a
 * reservation's list. A multi that writes such an entity also sets the container at the version
 * its base saw, so two writers that each add to the same (even empty) list cannot both succeed.
 */
export const sequenced = (entity: Entity): string | undefined =>
  entity._tag === "Acl"
    ? `/networks/${entity.vni}/firewall_rules/${entity.direction}`
    : entity._tag === "DhcpReservation"
    ? `/networks/${entity.vni}/dhcp4_reservations`
    : undefined

/** Subtrees deleted when the entity is removed (zk-layout deletes are recursive). */
export const removalRoots = (entity: Entity): ReadonlyArray<string> => {
  switch (entity._tag) {
    case "Pool":
      return [rootOf(entity), `/ceph/volumes/${entity.name}`, `/ceph/snapshots/${entity.name}`]
    case "Volume":
      return [rootOf(entity), `/ceph/snapshots/${entity.pool}/${entity.name}`]
    default:
      return [rootOf(entity)]
  }
}

/**
 * The keys whose versions make an entity's revision: what decisions read and what the API or a
 * daemon writes on purpose — not the figures a keepalive rewrites every few seconds (node
 * resources and running list, OSD/pool stats, console log), so a plan does not go stale because
 * a heartbeat passed. A commit checks these keys at the versions of its base snapshot.
 */
const GUARDED: Record<Tag, ReadonlyArray<string>> = {
  Node: ["", "daemonmode", "daemonstate", "routerstate", "domainstate", "staticdata", "ipmihostname", "ipmiusername", "ipmipassword"],
  PrimaryNode: [""],
  Vm: ["", "state", "node", "lastnode", "failedreason", "rbdlist", "xml"],
  Network: [
    "",
    "nettype",
    "domain",
    "ip6_network",
    "ip6_gateway",
    "dhcp6_flag",
    "ip4_network",
    "ip4_gateway",
    "dhcp4_flag",
    "dhcp4_start",
    "dhcp4_end",
    // Bumped by every ACL / reservation write (see `sequenced`), so concurrent ones conflict.
    "firewall_rules/in",
    "firewall_rules/out",
    "dhcp4_reservations"
  ],
  DhcpLease: ["", "expiry", "ipaddr", "hostname", "clientid"],
  DhcpReservation: ["", "hostname", "ipaddr"],
  Acl: ["", "order", "rule"],
  Osd: ["", "node", "device"],
  Pool: ["", "pgs"],
  Volume: ["", "stats"],
  Snapshot: ["", "stats"],
  CephReport: ["", "radosdf"]
}

export const guardedPaths = (tag: Tag, root: string): ReadonlyArray<string> =>
  GUARDED[tag].map((k) => (k === "" ? root : `${root}/${k}`))

/** Revision text: the versions of the guarded keys, `-` for an absent key. */
export const revisionText = (tag: Tag, root: string, tree: TreeView): string =>
  guardedPaths(tag, root).map((p) => tree.version(p) ?? "-").join(".")

/** The guarded keys with the versions a revision text recorded. */
export const parseRevision = (
  tag: Tag,
  root: string,
  revision: string
): ReadonlyArray<{ readonly path: string; readonly version: number | undefined }> => {
  const versions = revision.split(".")
  return guardedPaths(tag, root).map((path, i) => {
    const v = versions[i]
    return { path, version: v === undefined || v === "-" ? undefined : Number(v) }
  })
}

// ---------------------------------------------------------------------------------------------
// Keys → entity

export type Decoded =
  | { readonly _tag: "Absent" }
  /** `unrecognized`: values outside what the API writes, kept as stored (core `unrecognizedValues`). */
  | { readonly _tag: "Decoded"; readonly entity: Entity; readonly unrecognized: ReadonlyArray<string> }
  | { readonly _tag: "Invalid"; readonly reason: string }

const ABSENT: Decoded = { _tag: "Absent" }

const decoders: Record<Tag, (u: unknown) => Result.Result<Entity, Schema.SchemaError>> = {
  Node: Schema.decodeUnknownResult(Node),
  PrimaryNode: Schema.decodeUnknownResult(PrimaryNode),
  Vm: Schema.decodeUnknownResult(Vm),
  Network: Schema.decodeUnknownResult(Network),
  DhcpLease: Schema.decodeUnknownResult(DhcpLease),
  DhcpReservation: Schema.decodeUnknownResult(DhcpReservation),
  Acl: Schema.decodeUnknownResult(Acl),
  Osd: Schema.decodeUnknownResult(Osd),
  Pool: Schema.decodeUnknownResult(Pool),
  Volume: Schema.decodeUnknownResult(Volume),
  Snapshot: Schema.decodeUnknownResult(Snapshot),
  CephReport: Schema.decodeUnknownResult(CephReport)
}

const nullIfNone = (v: string | undefined): string | null => (v === undefined || v === "None" ? null : v)
const int = (v: string | undefined): number => {
  const n = v === undefined ? NaN : Number.parseInt(v, 10)
  return Number.isFinite(n) ? n : 0
}
const parseJson = (v: string | undefined): unknown => {
  if (v === undefined || v.trim() === "") return {}
  try {
    const parsed: unknown = JSON.parse(v)
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {}
  } catch {
    return {}
  }
}
const words = (v: string | undefined): ReadonlyArray<string> => (v ?? "").split(/\s+/).filter((w) => w.length > 0)

/** `nettype`: the original API only checks that the value contains one of the words. */
const netType = (v: string | undefined): string =>
  v === undefined ? "managed" : v.includes("managed") ? "managed" : v.includes("bridged") ? "bridged" : v

const fields = (loc: Located, tree: TreeView) => {
  const seg = segments(loc.root)
  const get = (k: string) => tree.data(`${loc.root}/${k}`)
  return { seg, get }
}

const encodedOf = (loc: Located, tree: TreeView, rootData: string): Record<string, unknown> | undefined => {
  const { seg, get } = fields(loc, tree)
  switch (loc.tag) {
    case "Node": {
      const sd = words(get("staticdata"))
      return {
        name: seg[1],
        daemonMode: get("daemonmode") ?? rootData,
        daemonState: get("daemonstate") ?? "init",
        routerState: get("routerstate") ?? "client",
        domainState: get("domainstate") ?? "flushed",
        staticData: { cpuCount: sd[0] ?? "", kernel: sd[1] ?? "", os: sd[2] ?? "", arch: sd[3] ?? "" },
        resources: {
          memTotal: int(get("memtotal")),
          memUsed: int(get("memused")),
          memFree: int(get("memfree")),
          memAllocated: int(get("memalloc")),
          vcpuAllocated: get("vcpualloc") ?? "0",
          cpuLoad: get("cpuload") ?? "0",
          domainsCount: get("domainscount") ?? "0",
          networksCount: get("networkscount") ?? "0",
          keepalive: get("keepalive") ?? "0"
        },
        runningDomains: words(get("runningdomains")),
        ipmiHostname: get("ipmihostname") ?? "",
        ipmiUsername: get("ipmiusername") ?? "",
        ipmiPassword: get("ipmipassword") ?? ""
      }
    }
    case "PrimaryNode": {
      const v = rootData.trim()
      return { node: v === "" || v === "none" || v === "None" ? null : v }
    }
    case "Vm": {
      const lastNode = get("lastnode") ?? ""
      return {
        uuid: seg[1],
        name: rootData,
        state: get("state") ?? "stop",
        node: get("node") ?? "",
        lastNode: lastNode === "" ? null : lastNode,
        failedReason: get("failedreason") ?? "",
        consoleLog: get("consolelog") ?? "",
        rbdList: (get("rbdlist") ?? "").split(",").filter((d) => d.length > 0),
        xml: get("xml") ?? ""
      }
    }
    case "Network":
      return {
        vni: seg[1],
        description: rootData,
        type: netType(get("nettype")),
        domain: get("domain") ?? `${rootData}.local`,
        ip4: {
          network: nullIfNone(get("ip4_network")),
          gateway: nullIfNone(get("ip4_gateway")),
          dhcpFlag: get("dhcp4_flag") === "True",
          dhcpStart: nullIfNone(get("dhcp4_start")),
          dhcpEnd: nullIfNone(get("dhcp4_end"))
        },
        ip6: {
          network: nullIfNone(get("ip6_network")),
          gateway: nullIfNone(get("ip6_gateway")),
          dhcpFlag: get("dhcp6_flag") === "True"
        }
      }
    case "DhcpLease":
      return {
        vni: seg[1],
        mac: seg[3],
        ipAddress: get("ipaddr") ?? "",
        hostname: get("hostname") ?? "",
        expiry: get("expiry") ?? "0",
        clientId: get("clientid") ?? "*"
      }
    case "DhcpReservation":
      return { vni: seg[1], mac: seg[3], ipAddress: get("ipaddr") ?? "", hostname: nullIfNone(get("hostname")) }
    case "Acl":
      return {
        vni: seg[1],
        direction: seg[3],
        description: seg[4],
        order: get("order") ?? "",
        rule: get("rule") ?? ""
      }
    case "Osd":
      return { id: seg[2], node: get("node") ?? "", device: get("device") ?? "", stats: parseJson(get("stats")) }
    case "Pool":
      return { name: seg[2], pgs: get("pgs") ?? "", stats: parseJson(get("stats")) }
    case "Volume":
      return { pool: seg[2], name: seg[3], stats: parseJson(get("stats")) }
    case "Snapshot":
      return { pool: seg[2], volume: seg[3], name: seg[4], stats: parseJson(get("stats")) }
    case "CephReport": {
      const radosDf = get("radosdf")
      // `/ceph` is a plain container until the primary's keepalive writes the status.
      if (rootData === "" && radosDf === undefined) return undefined
      return { status: rootData, radosDf: radosDf ?? null }
    }
  }
}

/** The entity at `loc` in the tree: missing keys take defaults, unusable values make it Invalid. */
export const decode = (loc: Located, tree: TreeView): Decoded => {
  const rootData = tree.data(loc.root)
  if (rootData === undefined) return ABSENT
  const encoded = encodedOf(loc, tree, rootData)
  if (encoded === undefined) return ABSENT
  const result = decoders[loc.tag]({ _tag: loc.tag, ...encoded })
  return Result.isSuccess(result)
    ? { _tag: "Decoded", entity: result.success, unrecognized: unrecognizedValues(result.success) }
    : { _tag: "Invalid", reason: String(result.failure) }
}

// ---------------------------------------------------------------------------------------------
// Single keys read or written outside the entity codec (the Ceph pipe and its responders)

/** zk-layout §1, §2, §5 keys, and pvc-api's own keys (docs/zk-layout-additions.md). */
export const Paths = {
  primaryNode: "/primary_node",
  nodeKey: (node: string, key: "daemonstate" | "keepalive") => `/nodes/${node}/${key}`,
  ceph: "/ceph",
  cephCmd: "/ceph/cmd",
  radosdf: "/ceph/radosdf",
  osds: "/ceph/osds",
  osd: (id: string) => `/ceph/osds/${id}`,
  osdKey: (id: string, key: "node" | "device" | "stats") => `/ceph/osds/${id}/${key}`,
  pools: "/ceph/pools",
  pool: (name: string) => `/ceph/pools/${name}`,
  poolKey: (name: string, key: "pgs" | "stats") => `/ceph/pools/${name}/${key}`,
  volumes: (pool: string) => `/ceph/volumes/${pool}`,
  volume: (pool: string, name: string) => `/ceph/volumes/${pool}/${name}`,
  snapshots: (pool: string) => `/ceph/snapshots/${pool}`,
  snapshotsOf: (pool: string, volume: string) => `/ceph/snapshots/${pool}/${volume}`,
  snapshot: (pool: string, volume: string, name: string) => `/ceph/snapshots/${pool}/${volume}/${name}`,
  /** Ours: the lock that serializes API instances on the pipe (never a child of `/ceph/cmd`). */
  apiRoot: "/pvc-api",
  cephCmdLock: "/pvc-api/ceph-cmd-lock",
  /** Ours: ephemeral presence key of a running `ceph-agent` for `<node>`. */
  cephAgents: "/pvc-api/ceph-agents",
  cephAgent: (node: string) => `/pvc-api/ceph-agents/${node}`
} as const
