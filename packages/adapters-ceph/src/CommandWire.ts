import { CephCommand, cephCommandText, NodeName, OsdId, PoolName, SnapshotName, VolumeName } from "@pvc/core"

/** The `/ceph/cmd` value of a command: `<command> <args>` (zk-layout §5.1), core's one encoder. */
export const encode = cephCommandText

const units: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 }

/** `4294967296B` (what the API sends) or `4096M` → bytes. */
export const parseSize = (text: string): number | undefined => {
  const m = /^(\d+)([BKMGTP]?)$/.exec(text)
  return m === null ? undefined : Number(m[1]) * (units[m[2] || "B"] ?? 1)
}

const parts = (args: string, n: number): ReadonlyArray<string> | undefined => {
  const p = args.split(",")
  return p.length === n && p.every((x) => x !== "") ? p : undefined
}

type Decoder = (args: string) => CephCommand | undefined

const decoders: Record<string, Decoder> = {
  osd_add: (a) => {
    const p = parts(a, 3)
    return p && CephCommand.OsdAdd({ node: NodeName.make(p[0]!), device: p[1]!, weight: p[2]! })
  },
  osd_remove: (a) => (/^\d+$/.test(a) ? CephCommand.OsdRemove({ id: OsdId.make(a) }) : undefined),
  osd_in: (a) => (/^\d+$/.test(a) ? CephCommand.OsdIn({ id: OsdId.make(a) }) : undefined),
  osd_out: (a) => (/^\d+$/.test(a) ? CephCommand.OsdOut({ id: OsdId.make(a) }) : undefined),
  osd_set: (a) => CephCommand.OsdSet({ option: a }),
  osd_unset: (a) => CephCommand.OsdUnset({ option: a }),
  pool_add: (a) => {
    const p = parts(a, 2)
    return p && /^\d+$/.test(p[1]!) ? CephCommand.PoolAdd({ name: PoolName.make(p[0]!), pgs: Number(p[1]) }) : undefined
  },
  pool_remove: (a) => CephCommand.PoolRemove({ name: PoolName.make(a) }),
  volume_add: (a) => {
    const p = parts(a, 3)
    const bytes = p && parseSize(p[2]!)
    return p && bytes !== undefined
      ? CephCommand.VolumeAdd({ pool: PoolName.make(p[0]!), name: VolumeName.make(p[1]!), bytes })
      : undefined
  },
  volume_remove: (a) => {
    const p = parts(a, 2)
    return p && CephCommand.VolumeRemove({ pool: PoolName.make(p[0]!), name: VolumeName.make(p[1]!) })
  },
  snapshot_add: (a) => {
    const p = parts(a, 3)
    return p && CephCommand.SnapshotAdd({ pool: PoolName.make(p[0]!), volume: VolumeName.make(p[1]!), name: SnapshotName.make(p[2]!) })
  },
  snapshot_remove: (a) => {
    const p = parts(a, 3)
    return p && CephCommand.SnapshotRemove({ pool: PoolName.make(p[0]!), volume: VolumeName.make(p[1]!), name: SnapshotName.make(p[2]!) })
  }
}

/** A pipe value → command; anything but exactly two known tokens (incl. answers) → undefined. */
export const decode = (value: string): CephCommand | undefined => {
  const tokens = value.trim().split(/\s+/)
  if (tokens.length !== 2) return undefined
  const decoder = decoders[tokens[0]!]
  return decoder === undefined ? undefined : decoder(tokens[1]!)
}

export const success = (value: string) => `success-${value}`
export const failure = (value: string) => `failure-${value}`
export const isAnswer = (value: string) => value.startsWith("success-") || value.startsWith("failure-")

/**
 * A failure answer with the reason on a second line (`failure-<command>\n<reason>`): invisible to
 * the original API (first token only) and to pvcd (more than two tokens), read by ours. The reason
 * is kept to one line.
 */
export const failureWithReason = (value: string, reason: string): string => {
  const line = reason.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "").join("; ")
  return line === "" ? failure(value) : `${failure(value)}\n${line}`
}

export type Answer =
  | { readonly _tag: "Success" }
  | { readonly _tag: "Failure"; readonly reason: string | undefined }

/**
 * The answer to `value` in pipe data `data`, if it is one: `success-<value>` / `failure-<value>`
 * exactly or followed by a newline and a reason — so an answer to `osd_remove 12` never answers
 * `osd_remove 1`.
 */
export const answerTo = (value: string, data: string): Answer | undefined => {
  for (const [prefix, ok] of [[success(value), true], [failure(value), false]] as const) {
    if (data !== prefix && !data.startsWith(`${prefix}\n`)) continue
    if (ok) return { _tag: "Success" }
    const reason = data.slice(prefix.length + 1).trim()
    return { _tag: "Failure", reason: reason === "" ? undefined : reason }
  }
  return undefined
}
