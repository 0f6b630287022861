import { DomainXml, type Vm, VmDetails } from "@pvc/core"
import { Effect, Schema, Stream } from "effect"
import { HttpServerResponse } from "effect/http"

/** zk-layout §3 / §9. */
export const VmJson = Schema.Struct({
  name: Schema.String,
  uuid: Schema.String,
  state: Schema.String,
  node: Schema.String,
  last_node: Schema.String,
  migrated: Schema.String,
  failed_reason: Schema.String,
  description: Schema.String,
  memory: Schema.Union([Schema.Int, Schema.String]).annotate({
    description: "MiB as an integer when the XML's <memory> unit is KiB (rounded down) or GiB; otherwise the " +
      "element's text as written, e.g. \"2048\" for MiB or when there is no unit (zk-layout §3)."
  }),
  vcpu: Schema.String,
  vcpu_topology: Schema.String,
  networks: Schema.Array(Schema.Struct({
    type: Schema.String,
    mac: Schema.String,
    source: Schema.String,
    model: Schema.String
  })),
  type: Schema.String,
  arch: Schema.String,
  machine: Schema.String,
  console: Schema.String,
  emulator: Schema.String,
  features: Schema.Array(Schema.String),
  disks: Schema.Array(Schema.Struct({
    type: Schema.optional(Schema.String),
    name: Schema.optional(Schema.String),
    dev: Schema.optional(Schema.String),
    bus: Schema.optional(Schema.String)
  })),
  controllers: Schema.Array(Schema.Struct({ type: Schema.String, model: Schema.String }))
})
export type VmJson = typeof VmJson.Type

/** Stored XML the parser refuses still renders: name and UUID from the keys, the rest unknown. */
const fallbackDetails = (vm: Vm): VmDetails =>
  new VmDetails({
    name: vm.name,
    uuid: vm.uuid,
    description: "N/A",
    memory: "N/A",
    vcpu: "N/A",
    vcpuTopology: "N/A",
    networks: [],
    type: "N/A",
    arch: "N/A",
    machine: "N/A",
    console: "N/A",
    emulator: "N/A",
    features: [],
    disks: [],
    controllers: []
  })

const vmDetails = Effect.fnUntraced(function*(vm: Vm) {
  const parser = yield* DomainXml
  return yield* parser.parse(vm.xml).pipe(
    Effect.map((definition) => definition.details),
    Effect.orElseSucceed(() => fallbackDetails(vm))
  )
})

const vmJson = (vm: Vm, details: VmDetails): VmJson => ({
  name: details.name,
  uuid: details.uuid,
  state: vm.state,
  node: vm.node,
  last_node: vm.lastNode ?? "",
  migrated: vm.lastNode === null ? "no" : `from ${vm.lastNode}`,
  failed_reason: vm.failedReason,
  description: details.description,
  memory: details.memory,
  vcpu: details.vcpu,
  vcpu_topology: details.vcpuTopology,
  networks: details.networks.map((n) => ({ type: n.type, mac: n.mac, source: n.source, model: n.model })),
  type: details.type,
  arch: details.arch,
  machine: details.machine,
  console: details.console,
  emulator: details.emulator,
  features: [...details.features],
  disks: details.disks.map((d) => ({ type: d.type, name: d.name, dev: d.dev, bus: d.bus })),
  controllers: details.controllers.map((c) => ({ type: c.type, model: c.model }))
})

// A VM's JSON is encoded to bytes once per stored value (a change yields a new Vm object), not per
// request. Only the bytes are kept: the parsed details would double the memory per VM. Each VM has
// its own buffer (TextEncoder, not Buffer's shared pool, whose 8 KiB slabs a few live slices pin).
const encodedCache = new WeakMap<Vm, Uint8Array>()
const encoder = new TextEncoder()

const vmBytes = Effect.fnUntraced(function*(vm: Vm) {
  const bytes = encoder.encode(JSON.stringify(vmJson(vm, yield* vmDetails(vm))))
  encodedCache.set(vm, bytes)
  return bytes
})

const COMMA = 0x2c
const OPEN = Buffer.from("[")
const CLOSE = Buffer.from("]")

/** The encoded VMs separated by commas (and preceded by one when `leadingComma`), in one buffer. */
const joined = (parts: ReadonlyArray<Uint8Array>, leadingComma: boolean): Buffer => {
  let length = Math.max(0, parts.length - 1) + (leadingComma ? 1 : 0)
  for (let i = 0; i < parts.length; i++) length += parts[i]!.length
  const out = Buffer.allocUnsafe(length)
  let offset = 0
  // A plain loop: a forEach callback here makes the copy of 10,000 parts several times slower.
  for (let i = 0; i < parts.length; i++) {
    if (i > 0 || leadingComma) out[offset++] = COMMA
    const part = parts[i]!
    out.set(part, offset)
    offset += part.length
  }
  return out
}

const encodedParts = Effect.fnUntraced(function*(vms: ReadonlyArray<Vm>) {
  const parts: Array<Uint8Array> = []
  // Cached bytes are taken without a trip through the effect runtime: that is ten thousand yields saved.
  for (const vm of vms) parts.push(encodedCache.get(vm) ?? (yield* vmBytes(vm)))
  return parts
})

/*
 * A large list is sent as blocks of BLOCK_SIZE VMs, each kept from the previous large answer while
 * its VMs are the same objects: a write to one VM re-encodes one block (~0.6 MiB at 10,000 VMs), not
 * a whole new multi-megabyte body, which both costs time and leaves megabytes of garbage per write.
 * Each block is one socket write awaiting its drain: 128-VM blocks made GET /vm at 10,000 VMs 40%
 * slower than 1,024-VM ones.
 */
const LARGE_ANSWER = 64
const BLOCK_SIZE = 1024

interface Block {
  readonly vms: ReadonlyArray<Vm>
  readonly bytes: Uint8Array
}
let lastBlocks: ReadonlyArray<Block> = []

const sameRange = (previous: ReadonlyArray<Vm>, vms: ReadonlyArray<Vm>, start: number): boolean => {
  if (previous.length !== Math.min(BLOCK_SIZE, vms.length - start)) return false
  for (let i = 0; i < previous.length; i++) if (previous[i] !== vms[start + i]) return false
  return true
}

const blocksOf = Effect.fnUntraced(function*(vms: ReadonlyArray<Vm>) {
  const blocks: Array<Block> = []
  for (let start = 0; start < vms.length; start += BLOCK_SIZE) {
    const previous = lastBlocks[blocks.length]
    if (previous !== undefined && sameRange(previous.vms, vms, start)) {
      blocks.push(previous)
      continue
    }
    const slice = vms.slice(start, start + BLOCK_SIZE)
    blocks.push({ vms: slice, bytes: joined(yield* encodedParts(slice), start > 0) })
  }
  lastBlocks = blocks
  return blocks
})

/**
 * The same body as encoding the VMs through the endpoint's `Schema.Array(VmJson)`, built from cached
 * per-VM bytes: the work per request is a copy of the answer (or less), not a schema walk over every field.
 */
export const renderVmsResponse = Effect.fnUntraced(function*(vms: ReadonlyArray<Vm>) {
  if (vms.length < LARGE_ANSWER) {
    const body = Buffer.concat([OPEN, joined(yield* encodedParts(vms), false), CLOSE])
    return HttpServerResponse.uint8Array(body, { contentType: "application/json" })
  }
  const chunks = [OPEN, ...(yield* blocksOf(vms)).map((b) => b.bytes), CLOSE]
  const contentLength = chunks.reduce((n, c) => n + c.length, 0)
  // One chunk per write: a multi-chunk pull would be concatenated back into one buffer.
  return HttpServerResponse.stream(Stream.fromIterable(chunks, { chunkSize: 1 }), {
    contentType: "application/json",
    contentLength
  })
})

/**
 * Encodes the VMs not encoded yet, a slice at a time: after a start (or a reload of the whole store)
 * every VM is new, and parsing ten thousand domain XMLs takes seconds the first list should not pay.
 */
export const encodeMissingVms = Effect.fnUntraced(function*(vms: Iterable<Vm>) {
  let done = 0
  for (const vm of vms) {
    if (encodedCache.has(vm)) continue
    yield* vmBytes(vm)
    if (++done % WARM_SLICE === 0) yield* Effect.yieldNow
  }
})

const WARM_SLICE = 100
