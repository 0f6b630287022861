import { Result } from "effect"
import { compileLimit, type InvalidLimit, type LimitMatcher } from "../shared/Limit.ts"

// Clients poll the VM list with the same `limit` while names rarely change, so the verdicts per
// candidate are kept across snapshots, for a bounded number of patterns and candidates.
const MAX_PATTERNS = 16
const MAX_VERDICTS = 50_000

const memos = new Map<string, LimitMatcher>()

const memoised = (matcher: LimitMatcher): LimitMatcher => {
  const verdicts = new Map<string, boolean>()
  return (candidate) => {
    let verdict = verdicts.get(candidate)
    if (verdict === undefined) {
      verdict = matcher(candidate)
      if (verdicts.size >= MAX_VERDICTS) verdicts.clear()
      verdicts.set(candidate, verdict)
    }
    return verdict
  }
}

/** `compileLimit`, with the matcher and its verdicts reused for recently seen patterns. */
export const compileLimitMemo = (limit: string): Result.Result<LimitMatcher, InvalidLimit> => {
  const known = memos.get(limit)
  if (known !== undefined) return Result.succeed(known)
  return Result.map(compileLimit(limit), (matcher) => {
    const memo = memoised(matcher)
    if (memos.size >= MAX_PATTERNS) memos.delete(memos.keys().next().value!)
    memos.set(limit, memo)
    return memo
  })
}
