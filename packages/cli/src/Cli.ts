import { type Client, layer, OSD_OPTIONS, PvcClient, type PvcError } from "@pvc/client"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag, Prompt } from "effect/cli"
import { readFileSync } from "node:fs"
import { stringify } from "yaml"
import { findCluster, readClusters, writeClusters } from "./Clusters.ts"
import { NotFound, UsageError } from "./Errors.ts"
import { type Column, record, scalar, table, type Terminal } from "./Table.ts"

export const DEFAULT_URL = "http://127.0.0.1:7370"

// ---- the root and its shared flags -------------------------------------------------------------

export const pvc = Command.make("pvc").pipe(
  Command.withSharedFlags({
    url: Flag.String("url").pipe(Flag.withDescription("API base URL (env PVC_URL; default http://127.0.0.1:7370)"), Flag.optional),
    token: Flag.String("token").pipe(Flag.withDescription("API token (env PVC_TOKEN)"), Flag.optional),
    caFile: Flag.String("ca-file").pipe(Flag.withDescription("PEM file of the CA that signed the API's certificate (env PVC_CA_FILE)"), Flag.optional),
    insecure: Flag.Boolean("insecure").pipe(Flag.withDescription("Accept any TLS certificate (testing only)"), Flag.withDefault(false)),
    cluster: Flag.String("cluster").pipe(Flag.withDescription("A cluster stored by `pvc cluster add` (env PVC_CLUSTER)"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the API's JSON"), Flag.withDefault(false)),
    yaml: Flag.Boolean("yaml").pipe(Flag.withDescription("Print the API's values as YAML"), Flag.withDefault(false))
  }),
  Command.withDescription("PVC cluster command-line tool, over the pvc-api HTTP API")
)

const opt = (value: Option.Option<string>): string | undefined => Option.getOrUndefined(value)
const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : value
}

/** Where the API is: --url/--token, else the chosen cluster, else PVC_URL/PVC_TOKEN, else the default. */
const connection = Effect.gen(function*() {
  const root = yield* pvc
  const clusterName = opt(root.cluster) ?? env("PVC_CLUSTER")
  const cluster = clusterName === undefined ? undefined : yield* findCluster(clusterName)
  return {
    url: opt(root.url) ?? cluster?.url ?? env("PVC_URL") ?? DEFAULT_URL,
    token: opt(root.token) ?? cluster?.token ?? env("PVC_TOKEN"),
    caFile: opt(root.caFile) ?? env("PVC_CA_FILE"),
    insecure: root.insecure
  }
})

const withClient = <A>(body: (client: Client) => Effect.Effect<A, PvcError>) =>
  Effect.gen(function*() {
    const options = yield* connection
    return yield* Effect.flatMap(Effect.service(PvcClient), body).pipe(Effect.provide(layer(options)))
  })

// ---- output ------------------------------------------------------------------------------------

const terminal = (): Terminal => ({
  isTty: process.stdout.isTTY === true,
  colour: process.stdout.isTTY === true && env("NO_COLOR") === undefined,
  columns: process.stdout.columns
})

/** --json / --yaml print the API's values unchanged; otherwise the human rendering. */
const show = <A>(value: A, human: (value: A) => string) =>
  Effect.gen(function*() {
    const root = yield* pvc
    if (root.json) return yield* Console.log(JSON.stringify(value, null, 2))
    if (root.yaml) return yield* Console.log(stringify(value).trimEnd())
    const text = human(value)
    if (text !== "") yield* Console.log(text)
  })

/**
 * An info command: the API answers `[]` for an unknown object; that is "no such object", exit 1
 * (--json/--yaml still print the `[]`, the message goes to stderr).
 */
const NOT_FOUND = "exit 1 with `pvc: no ...` on stderr if it does not exist; --json/--yaml print []"
const showFound = <A>(rows: ReadonlyArray<A>, human: (rows: ReadonlyArray<A>) => string, what: string) =>
  Effect.gen(function*() {
    if (rows.length > 0) return yield* show(rows, human)
    const root = yield* pvc
    if (root.json || root.yaml) yield* show(rows, human)
    return yield* new NotFound({ message: `no ${what}` })
  })

const list = <A>(columns: ReadonlyArray<Column<A>>) => (rows: ReadonlyArray<A>) => table(rows, columns, terminal())
const info = <A extends object>(rows: ReadonlyArray<A>) => rows.map((r) => record(r as Record<string, unknown>)).join("\n\n")
const message = (value: { readonly message: string }) => value.message

const col = <A>(title: string, value: (row: A) => unknown, state = false): Column<A> => ({ title, value: (r) => scalar(value(r)), state })
const stat = (stats: Readonly<Record<string, unknown>>, key: string) => stats[key] ?? ""

// ---- confirmation and the flags that wait for the events issue ---------------------------------

const yes = Flag.Boolean("yes").pipe(Flag.withAlias("y"), Flag.withDescription("Do not ask for confirmation"), Flag.withDefault(false))
const wait = Flag.String("wait").pipe(
  Flag.withDescription("Wait for the change to take effect (needs the API's event stream: not available yet)"),
  Flag.optional
)

/** Destructive commands ask on a terminal and need --yes otherwise. */
const confirm = (given: boolean, what: string) =>
  Effect.gen(function*() {
    if (given) return
    if (process.stdin.isTTY !== true) {
      return yield* new UsageError({ message: `refusing to ${what} without --yes (no terminal to ask on)` })
    }
    const ok = yield* Prompt.run(Prompt.Confirm({ message: `Really ${what}?`, initial: false })).pipe(
      Effect.orElseSucceed(() => false)
    )
    if (!ok) return yield* new UsageError({ message: "not confirmed" })
  })

const refuseWait = (value: Option.Option<string>) =>
  Option.isSome(value)
    ? Effect.fail(new UsageError({ message: "--wait needs the API's event stream (the events issue), which this API does not offer yet" }))
    : Effect.void

const refuseWatch = (value: boolean) =>
  value
    ? Effect.fail(new UsageError({ message: "--watch needs the API's event stream (the events issue), which this API does not offer yet" }))
    : Effect.void

const watch = Flag.Boolean("watch").pipe(Flag.withDescription("Redraw live (needs the API's event stream: not available yet)"), Flag.withDefault(false))
const limit = Flag.String("limit").pipe(Flag.withDescription("Name filter (regular expression)"), Flag.optional)
const name = (title: string) => Argument.String(title)

/** A state-changing call: --wait refused, the API's message printed. */
const change = <A extends { readonly message: string }>(waitFlag: Option.Option<string>, body: (client: Client) => Effect.Effect<A, PvcError>) =>
  Effect.gen(function*() {
    yield* refuseWait(waitFlag)
    yield* show(yield* withClient(body), message)
  })

const readFile = (path: string) =>
  Effect.try({ try: () => readFileSync(path, "utf8"), catch: () => new UsageError({ message: `cannot read ${path}` }) })

// ---- nodes ---------------------------------------------------------------------------------------

type NodeRow = Effect.Success<ReturnType<Client["node"]["list"]>>[number]
const nodeColumns: ReadonlyArray<Column<NodeRow>> = [
  col("NAME", (n) => n.name),
  col("DAEMON", (n) => n.daemon_state, true),
  col("COORDINATOR", (n) => n.coordinator_state, true),
  col("DOMAIN", (n) => n.domain_state, true),
  col("VMS", (n) => n.domains_count),
  col("LOAD", (n) => n.load),
  col("VCPU", (n) => `${n.vcpu.allocated}/${n.vcpu.total}`),
  col("MEM USED/TOTAL MiB", (n) => `${n.memory.used}/${n.memory.total}`),
  col("MEM ALLOC MiB", (n) => n.memory.allocated)
]

const nodeAction = (action: "primary" | "secondary" | "flush" | "unflush" | "ready") =>
  Command.make(action, { node: name("node"), wait }, ({ node, wait }) =>
    change(wait, (c) => c.node[action]({ params: { node } }))).pipe(Command.withDescription(`${action} a node`))

const nodeCommand = Command.make("node").pipe(
  Command.withDescription("Nodes"),
  Command.withSubcommands([
    Command.make("list", { limit, watch }, ({ limit, watch }) =>
      Effect.gen(function*() {
        yield* refuseWatch(watch)
        yield* show(yield* withClient((c) => c.node.list({ query: { limit: opt(limit) } })), list(nodeColumns))
      })).pipe(Command.withDescription("List nodes")),
    Command.make("info", { node: name("node") }, ({ node }) =>
      Effect.flatMap(withClient((c) => c.node.get({ params: { node } })), (rows) => showFound(rows, info, `node '${node}'`))).pipe(
        Command.withDescription(`Show a node (${NOT_FOUND})`)
      ),
    nodeAction("primary"),
    nodeAction("secondary"),
    nodeAction("flush"),
    nodeAction("unflush"),
    nodeAction("ready")
  ])
)

// ---- VMs -----------------------------------------------------------------------------------------

type VmRow = Effect.Success<ReturnType<Client["vm"]["list"]>>[number]
const vmColumns: ReadonlyArray<Column<VmRow>> = [
  col("NAME", (v) => v.name),
  col("STATE", (v) => v.state, true),
  col("NODE", (v) => v.node),
  col("MIGRATED", (v) => v.migrated),
  col("VCPU", (v) => v.vcpu),
  col("MEM MiB", (v) => v.memory),
  col("UUID", (v) => v.uuid),
  col("DESCRIPTION", (v) => v.description)
]
const vmSummary = (v: VmRow) => ({
  name: v.name, uuid: v.uuid, state: v.state, node: v.node, last_node: v.last_node, migrated: v.migrated,
  failed_reason: v.failed_reason, description: v.description, memory: v.memory, vcpu: v.vcpu,
  networks: v.networks.map((n) => `${n.source} (${n.mac})`).join(", "),
  disks: v.disks.map((d) => d.name ?? d.dev ?? "").join(", ")
})

const vmPower = (action: "undefine" | "start" | "restart" | "shutdown" | "stop" | "unmigrate") =>
  Command.make(action, { vm: name("vm"), wait }, ({ vm, wait }) => change(wait, (c) => c.vm[action]({ params: { vm } }))).pipe(
    Command.withDescription(`${action} a VM`)
  )

const node = Flag.String("node").pipe(Flag.withDescription("Target node"), Flag.optional)
const selector = Flag.Literals("selector", ["mem", "load", "vcpus", "vms"]).pipe(
  Flag.withDescription("How the target node is chosen"),
  Flag.optional
)
const optLit = <A extends string>(value: Option.Option<A>): A | undefined => Option.getOrUndefined(value)
const domainName = (xml: string): string => /<name>\s*([^<\s]+)\s*<\/name>/.exec(xml)?.[1] ?? "new"

const vmCommand = Command.make("vm").pipe(
  Command.withDescription("Virtual machines"),
  Command.withSubcommands([
    Command.make("list", {
      limit,
      node,
      state: Flag.Literals("state", ["start", "restart", "shutdown", "stop", "migrate", "failed", "delete"]).pipe(Flag.optional),
      watch
    }, ({ limit, node, state, watch }) =>
      Effect.gen(function*() {
        yield* refuseWatch(watch)
        const query = { limit: opt(limit), node: opt(node), state: optLit(state) }
        yield* show(yield* withClient((c) => c.vm.list({ query })), list(vmColumns))
      })).pipe(Command.withDescription("List VMs")),
    Command.make("info", { vm: name("vm"), long: Flag.Boolean("long").pipe(Flag.withDefault(false)) }, ({ vm, long }) =>
      Effect.flatMap(withClient((c) => c.vm.get({ params: { vm } })), (rows) =>
        showFound(rows, (rs) => long ? info(rs) : info(rs.map(vmSummary)), `VM '${vm}'`))).pipe(
        Command.withDescription(`Show a VM (${NOT_FOUND})`)
      ),
    Command.make("dump", { vm: name("vm") }, ({ vm }) =>
      Effect.flatMap(withClient((c) => c.vm.dump({ params: { vm } })), (xml) => Console.log(xml))).pipe(
        Command.withDescription("Print a VM's domain XML")
      ),
    Command.make("define", { file: Argument.String("xml-file"), node, selector, wait }, ({ file, node, selector, wait }) =>
      Effect.gen(function*() {
        const xml = yield* readFile(file)
        yield* change(wait, (c) =>
          c.vm.define({ params: { vm: domainName(xml) }, query: { xml, node: opt(node), selector: optLit(selector) } }))
      })).pipe(Command.withDescription("Define a VM from a domain XML file")),
    Command.make("modify", {
      vm: name("vm"),
      file: Argument.String("xml-file"),
      restart: Flag.Boolean("restart").pipe(Flag.withDefault(false)),
      wait
    }, ({ vm, file, restart, wait }) =>
      Effect.gen(function*() {
        const xml = yield* readFile(file)
        yield* change(wait, (c) => c.vm.modify({ params: { vm }, query: { xml, ...(restart ? { flag_restart: "" } : {}) } }))
      })).pipe(Command.withDescription("Replace a VM's domain XML")),
    vmPower("undefine"),
    Command.make("remove", { vm: name("vm"), yes, wait }, ({ vm, yes, wait }) =>
      Effect.gen(function*() {
        yield* refuseWait(wait)
        yield* confirm(yes, `remove VM '${vm}' and its disks`)
        yield* change(wait, (c) => c.vm.remove({ params: { vm } }))
      })).pipe(Command.withDescription("Remove a VM and its disks")),
    vmPower("start"),
    vmPower("restart"),
    vmPower("shutdown"),
    vmPower("stop"),
    Command.make("move", { vm: name("vm"), node, selector, wait }, ({ vm, node, selector, wait }) =>
      change(wait, (c) => c.vm.move({ params: { vm }, query: { node: opt(node), selector: optLit(selector) } }))).pipe(
        Command.withDescription("Move a VM permanently")
      ),
    Command.make("migrate", { vm: name("vm"), node, selector, force: Flag.Boolean("force").pipe(Flag.withDefault(false)), wait }, ({ vm, node, selector, force, wait }) =>
      change(wait, (c) =>
        c.vm.migrate({ params: { vm }, query: { node: opt(node), selector: optLit(selector), ...(force ? { flag_force: "" } : {}) } }))).pipe(
          Command.withDescription("Migrate a VM temporarily")
        ),
    vmPower("unmigrate")
  ])
)

// ---- networks ------------------------------------------------------------------------------------

type NetworkRow = Effect.Success<ReturnType<Client["network"]["list"]>>[number]
const networkColumns: ReadonlyArray<Column<NetworkRow>> = [
  col("VNI", (n) => n.vni),
  col("DESCRIPTION", (n) => n.description),
  col("TYPE", (n) => n.type),
  col("DOMAIN", (n) => n.domain),
  col("IPV4", (n) => n.ip4.network),
  col("GATEWAY4", (n) => n.ip4.gateway),
  col("DHCP4", (n) => n.ip4.dhcp_flag, true),
  col("IPV6", (n) => n.ip6.network),
  col("GATEWAY6", (n) => n.ip6.gateway)
]
type LeaseRow = Effect.Success<ReturnType<Client["network"]["leases"]>>[number]
const leaseColumns: ReadonlyArray<Column<LeaseRow>> = [
  col("HOSTNAME", (l) => l.hostname), col("IP4", (l) => l.ip4_address), col("MAC", (l) => l.mac_address), col("TIMESTAMP", (l) => l.timestamp)
]
type AclRow = Effect.Success<ReturnType<Client["network"]["acls"]>>[number]
const aclColumns: ReadonlyArray<Column<AclRow>> = [
  col("DIRECTION", (a) => a.direction), col("ORDER", (a) => a.order), col("DESCRIPTION", (a) => a.description), col("RULE", (a) => a.rule)
]

const optional = (title: string, description: string) => Flag.String(title).pipe(Flag.withDescription(description), Flag.optional)
const networkFlags = {
  domain: optional("domain", "DNS domain"),
  ip4Network: optional("ip4-network", "IPv4 network (CIDR)"),
  ip4Gateway: optional("ip4-gateway", "IPv4 gateway"),
  ip6Network: optional("ip6-network", "IPv6 network (CIDR)"),
  ip6Gateway: optional("ip6-gateway", "IPv6 gateway"),
  dhcp4: Flag.Boolean("dhcp4").pipe(Flag.withDescription("Enable DHCPv4"), Flag.withDefault(false)),
  dhcp4Start: optional("dhcp4-start", "First DHCPv4 address"),
  dhcp4End: optional("dhcp4-end", "Last DHCPv4 address")
}
type NetworkFlags = { readonly [K in keyof typeof networkFlags]: K extends "dhcp4" ? boolean : Option.Option<string> }
const networkValues = (f: NetworkFlags) => ({
  domain: opt(f.domain),
  ip4_network: opt(f.ip4Network),
  ip4_gateway: opt(f.ip4Gateway),
  ip6_network: opt(f.ip6Network),
  ip6_gateway: opt(f.ip6Gateway),
  ...(f.dhcp4 ? { flag_dhcp4: "" } : {}),
  dhcp4_start: opt(f.dhcp4Start),
  dhcp4_end: opt(f.dhcp4End)
})
const nettype = Flag.Literals("type", ["managed", "bridged"]).pipe(Flag.withDescription("Network type"))
const direction = Flag.Literals("direction", ["in", "out"])
const network = name("network")

const dhcpCommand = Command.make("dhcp").pipe(
  Command.withDescription("DHCP leases of a network"),
  Command.withSubcommands([
    Command.make("list", { network, limit, static: Flag.Boolean("static").pipe(Flag.withDefault(false)) }, (a) =>
      Effect.flatMap(
        withClient((c) => c.network.leases({ params: { network: a.network }, query: { limit: opt(a.limit), ...(a.static ? { flag_static: "" } : {}) } })),
        (rows) => show(rows, list(leaseColumns))
      )).pipe(Command.withDescription("List DHCP leases")),
    Command.make("info", { network, mac: name("mac") }, (a) =>
      Effect.flatMap(withClient((c) => c.network.lease({ params: { network: a.network, lease: a.mac } })), (rows) =>
        showFound(rows, info, `DHCP lease '${a.mac}' in network '${a.network}'`))).pipe(
        Command.withDescription(`Show a DHCP lease (${NOT_FOUND})`)
      ),
    Command.make("add", { network, mac: name("mac"), ip: Flag.String("ip"), hostname: optional("hostname", "Host name"), wait }, (a) =>
      change(a.wait, (c) =>
        c.network.leaseAdd({ params: { network: a.network, lease: a.mac }, query: { ipaddress: a.ip, hostname: opt(a.hostname) } }))).pipe(
          Command.withDescription("Add a static lease")
        ),
    Command.make("remove", { network, mac: name("mac"), wait }, (a) =>
      change(a.wait, (c) => c.network.leaseRemove({ params: { network: a.network, lease: a.mac } }))).pipe(
        Command.withDescription("Remove a static lease")
      )
  ])
)

const aclCommand = Command.make("acl").pipe(
  Command.withDescription("Firewall ACLs of a network"),
  Command.withSubcommands([
    Command.make("list", { network, limit, direction: direction.pipe(Flag.optional) }, (a) =>
      Effect.flatMap(
        withClient((c) => c.network.acls({ params: { network: a.network }, query: { limit: opt(a.limit), direction: optLit(a.direction) } })),
        (rows) => show(rows, list(aclColumns))
      )).pipe(Command.withDescription("List ACLs")),
    Command.make("info", { network, description: name("description") }, (a) =>
      Effect.flatMap(withClient((c) => c.network.acl({ params: { network: a.network, acl: a.description } })), (rows) =>
        showFound(rows, info, `ACL '${a.description}' in network '${a.network}'`))).pipe(
        Command.withDescription(`Show an ACL (${NOT_FOUND})`)
      ),
    Command.make("add", { network, description: name("description"), direction, rule: Flag.String("rule"), order: Flag.Int("order").pipe(Flag.optional), wait }, (a) =>
      change(a.wait, (c) =>
        c.network.aclAdd({
          params: { network: a.network, acl: a.description },
          query: { direction: a.direction, rule: a.rule, order: Option.getOrUndefined(a.order) }
        }))).pipe(Command.withDescription("Add an ACL")),
    Command.make("remove", { network, description: name("description"), direction: direction.pipe(Flag.optional), wait }, (a) =>
      change(a.wait, (c) =>
        c.network.aclRemove({ params: { network: a.network, acl: a.description }, query: { direction: optLit(a.direction) } }))).pipe(
          Command.withDescription("Remove an ACL")
        )
  ])
)

const networkCommand = Command.make("network").pipe(
  Command.withDescription("Virtual networks"),
  Command.withSubcommands([
    Command.make("list", { limit }, ({ limit }) =>
      Effect.flatMap(withClient((c) => c.network.list({ query: { limit: opt(limit) } })), (rows) => show(rows, list(networkColumns)))).pipe(
        Command.withDescription("List networks")
      ),
    Command.make("info", { network }, (a) =>
      Effect.flatMap(withClient((c) => c.network.get({ params: { network: a.network } })), (rows) =>
        showFound(rows, info, `network '${a.network}'`))).pipe(
        Command.withDescription(`Show a network (${NOT_FOUND})`)
      ),
    Command.make("add", { network, vni: Flag.Int("vni"), type: nettype, ...networkFlags, wait }, (a) =>
      change(a.wait, (c) =>
        c.network.add({ params: { network: a.network }, query: { vni: a.vni, nettype: a.type, ...networkValues(a) } }))).pipe(
          Command.withDescription("Add a network")
        ),
    Command.make("modify", { network, vni: Flag.Int("vni").pipe(Flag.optional), type: nettype.pipe(Flag.optional), ...networkFlags, wait }, (a) =>
      change(a.wait, (c) =>
        c.network.modify({
          params: { network: a.network },
          query: { vni: Option.getOrUndefined(a.vni), nettype: optLit(a.type), ...networkValues(a) }
        }))).pipe(Command.withDescription("Modify a network")),
    Command.make("remove", { network, yes, wait }, (a) =>
      Effect.gen(function*() {
        yield* refuseWait(a.wait)
        yield* confirm(a.yes, `remove network '${a.network}'`)
        yield* change(a.wait, (c) => c.network.remove({ params: { network: a.network } }))
      })).pipe(Command.withDescription("Remove a network")),
    dhcpCommand,
    aclCommand
  ])
)

// ---- storage -------------------------------------------------------------------------------------

type OsdRow = Effect.Success<ReturnType<Client["storage"]["osds"]>>[number]
const osdColumns: ReadonlyArray<Column<OsdRow>> = [
  col("ID", (o) => o.id),
  col("NODE", (o) => stat(o.stats, "node")),
  col("UP", (o) => stat(o.stats, "up"), true),
  col("IN", (o) => stat(o.stats, "in"), true),
  col("WEIGHT", (o) => stat(o.stats, "weight")),
  col("UTIL%", (o) => stat(o.stats, "utilization")),
  col("USED", (o) => stat(o.stats, "used")),
  col("AVAIL", (o) => stat(o.stats, "avail")),
  col("PGS", (o) => stat(o.stats, "pgs"))
]
type PoolRow = Effect.Success<ReturnType<Client["storage"]["pools"]>>[number]
const poolColumns: ReadonlyArray<Column<PoolRow>> = [
  col("NAME", (p) => p.name),
  col("ID", (p) => stat(p.stats, "id")),
  col("USED BYTES", (p) => stat(p.stats, "size_bytes")),
  col("OBJECTS", (p) => stat(p.stats, "num_objects"))
]
type VolumeRow = Effect.Success<ReturnType<Client["storage"]["volumes"]>>[number]
const volumeColumns: ReadonlyArray<Column<VolumeRow>> = [
  col("POOL", (v) => v.pool), col("NAME", (v) => v.name), col("SIZE", (v) => stat(v.stats, "size"))
]
type SnapshotRow = Effect.Success<ReturnType<Client["storage"]["snapshots"]>>[number]
const snapshotColumns: ReadonlyArray<Column<SnapshotRow>> = [
  col("POOL", (s) => s.pool), col("VOLUME", (s) => s.volume), col("SNAPSHOT", (s) => s.snapshot)
]

const osdId = name("osd")
const osdFlagName = Argument.Literals("option", OSD_OPTIONS)

const osdCommand = Command.make("osd").pipe(
  Command.withDescription("Ceph OSDs"),
  Command.withSubcommands([
    Command.make("list", { limit }, ({ limit }) =>
      Effect.flatMap(withClient((c) => c.storage.osds({ query: { limit: opt(limit) } })), (rows) => show(rows, list(osdColumns)))).pipe(
        Command.withDescription("List OSDs")
      ),
    Command.make("info", { osd: osdId }, (a) =>
      Effect.flatMap(withClient((c) => c.storage.osd({ params: { osd: a.osd } })), (rows) => showFound(rows, info, `OSD '${a.osd}'`))).pipe(
        Command.withDescription(`Show an OSD (${NOT_FOUND})`)
      ),
    Command.make("add", { node: name("node"), device: name("device"), weight: Flag.Finite("weight"), wait }, (a) =>
      change(a.wait, (c) => c.storage.osdAdd({ params: { node: a.node }, query: { device: a.device, weight: a.weight } }))).pipe(
        Command.withDescription("Add an OSD on a node's device")
      ),
    Command.make("remove", { osd: osdId, yes, wait }, (a) =>
      Effect.gen(function*() {
        yield* refuseWait(a.wait)
        yield* confirm(a.yes, `remove OSD ${a.osd}`)
        yield* change(a.wait, (c) => c.storage.osdRemove({ params: { osd: a.osd }, query: { flag_yes_i_really_mean_it: "" } }))
      })).pipe(Command.withDescription("Remove an OSD")),
    Command.make("in", { osd: osdId, wait }, (a) => change(a.wait, (c) => c.storage.osdIn({ params: { osd: a.osd } }))).pipe(
      Command.withDescription("Mark an OSD in")
    ),
    Command.make("out", { osd: osdId, wait }, (a) => change(a.wait, (c) => c.storage.osdOut({ params: { osd: a.osd } }))).pipe(
      Command.withDescription("Mark an OSD out")
    ),
    Command.make("set", { option: osdFlagName, wait }, (a) => change(a.wait, (c) => c.storage.osdSet({ query: { option: a.option } }))).pipe(
      Command.withDescription("Set a global OSD option")
    ),
    Command.make("unset", { option: osdFlagName, wait }, (a) => change(a.wait, (c) => c.storage.osdUnset({ query: { option: a.option } }))).pipe(
      Command.withDescription("Unset a global OSD option")
    )
  ])
)

const pool = name("pool")
const poolCommand = Command.make("pool").pipe(
  Command.withDescription("RBD pools"),
  Command.withSubcommands([
    Command.make("list", { limit }, ({ limit }) =>
      Effect.flatMap(withClient((c) => c.storage.pools({ query: { limit: opt(limit) } })), (rows) => show(rows, list(poolColumns)))).pipe(
        Command.withDescription("List pools")
      ),
    Command.make("info", { pool }, (a) =>
      Effect.flatMap(withClient((c) => c.storage.pool({ params: { pool: a.pool } })), (rows) => showFound(rows, info, `pool '${a.pool}'`))).pipe(
        Command.withDescription(`Show a pool (${NOT_FOUND})`)
      ),
    Command.make("add", { pool, pgs: Flag.Int("pgs"), wait }, (a) =>
      change(a.wait, (c) => c.storage.poolAdd({ params: { pool: a.pool }, query: { pgs: a.pgs } }))).pipe(
        Command.withDescription("Add a pool")
      ),
    Command.make("remove", { pool, yes, wait }, (a) =>
      Effect.gen(function*() {
        yield* refuseWait(a.wait)
        yield* confirm(a.yes, `remove pool '${a.pool}' and all its volumes`)
        yield* change(a.wait, (c) => c.storage.poolRemove({ params: { pool: a.pool }, query: { flag_yes_i_really_mean_it: "" } }))
      })).pipe(Command.withDescription("Remove a pool"))
  ])
)

const volume = name("volume")
const snapshotCommand = Command.make("snapshot").pipe(
  Command.withDescription("Volume snapshots"),
  Command.withSubcommands([
    Command.make("list", { pool: optional("pool", "Only this pool"), volume: optional("volume", "Only this volume"), limit }, (a) =>
      Effect.flatMap(
        withClient((c) => c.storage.snapshots({ query: { pool: opt(a.pool), volume: opt(a.volume), limit: opt(a.limit) } })),
        (rows) => show(rows, list(snapshotColumns))
      )).pipe(Command.withDescription("List snapshots")),
    Command.make("info", { pool, volume, snapshot: name("snapshot") }, (a) =>
      Effect.flatMap(withClient((c) => c.storage.snapshot({ params: { pool: a.pool, volume: a.volume, snapshot: a.snapshot } })), (rows) =>
        showFound(rows, info, `snapshot '${a.pool}/${a.volume}@${a.snapshot}'`))).pipe(
        Command.withDescription(`Show a snapshot (${NOT_FOUND})`)
      ),
    Command.make("add", { pool, volume, snapshot: name("snapshot"), wait }, (a) =>
      change(a.wait, (c) => c.storage.snapshotAdd({ params: { pool: a.pool, volume: a.volume, snapshot: a.snapshot } }))).pipe(
        Command.withDescription("Add a snapshot")
      ),
    Command.make("remove", { pool, volume, snapshot: name("snapshot"), yes, wait }, (a) =>
      Effect.gen(function*() {
        yield* refuseWait(a.wait)
        yield* confirm(a.yes, `remove snapshot '${a.pool}/${a.volume}@${a.snapshot}'`)
        yield* change(a.wait, (c) => c.storage.snapshotRemove({ params: { pool: a.pool, volume: a.volume, snapshot: a.snapshot } }))
      })).pipe(Command.withDescription("Remove a snapshot"))
  ])
)

const volumeCommand = Command.make("volume").pipe(
  Command.withDescription("RBD volumes"),
  Command.withSubcommands([
    Command.make("list", { pool: optional("pool", "Only this pool"), limit }, (a) =>
      Effect.flatMap(withClient((c) => c.storage.volumes({ query: { pool: opt(a.pool), limit: opt(a.limit) } })), (rows) =>
        show(rows, list(volumeColumns)))).pipe(Command.withDescription("List volumes")),
    Command.make("info", { pool, volume }, (a) =>
      Effect.flatMap(withClient((c) => c.storage.volume({ params: { pool: a.pool, volume: a.volume } })), (rows) =>
        showFound(rows, info, `volume '${a.pool}/${a.volume}'`))).pipe(
        Command.withDescription(`Show a volume (${NOT_FOUND})`)
      ),
    Command.make("add", { pool, volume, size: Flag.String("size").pipe(Flag.withDescription("Size with a unit, e.g. 10G")), wait }, (a) =>
      change(a.wait, (c) => c.storage.volumeAdd({ params: { pool: a.pool, volume: a.volume }, query: { size: a.size } }))).pipe(
        Command.withDescription("Add a volume")
      ),
    Command.make("remove", { pool, volume, yes, wait }, (a) =>
      Effect.gen(function*() {
        yield* refuseWait(a.wait)
        yield* confirm(a.yes, `remove volume '${a.pool}/${a.volume}'`)
        yield* change(a.wait, (c) => c.storage.volumeRemove({ params: { pool: a.pool, volume: a.volume } }))
      })).pipe(Command.withDescription("Remove a volume")),
    snapshotCommand
  ])
)

const storageCommand = Command.make("storage").pipe(
  Command.withDescription("Ceph storage"),
  Command.withSubcommands([
    Command.make("status", {}, () =>
      Effect.flatMap(withClient((c) => c.storage.status()), (s) => show(s, (v) => v.ceph_data))).pipe(Command.withDescription("Ceph status")),
    Command.make("df", {}, () =>
      Effect.flatMap(withClient((c) => c.storage.df()), (s) => show(s, (v) => v.ceph_data))).pipe(Command.withDescription("Ceph utilisation")),
    osdCommand,
    poolCommand,
    volumeCommand
  ])
)

// ---- clusters ------------------------------------------------------------------------------------

const clusterCommand = Command.make("cluster").pipe(
  Command.withDescription("Stored clusters (XDG config, readable by its owner only)"),
  Command.withSubcommands([
    Command.make("add", { cluster: name("name") }, (a) =>
      Effect.gen(function*() {
        // --url and --token are the shared flags of the root.
        const root = yield* pvc
        const url = opt(root.url)
        if (url === undefined) return yield* new UsageError({ message: "pvc cluster add <name> --url <url> [--token <token>]" })
        const clusters = yield* readClusters
        const token = opt(root.token)
        yield* writeClusters({ ...clusters, [a.cluster]: { url, ...(token === undefined ? {} : { token }) } })
        yield* Console.log(`Added cluster '${a.cluster}' (${url}).`)
      })).pipe(Command.withDescription("Store a cluster")),
    Command.make("list", {}, () =>
      Effect.gen(function*() {
        const clusters = Object.entries(yield* readClusters).map(([name, c]) => ({ name, url: c.url, token: c.token === undefined ? "no" : "yes" }))
        yield* show(clusters, list([col("NAME", (c: typeof clusters[number]) => c.name), col("URL", (c) => c.url), col("TOKEN", (c) => c.token)]))
      })).pipe(Command.withDescription("List stored clusters")),
    Command.make("remove", { cluster: name("name") }, (a) =>
      Effect.gen(function*() {
        const clusters = { ...(yield* readClusters) }
        if (!Object.hasOwn(clusters, a.cluster)) return yield* new UsageError({ message: `no cluster named '${a.cluster}'` })
        delete clusters[a.cluster]
        yield* writeClusters(clusters)
        yield* Console.log(`Removed cluster '${a.cluster}'.`)
      })).pipe(Command.withDescription("Forget a stored cluster"))
  ])
)

export const command = pvc.pipe(
  Command.withSubcommands([nodeCommand, vmCommand, networkCommand, storageCommand, clusterCommand])
)
