import { Schema } from "effect"

/** `ceph status --format json` (the parts we read). */
export const CephStatusJson = Schema.Struct({
  health: Schema.Struct({ status: Schema.String }),
  osdmap: Schema.Struct({ num_osds: Schema.Number, num_up_osds: Schema.Number, num_in_osds: Schema.Number })
})

const OsdDumpEntry = Schema.Struct({
  osd: Schema.Number,
  uuid: Schema.String,
  up: Schema.Number,
  in: Schema.Number,
  weight: Schema.Number,
  primary_affinity: Schema.Number
})
export type OsdDumpEntry = typeof OsdDumpEntry.Type

/** `ceph osd dump --format json`. */
export const OsdDump = Schema.Struct({
  osds: Schema.Array(OsdDumpEntry),
  pools: Schema.Array(Schema.Struct({ pool: Schema.Number, pool_name: Schema.String, pg_num: Schema.Number })),
  flags_set: Schema.optional(Schema.Array(Schema.String))
})

const OsdDfNode = Schema.Struct({
  id: Schema.Number,
  crush_weight: Schema.Number,
  reweight: Schema.Number,
  kb: Schema.Number,
  utilization: Schema.Number,
  var: Schema.Number,
  pgs: Schema.Number
})
export type OsdDfNode = typeof OsdDfNode.Type

/** `ceph osd df --format json`. */
export const OsdDf = Schema.Struct({ nodes: Schema.Array(OsdDfNode) })

/** One row of `ceph osd status` (Pacific prints this table even when asked for JSON). */
export const OsdStatusRow = Schema.Struct({
  id: Schema.String,
  node: Schema.String,
  used: Schema.String,
  avail: Schema.String,
  wr_ops: Schema.String,
  wr_data: Schema.String,
  rd_ops: Schema.String,
  rd_data: Schema.String,
  state: Schema.String
})
export type OsdStatusRow = typeof OsdStatusRow.Type

const PoolDf = Schema.Struct({
  name: Schema.String,
  id: Schema.Number,
  size_bytes: Schema.Number,
  num_objects: Schema.Number,
  num_object_clones: Schema.Number,
  num_object_copies: Schema.Number,
  num_objects_missing_on_primary: Schema.Number,
  num_objects_unfound: Schema.Number,
  num_objects_degraded: Schema.Number,
  read_ops: Schema.Number,
  read_bytes: Schema.Number,
  write_ops: Schema.Number,
  write_bytes: Schema.Number
})
export type PoolDf = typeof PoolDf.Type

/** `rados df --format json` (totals are KiB). */
export const RadosDf = Schema.Struct({ pools: Schema.Array(PoolDf) })

/** `rbd info --format json pool/image`; stored raw, decoded to check it is one. */
export const RbdInfo = Schema.Struct({ name: Schema.String, size: Schema.Number })

/** `rbd snap ls --format json pool/image`. */
export const RbdSnapList = Schema.Array(Schema.Struct({ id: Schema.Number, name: Schema.String, size: Schema.Number }))

/** A stats sequence number of an OSD: epoch << 32 | counter, beyond 2^53 on an old cluster. */
const StatSeq = Schema.BigIntFromString

/** `ceph osd last-stat-seq osd.<id>`: the last stats sequence number the manager has from that OSD. */
export const LastStatSeq = Schema.Trim.pipe(Schema.decodeTo(StatSeq))

/** `ceph tell osd.* flush_pg_stats` prints `osd.<id>: <seq>` for every OSD that answered. */
export const parseFlushedSeqs = (stdout: string): ReadonlyArray<{ readonly osd: string; readonly seq: bigint }> =>
  stdout.split("\n").flatMap((line) => {
    const m = /^osd\.(\d+): (\d+)\s*$/.exec(line.trim())
    return m?.[1] !== undefined && m[2] !== undefined ? [{ osd: m[1], seq: BigInt(m[2]) }] : []
  })

/** `rbd ls --format json pool`. */
export const RbdList = Schema.Array(Schema.String)

/** Pool statistics as the layout stores them in `/ceph/pools/<name>/stats` (zk-layout §5). */
export const poolStats = (p: PoolDf) => ({
  id: p.id,
  size_bytes: p.size_bytes,
  num_objects: p.num_objects,
  num_object_clones: p.num_object_clones,
  num_object_copies: p.num_object_copies,
  num_objects_missing_on_primary: p.num_objects_missing_on_primary,
  num_objects_unfound: p.num_objects_unfound,
  num_objects_degraded: p.num_objects_degraded,
  read_ops: p.read_ops,
  read_bytes: p.read_bytes,
  write_ops: p.write_ops,
  write_bytes: p.write_bytes
})

const statusKeys = ["id", "node", "used", "avail", "wr_ops", "wr_data", "rd_ops", "rd_data", "state"] as const

/** Splits the `ceph osd status` table into rows (header skipped, columns by whitespace). */
export const parseOsdStatusTable = (text: string): ReadonlyArray<Record<string, string>> =>
  text.split("\n")
    .map((line) => line.trim().replace(/^\|/, "").replace(/\|$/, "").trim())
    .filter((line) => /^\d+\s/.test(line))
    .map((line) => line.split(/[\s|]+/).filter((c) => c !== ""))
    .filter((cells) => cells.length >= statusKeys.length)
    .map((cells) => Object.fromEntries(statusKeys.map((k, i) => [k, cells[i] ?? ""])))

/** The merged OSD stats object of `/ceph/osds/<id>/stats` (zk-layout §5). */
export const osdStats = (
  dump: OsdDumpEntry,
  df: OsdDfNode | undefined,
  status: OsdStatusRow | undefined
): Record<string, unknown> => ({
  uuid: dump.uuid,
  up: dump.up,
  in: dump.in,
  primary_affinity: dump.primary_affinity,
  ...(df === undefined ? {} : {
    utilization: df.utilization,
    var: df.var,
    pgs: df.pgs,
    kb: df.kb,
    weight: df.crush_weight,
    reweight: df.reweight
  }),
  ...(status === undefined ? {} : {
    node: status.node,
    used: status.used,
    avail: status.avail,
    wr_ops: status.wr_ops,
    wr_data: status.wr_data,
    rd_ops: status.rd_ops,
    rd_data: status.rd_data,
    state: status.state
  })
})
