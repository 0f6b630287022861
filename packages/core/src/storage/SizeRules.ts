import { Result } from "effect"
import { InvalidStorageValue } from "./StorageErrors.ts"

const UNITS = ["B", "K", "M", "G", "T", "P"] as const
const unitBytes = (index: number) => 1024 ** index

/**
 * `size`: bytes, or an integer with one of `K M G T P` (binary multiples, case-insensitive,
 * optional trailing `B`), as a positive number of bytes.
 */
export const parseSize = (text: string): Result.Result<number, InvalidStorageValue> => {
  const invalid = (reason: string) => Result.fail(new InvalidStorageValue({ field: "size", value: text, reason }))
  const match = /^([0-9]+)([kmgtp]?)b?$/i.exec(text)
  if (match === null) return invalid("not a number of bytes or an integer with K, M, G, T or P")
  const bytes = Number(match[1]) * unitBytes(UNITS.indexOf((match[2] || "B").toUpperCase() as "B"))
  if (bytes <= 0) return invalid("not positive")
  if (!Number.isSafeInteger(bytes)) return invalid("too large")
  return Result.succeed(bytes)
}

/**
 * zk-layout §5: the smallest unit of B, K, M, G, T, P for which the rounded-up count is at most
 * 9999 (4 GiB → `4096M`, 10 GiB → `10G`, 512 → `512B`).
 */
export const humanSize = (bytes: number): string => {
  const fitting = UNITS.findIndex((_, i) => Math.ceil(bytes / unitBytes(i)) <= 9999)
  const unit = fitting === -1 ? UNITS.length - 1 : fitting
  return `${Math.ceil(bytes / unitBytes(unit))}${UNITS[unit]}`
}
