import { Result } from "effect"
import { compileLimit, type InvalidLimit, type LimitMatcher } from "../shared/Limit.ts"

// Clients poll the VM list with the same `limit`: the compiled matchers (and the DFA states they
// build while matching) of recently seen patterns are reused. Verdicts per candidate are not kept:
// with many distinct patterns such tables only fill the old generation with garbage.
const MAX_PATTERNS = 16

const memos = new Map<string, LimitMatcher>()

/** `compileLimit`, with the matcher reused for recently seen patterns. */
export const compileLimitMemo = (limit: string): Result.Result<LimitMatcher, InvalidLimit> => {
  const known = memos.get(limit)
  if (known !== undefined) return Result.succeed(known)
  return Result.map(compileLimit(limit), (matcher) => {
    if (memos.size >= MAX_PATTERNS) memos.delete(memos.keys().next().value!)
    memos.set(limit, matcher)
    return matcher
  })
}
