import { createHash, timingSafeEqual } from "node:crypto"
import type { ApiToken } from "../config/ApiConfig.ts"

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest()

/**
 * Exact, constant-time token check: every configured token is compared (no early exit) over
 * fixed-length digests, so neither a prefix nor the length leaks. Empty tokens never match.
 */
export const makeTokenMatcher = (tokens: ReadonlyArray<ApiToken>) => {
  const digests = tokens.filter((t) => t.token !== "").map((t) => digest(t.token))
  return (candidate: string): boolean => {
    if (candidate === "") return false
    const given = digest(candidate)
    let matched = false
    for (const known of digests) matched = timingSafeEqual(known, given) || matched
    return matched
  }
}
