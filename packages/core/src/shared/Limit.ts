import { Effect, Result, Schema } from "effect"
import { RegexEngine, type RegexSearch } from "../ports/RegexEngine.ts"

export class InvalidLimit extends Schema.TaggedError<InvalidLimit>()("InvalidLimit", {
  limit: Schema.String,
  reason: Schema.String
}) {}

/** Tests a candidate (a name, a UUID, a VNI...) against a `limit`. */
export type LimitMatcher = (candidate: string) => boolean

export const MAX_LIMIT_LENGTH = 1024

/**
 * The fuzzy `limit` (decisions.md): `.*` is put in front unless it starts with `^`, and after
 * unless it ends with `$`; then it must match the whole candidate. With `^`/`$` as anchors of the
 * candidate and `.` matching every character, `.*(?:limit).*` matching the whole candidate is
 * exactly `limit` matching some part of it: the engine's search.
 */
export const compileLimit = (engine: RegexEngine["Service"], limit: string): Result.Result<LimitMatcher, InvalidLimit> =>
  limit.length > MAX_LIMIT_LENGTH
    ? Result.fail(new InvalidLimit({ limit, reason: `longer than ${MAX_LIMIT_LENGTH} characters` }))
    : Result.mapError(engine.compile(limit), (reason) => new InvalidLimit({ limit, reason }))

// Clients poll lists with the same `limit`: the compiled searches of recently seen expressions
// are reused (per engine), not the verdicts per candidate.
const MAX_REMEMBERED = 16
const remembered = new WeakMap<RegexEngine["Service"], Map<string, RegexSearch>>()

const compileRemembered = (engine: RegexEngine["Service"], limit: string): Result.Result<LimitMatcher, InvalidLimit> => {
  let memo = remembered.get(engine)
  if (memo === undefined) remembered.set(engine, memo = new Map())
  const known = memo.get(limit)
  if (known !== undefined) return Result.succeed(known)
  return Result.map(compileLimit(engine, limit), (search) => {
    if (memo.size >= MAX_REMEMBERED) memo.delete(memo.keys().next().value!)
    memo.set(limit, search)
    return search
  })
}

const everything: LimitMatcher = () => true

/**
 * The filter of a list use-case's optional `limit`: every candidate passes when there is none;
 * an invalid expression fails with `InvalidLimit` and its reason.
 */
export const limitFilter = (limit: string | undefined): Effect.Effect<LimitMatcher, InvalidLimit, RegexEngine> =>
  limit === undefined
    ? Effect.succeed(everything)
    : Effect.gen(function*() {
      return yield* Effect.fromResult(compileRemembered(yield* RegexEngine, limit))
    })
