import { RegexEngine } from "@pvc/core"
import { Layer, Result } from "effect"
import { RE2JS, RE2JSException, RE2JSSyntaxException } from "re2js"

// re2js states DOTALL as a `(?s)` in front of the expression, and shows it in its messages.
const ownText = (fragment: string): string => fragment.startsWith("(?s)") ? fragment.slice(4) : fragment

/** re2js's reason, about the expression as the client wrote it. */
const reasonOf = (error: RE2JSException): string => {
  if (!(error instanceof RE2JSSyntaxException)) return error.message
  const fragment = error.getPattern()
  return fragment === null || fragment === "" ? error.getDescription() : `${error.getDescription()}: \`${ownText(fragment)}\``
}

/** RE2 syntax (https://github.com/google/re2/wiki/Syntax); `.` matches line breaks too. */
export const compile = (expression: string): Result.Result<(candidate: string) => boolean, string> => {
  try {
    const compiled = RE2JS.compile(expression, RE2JS.DOTALL)
    return Result.succeed((candidate) => compiled.test(candidate))
  } catch (e) {
    if (e instanceof RE2JSException) return Result.fail(reasonOf(e))
    throw e
  }
}

/** The `RegexEngine` on re2js, a port of RE2: linear-time search (lazy DFA, NFA when it gives up). */
export const layer: Layer.Layer<RegexEngine> = Layer.succeed(RegexEngine, RegexEngine.of({ compile }))
