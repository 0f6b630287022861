/**
 * What the OpenAPI document says beyond the schemas the server decodes with. The server keeps
 * decoding every value as a string (its checks answer 510 with the manual's messages); the
 * document states the value types, the form bodies and the presence semantics of `flag_*` values.
 */
type JsonSchema = Record<string, unknown>
type Operation = {
  operationId?: string
  summary?: string
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema; description?: string }>
  requestBody?: unknown
}

const integer = (description: string): JsonSchema => ({ type: "integer", description })
const oneOf = (values: ReadonlyArray<string>, description: string): JsonSchema => ({ type: "string", enum: [...values], description })

export const FLAG_DESCRIPTION = "A flag: it counts by its presence, whatever its value (`flag_x=false` still sets it)."

/** Ceph's `ceph osd set/unset` keys. */
export const OSD_OPTIONS = [
  "full", "pause", "noup", "nodown", "noout", "noin", "nobackfill", "norebalance", "norecover",
  "noscrub", "nodeep-scrub", "notieragent", "nosnaptrim", "pglog_hardlimit"
] as const

/** Typed request values; anything else the manual carries is a string. */
export const VALUE_TYPES: Readonly<Record<string, JsonSchema>> = {
  vni: integer("VXLAN ID (managed) or vLAN ID (bridged)."),
  order: integer("Position of the ACL in its direction's list."),
  pgs: integer("Placement groups of the new pool."),
  weight: { type: "number", description: "CRUSH weight of the new OSD." },
  nettype: oneOf(["managed", "bridged"], "Network type."),
  direction: oneOf(["in", "out"], "ACL direction."),
  selector: oneOf(["mem", "load", "vcpus", "vms"], "How a target node is chosen (default mem)."),
  state: oneOf(["start", "restart", "shutdown", "stop", "migrate", "failed", "delete"], "VM state filter."),
  option: oneOf(OSD_OPTIONS, "A `ceph osd set` option."),
  limit: { type: "string", description: "A name filter (regular expression, anchored unless it has ^ or $)." },
  xml: { type: "string", description: "libvirt domain XML." },
  size: { type: "string", description: "Volume size with a unit, e.g. 10G." },
  token: { type: "string", description: "An API token (instead of a session)." }
}

/** Values the manual makes mandatory that the server checks itself (to answer the manual's words). */
const MANDATORY: Readonly<Record<string, ReadonlyArray<string>>> = {
  "storage.osdRemove": ["flag_yes_i_really_mean_it"],
  "storage.poolRemove": ["flag_yes_i_really_mean_it"]
}

const statsOf = (properties: Record<string, string>): JsonSchema => ({
  type: "object",
  properties: Object.fromEntries(Object.entries(properties).map(([name, type]) => [name, { type: type.split("|") }])),
  additionalProperties: true,
  description: "What the node daemons last stored (zk-layout §5); {} until then."
})

/** The `stats` fields of zk-layout §5 (a node daemon writes them; any may be absent). */
export const STATS: Readonly<Record<string, JsonSchema>> = {
  Osd: statsOf({
    uuid: "string", up: "integer|string", in: "integer|string", primary_affinity: "number|string",
    utilization: "number|string", var: "number|string", pgs: "integer|string", kb: "integer|string",
    weight: "number|string", reweight: "number|string", node: "string", used: "string", avail: "string",
    wr_ops: "string|integer", wr_data: "string|integer", rd_ops: "string|integer", rd_data: "string|integer",
    state: "string"
  }),
  Pool: statsOf({
    id: "integer", size_bytes: "integer", num_objects: "integer", num_object_clones: "integer",
    num_object_copies: "integer", num_objects_missing_on_primary: "integer", num_objects_unfound: "integer",
    num_objects_degraded: "integer", read_ops: "integer", read_bytes: "integer", write_ops: "integer",
    write_bytes: "integer"
  }),
  Volume: statsOf({
    name: "string", size: "string", objects: "integer", order: "integer", object_size: "integer",
    block_name_prefix: "string", format: "integer", create_timestamp: "string"
  }),
  Snapshot: statsOf({})
}

const SUMMARY: Readonly<Record<string, string>> = {
  "general.root": "API description",
  "general.loginForm": "Login form",
  "general.login": "Start a session",
  "general.storage": "Storage root",
  "general.logoutGet": "End the session",
  "general.logout": "End the session",
  "node.list": "List nodes",
  "node.get": "Show one node",
  "node.primary": "Make a node the primary coordinator",
  "node.secondary": "Make a node a secondary coordinator",
  "node.flush": "Flush a node of its VMs",
  "node.unflush": "Unflush a node (return to ready)",
  "node.ready": "Unflush a node (return to ready)",
  "vm.list": "List VMs",
  "vm.get": "Show one VM",
  "vm.dump": "A VM's domain XML",
  "vm.define": "Define a VM",
  "vm.modify": "Replace a VM's domain XML",
  "vm.undefine": "Undefine a VM (keep its disks)",
  "vm.remove": "Remove a VM and its disks",
  "vm.start": "Start a VM",
  "vm.restart": "Restart a VM",
  "vm.shutdown": "Shut a VM down gracefully",
  "vm.stop": "Stop a VM forcibly",
  "vm.move": "Move a VM permanently",
  "vm.migrate": "Migrate a VM temporarily",
  "vm.unmigrate": "Return a migrated VM",
  "network.list": "List networks",
  "network.get": "Show one network",
  "network.add": "Add a network",
  "network.modify": "Modify a network",
  "network.remove": "Remove a network",
  "network.leases": "List DHCP leases",
  "network.lease": "Show one DHCP lease",
  "network.leaseAdd": "Add a static DHCP lease",
  "network.leaseRemove": "Remove a static DHCP lease",
  "network.acls": "List ACLs",
  "network.acl": "Show one ACL",
  "network.aclAdd": "Add an ACL",
  "network.aclRemove": "Remove an ACL",
  "storage.ceph": "Ceph status",
  "storage.status": "Ceph status",
  "storage.df": "Ceph utilisation",
  "storage.osds": "List OSDs",
  "storage.osd": "Show one OSD",
  "storage.osdSet": "Set a global OSD option",
  "storage.osdUnset": "Unset a global OSD option",
  "storage.osdAdd": "Add an OSD on a node",
  "storage.osdRemove": "Remove an OSD",
  "storage.osdIn": "Mark an OSD in",
  "storage.osdOut": "Mark an OSD out",
  "storage.pools": "List pools",
  "storage.pool": "Show one pool",
  "storage.poolAdd": "Add a pool",
  "storage.poolRemove": "Remove a pool",
  "storage.volumes": "List volumes",
  "storage.volume": "Show one volume",
  "storage.volumeAdd": "Add a volume",
  "storage.volumeRemove": "Remove a volume",
  "storage.snapshots": "List snapshots",
  "storage.snapshot": "Show one snapshot",
  "storage.snapshotAdd": "Add a snapshot",
  "storage.snapshotRemove": "Remove a snapshot"
}

const typed = (parameter: NonNullable<Operation["parameters"]>[number], id: string) => {
  const mandatory = (MANDATORY[id] ?? []).includes(parameter.name)
  const required = parameter.required === true || mandatory
  if (parameter.in === "path") return parameter
  if (parameter.name.startsWith("flag_")) {
    return { ...parameter, required, schema: { type: "string" }, description: FLAG_DESCRIPTION }
  }
  const schema = VALUE_TYPES[parameter.name]
  return schema === undefined ? { ...parameter, required } : { ...parameter, required, schema }
}

/** The form body of a POST: the same values as its query, either may carry them. */
const formBody = (parameters: ReadonlyArray<NonNullable<Operation["parameters"]>[number]>) => {
  const values = parameters.filter((p) => p.in === "query")
  const properties = Object.fromEntries(values.map((p) => [p.name, { ...p.schema, ...(p.description ? { description: p.description } : {}) }]))
  const required = values.filter((p) => p.required === true).map((p) => p.name)
  return {
    required: false,
    description: "The values may also come as an application/x-www-form-urlencoded body; the body wins.",
    content: {
      "application/x-www-form-urlencoded": {
        schema: { type: "object", properties, ...(required.length > 0 ? { required } : {}), additionalProperties: true }
      }
    }
  }
}

const preciseOperation = (method: string, op: Operation): Operation => {
  const id = op.operationId ?? ""
  const parameters = (op.parameters ?? []).map((p) => typed(p, id))
  const summary = SUMMARY[id]
  return {
    ...(summary === undefined ? {} : { summary }),
    ...op,
    parameters,
    ...(method === "post" ? { requestBody: formBody(parameters) } : {})
  }
}

/** Typed `stats` in the named component schemas (`Osd`, `Pool`, `Volume`, `Snapshot`). */
const typedStats = (schemas: Record<string, JsonSchema>) => {
  for (const [name, stats] of Object.entries(STATS)) {
    const schema = schemas[name] as { properties?: Record<string, unknown> } | undefined
    if (schema?.properties !== undefined && "stats" in schema.properties) {
      schemas[name] = { ...schema, properties: { ...schema.properties, stats } }
    }
  }
}

/** The API-level OpenAPI transform. */
export const precise = (spec: Record<string, unknown>): Record<string, unknown> => {
  const paths = spec["paths"] as Record<string, Record<string, Operation>>
  for (const item of Object.values(paths)) {
    for (const [method, op] of Object.entries(item)) item[method] = preciseOperation(method, op)
  }
  typedStats((spec["components"] as { schemas: Record<string, JsonSchema> }).schemas)
  return spec
}
