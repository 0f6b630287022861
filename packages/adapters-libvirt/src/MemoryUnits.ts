const mebibyte = 1024 * 1024
const scales = ["k", "m", "g", "t", "p", "e"]

/**
 * Bytes per unit as libvirt reads `unit=` (case-insensitive): `b`/`byte`/`bytes`; a scale letter
 * alone or with `iB` is a power of 1024 (`k`, `KiB`, `M`, `MiB`, ...), with `B` a power of 1000
 * (`KB`, `MB`, ...). Memory without a unit is in KiB.
 */
export const bytesPerUnit = (unit: string | undefined): number | undefined => {
  const lower = (unit ?? "KiB").toLowerCase()
  if (lower === "b" || lower === "byte" || lower === "bytes") return 1
  const power = scales.indexOf(lower.charAt(0)) + 1
  if (power === 0) return undefined
  const suffix = lower.slice(1)
  if (suffix === "" || suffix === "ib") return 1024 ** power
  if (suffix === "b") return 1000 ** power
  return undefined
}

const isDecimal = (value: string): boolean =>
  value.length > 0 && value.length <= 20 && [...value].every((c) => c >= "0" && c <= "9")

/** Memory in whole MiB (rounded to the nearest), or undefined when value or unit do not convert. */
export const memoryMiB = (value: string, unit: string | undefined): number | undefined => {
  const trimmed = value.trim()
  const perUnit = bytesPerUnit(unit?.trim())
  if (!isDecimal(trimmed) || perUnit === undefined) return undefined
  const mib = Math.round((Number(trimmed) * perUnit) / mebibyte)
  return Number.isSafeInteger(mib) ? mib : undefined
}

const KIB_PER_MIB = 1024
const MIB_PER_GIB = 1024

/**
 * The VM JSON `memory` as the original API shows it (zk-layout §3): whole MiB as an integer when
 * `unit` is exactly `KiB` (truncated like Python's `int(n / 1024)`, never rounded) or `GiB`, and
 * otherwise the element's text as written — for `MiB`, and also with no `unit` at all, although
 * libvirt then reads KiB. A value that is not a decimal number stays text whatever the unit.
 */
export const memoryJson = (value: string, unit: string | undefined): number | string => {
  const trimmed = value.trim()
  if ((unit !== "KiB" && unit !== "GiB") || !isDecimal(trimmed)) return value
  const mib = unit === "KiB" ? Math.trunc(Number(trimmed) / KIB_PER_MIB) : Number(trimmed) * MIB_PER_GIB
  return Number.isSafeInteger(mib) ? mib : value
}
