/*
 * Ceph output as the node daemons store it (zk-layout §5): JSON stats objects and the raw text of
 * `ceph status` and `rados df` (Ceph 12/14 formatting).
 */

const GiB = 1024 ** 3

const human = (bytes: number) =>
  bytes >= 1024 * GiB ? `${(bytes / (1024 * GiB)).toFixed(1)} TiB` : `${(bytes / GiB).toFixed(1)} GiB`

/** `/ceph/osds/<id>/stats`: merged `ceph osd dump`, `ceph osd df` and `ceph osd status` fields. */
export const osdStats = (id: number, node: string, utilizationPercent: number): Record<string, unknown> => {
  const kb = 1953514584
  const usedKb = Math.round(kb * utilizationPercent / 100)
  return {
    uuid: `7c0f${String(id).padStart(4, "0")}-5b1e-4e7a-9d3c-1f2e3d4c5b6a`,
    up: 1,
    in: 1,
    primary_affinity: "1",
    utilization: utilizationPercent + 0.25,
    var: 1.01,
    pgs: 128 + id,
    kb,
    weight: 1.819,
    reweight: 1,
    node,
    used: `${Math.round(usedKb / 1024 / 1024)}G`,
    avail: `${Math.round((kb - usedKb) / 1024 / 1024)}G`,
    wr_ops: 6 + id,
    wr_data: "45.1k",
    rd_ops: id,
    rd_data: "1.2k",
    state: "exists,up"
  }
}

/** `/ceph/pools/<name>/stats`: one pool of `rados df --format json`. */
export const poolStats = (id: number, volumes: number): Record<string, unknown> => {
  const objects = volumes * 1024
  return {
    id,
    size_bytes: objects * 4 * 1024 * 1024,
    num_objects: objects,
    num_object_clones: 0,
    num_object_copies: objects * 3,
    num_objects_missing_on_primary: 0,
    num_objects_unfound: 0,
    num_objects_degraded: 0,
    read_ops: 1200 * id,
    read_bytes: 52428800 * id,
    write_ops: 6700 * id,
    write_bytes: 104857600 * id
  }
}

/** `/ceph/volumes/<pool>/<vol>/stats`: `rbd info --format json`, `size` in bytes. */
export const rbdInfo = (name: string, bytes: number): Record<string, unknown> => ({
  name,
  size: bytes,
  objects: Math.ceil(bytes / 4194304),
  order: 22,
  object_size: 4194304,
  block_name_prefix: `rbd_data.${[...name].map((c) => c.charCodeAt(0).toString(16)).join("").slice(0, 12).padEnd(12, "0")}`,
  format: 2,
  features: ["layering", "exclusive-lock", "object-map", "fast-diff", "deep-flatten"],
  flags: [],
  create_timestamp: "Fri Jul 12 10:00:00 2019"
})

export interface CephStatusFacts {
  readonly osds: number
  readonly pools: number
  readonly objects: number
  readonly monitors: ReadonlyArray<string>
}

/** `ceph status` output, without the trailing newline (the API strips it). */
export const cephStatusText = (facts: CephStatusFacts): string => {
  const pgs = facts.pools * 128
  const [active = "none", ...standbys] = facts.monitors
  return [
    "  cluster:",
    "    id:     2f3b8d5c-6a4e-4b1f-9a2c-8e7d6f5a4b3c",
    `    health: ${facts.osds >= 3 ? "HEALTH_OK" : "HEALTH_WARN"}`,
    " ",
    "  services:",
    `    mon: ${facts.monitors.length} daemons, quorum ${facts.monitors.join(",")}`,
    `    mgr: ${active}(active)${standbys.length > 0 ? `, standbys: ${standbys.join(", ")}` : ""}`,
    `    osd: ${facts.osds} osds: ${facts.osds} up, ${facts.osds} in`,
    " ",
    "  data:",
    `    pools:   ${facts.pools} pools, ${pgs} pgs`,
    `    objects: ${facts.objects} objects, ${human(facts.objects * 4194304)}`,
    `    usage:   ${human(facts.objects * 3 * 4194304 + facts.osds * GiB)} used, ` +
    `${human(facts.osds * 1863 * GiB)} / ${human(facts.osds * 1864 * GiB)} avail`,
    `    pgs:     ${pgs} active+clean`,
    " ",
    "  io:",
    "    client:   1.2 KiB/s rd, 45 KiB/s wr, 0 op/s rd, 6 op/s wr"
  ].join("\n")
}

/** `rados df` table output, without the trailing newline. */
export const radosDfText = (pools: ReadonlyArray<{ readonly name: string; readonly objects: number }>): string => {
  const width = Math.max(9, ...pools.map((p) => p.name.length))
  const row = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(width) : c.padStart(9))).join(" ")
  const totalObjects = pools.reduce((sum, p) => sum + p.objects, 0)
  return [
    row(["POOL_NAME", "USED", "OBJECTS", "CLONES", "COPIES", "MISSING_ON_PRIMARY", "UNFOUND", "DEGRADED", "RD_OPS", "RD", "WR_OPS", "WR"]),
    ...pools.map((p) =>
      row([
        p.name, human(p.objects * 4194304), String(p.objects), "0", String(p.objects * 3), "0", "0", "0",
        "1200", "50 MiB", "6700", "100 MiB"
      ])
    ),
    "",
    `total_objects    ${totalObjects}`,
    `total_used       ${human(totalObjects * 3 * 4194304)}`,
    "total_avail      5.5 TiB",
    "total_space      5.5 TiB"
  ].join("\n")
}
