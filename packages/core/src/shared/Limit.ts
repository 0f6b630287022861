import { Result, Schema } from "effect"

export class InvalidLimit extends Schema.TaggedError<InvalidLimit>()("InvalidLimit", {
  limit: Schema.String,
  reason: Schema.String
}) {}

/** Tests a candidate name against a compiled `limit`. */
export type LimitMatcher = (candidate: string) => boolean

/**
 * Compile a fuzzy `limit` (decisions.md): `.*` is put in front unless it starts with `^`, and
 * after unless it ends with `$`; the result must match the whole candidate.
 * PLACEHOLDER: uses JavaScript's backtracking RegExp; to be replaced by a linear-time engine.
 */
export const compileLimit = (limit: string): Result.Result<LimitMatcher, InvalidLimit> => {
  const body = limit.startsWith("^") ? limit.slice(1) : ".*" + limit
  const full = body.endsWith("$") ? body.slice(0, -1) : body + ".*"
  try {
    const re = new RegExp(`^(?:${full})$`, "su")
    return Result.succeed((candidate) => re.test(candidate))
  } catch (e) {
    return Result.fail(new InvalidLimit({ limit, reason: e instanceof Error ? e.message : String(e) }))
  }
}
