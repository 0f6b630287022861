import type { Osd, Pool, Snapshot, Volume } from "@pvc/core"
import { Schema } from "effect"

const Stats = Schema.Record(Schema.String, Schema.Unknown)

export const OsdJson = Schema.Struct({ id: Schema.String, stats: Stats })
export const osdJson = (osd: Osd): typeof OsdJson.Type => ({ id: osd.id, stats: osd.stats })

export const PoolJson = Schema.Struct({ name: Schema.String, stats: Stats })
export const poolJson = (pool: Pool): typeof PoolJson.Type => ({ name: pool.name, stats: pool.stats })

export const VolumeJson = Schema.Struct({ name: Schema.String, pool: Schema.String, stats: Stats })

/** `stats.size` is shown human-readable (zk-layout §5); `humanSize` is core's rendering. */
export const volumeJson = (volume: Volume, humanSize: (bytes: number) => string): typeof VolumeJson.Type => {
  const size = volume.stats["size"]
  const stats = typeof size === "number" ? { ...volume.stats, size: humanSize(size) } : volume.stats
  return { name: volume.name, pool: volume.pool, stats }
}

export const SnapshotJson = Schema.Struct({
  pool: Schema.String,
  volume: Schema.String,
  snapshot: Schema.String,
  stats: Stats
})
export const snapshotJson = (s: Snapshot): typeof SnapshotJson.Type => ({
  pool: s.pool,
  volume: s.volume,
  snapshot: s.name,
  stats: s.stats
})

// Python's str.isspace() set: what the original's `.rstrip()` removes (JS \s differs in \x1c-\x1f, \x85, \ufeff).
const PY_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/

/** Python's `text.rstrip()` (a scan from the end: no regex backtracking over long inner runs). */
export const pythonRstrip = (text: string): string => {
  let end = text.length
  while (end > 0 && PY_SPACE.test(text.charAt(end - 1))) end--
  return text.slice(0, end)
}

/**
 * `GET /storage/ceph` and `/df` (zk-layout §5, §9); no primary shows as stored, `none`.
 * `ceph_data` is the stored text with trailing whitespace stripped, as the original returns it.
 */
export const CephJson = Schema.Struct({
  type: Schema.Literals(["status", "utilization"]),
  primary_node: Schema.String,
  ceph_data: Schema.String.annotate({ description: "The stored text, trailing whitespace stripped." })
})
export const cephJson = (
  type: "status" | "utilization",
  report: { readonly primaryNode: string | null; readonly text: string }
): typeof CephJson.Type => ({ type, primary_node: report.primaryNode ?? "none", ceph_data: pythonRstrip(report.text) })
