import { Context, type Result } from "effect"

/** Tells whether a compiled expression matches somewhere in a candidate. */
export type RegexSearch = (candidate: string) => boolean

/**
 * A linear-time regular-expression engine, what `limit` filters are matched with.
 *
 * `compile` either refuses the expression with a one-line reason, or answers a search: does the
 * expression match some part of the candidate? `^` and `$` anchor at the candidate's start and
 * end (not at line breaks), `.` matches every character including a line break, and searching
 * takes time linear in the candidate's length whatever the expression (no backtracking).
 */
export class RegexEngine extends Context.Service<RegexEngine, {
  readonly compile: (expression: string) => Result.Result<RegexSearch, string>
}>()("pvc/core/RegexEngine") {}
