import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect, Layer, Result } from "effect"
import { RegexEngine } from "../../src/ports/RegexEngine.ts"
import { compileLimit, type LimitMatcher, limitFilter } from "../../src/shared/Limit.ts"
import { layerRegexEngine } from "../support/RegexEngine.ts"

const matcher = (limit: string): Effect.Effect<LimitMatcher, unknown> =>
  limitFilter(limit).pipe(Effect.provide(layerRegexEngine))

/** An engine that records what it is asked to compile and refuses `bad`. */
const recordingEngine = () => {
  const compiled: Array<string> = []
  const engine = RegexEngine.of({
    compile: (expression) => {
      compiled.push(expression)
      return expression === "bad" ? Result.fail("the engine's own reason") : Result.succeed((c) => c.includes(expression))
    }
  })
  return { compiled, engine, layer: Layer.succeed(RegexEngine, engine) }
}

describe("the fuzzy limit", () => {
  it.effect("applies the fuzzy prefix and suffix rules (decisions.md)", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, string, boolean]> = [
        ["vm", "myvm1", true],
        ["^vm", "myvm1", false],
        ["^my", "myvm1", true],
        ["vm$", "myvm1", false],
        ["1$", "myvm1", true],
        ["^myvm1$", "myvm1", true],
        ["^myvm$", "myvm1", false],
        ["", "anything", true],
        ["a|z", "xa", true],
        ["^a|z$", "ba", false],
        ["^(a|z)", "za", true]
      ]
      for (const [limit, candidate, expected] of cases) {
        assert.strictEqual((yield* matcher(limit))(candidate), expected, `${limit} on ${candidate}`)
      }
    }))

  const arbWord = fc.string({ unit: fc.constantFrom("a", "b", "0"), minLength: 1, maxLength: 4 })
  test.prop([arbWord, fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })])(
    "a plain word matches exactly the names containing it",
    (word, before, after) =>
      Effect.runPromise(Effect.gen(function*() {
        const match = yield* matcher(word)
        assert.strictEqual(match(before + word + after), true)
        assert.strictEqual(match(before + after), (before + after).includes(word))
      }))
  )

  it.effect("no limit lets every candidate through without asking the engine", () =>
    Effect.gen(function*() {
      const { compiled, layer } = recordingEngine()
      const match = yield* limitFilter(undefined).pipe(Effect.provide(layer))
      assert.deepStrictEqual([match(""), match("x")], [true, true])
      assert.deepStrictEqual(compiled, [])
    }))

  it.effect("an invalid expression fails with the limit and the engine's reason", () =>
    Effect.gen(function*() {
      const { layer } = recordingEngine()
      const error = yield* Effect.flip(limitFilter("bad").pipe(Effect.provide(layer)))
      assert.strictEqual(error._tag, "InvalidLimit")
      assert.strictEqual(error.limit, "bad")
      assert.strictEqual(error.reason, "the engine's own reason")
    }))

  it("refuses an expression over 1024 characters before the engine sees it", () => {
    const { compiled, engine } = recordingEngine()
    const long = compileLimit(engine, "a".repeat(1025))
    assert.isTrue(Result.isFailure(long) && long.failure.reason === "longer than 1024 characters")
    assert.isTrue(Result.isSuccess(compileLimit(engine, "a".repeat(1024))))
    assert.deepStrictEqual(compiled, ["a".repeat(1024)])
  })

  it.effect("reuses the compiled expression for a repeated limit, per engine, for the 16 latest", () =>
    Effect.gen(function*() {
      const { compiled, layer } = recordingEngine()
      const filter = (limit: string) => limitFilter(limit).pipe(Effect.provide(layer))
      yield* filter("x")
      yield* filter("x")
      assert.deepStrictEqual(compiled, ["x"])
      for (let i = 0; i < 16; i++) yield* filter(`y${i}`)
      yield* filter("x")
      assert.deepStrictEqual(compiled.filter((e) => e === "x"), ["x", "x"])
      const other = recordingEngine()
      yield* limitFilter("x").pipe(Effect.provide(other.layer))
      assert.deepStrictEqual(other.compiled, ["x"])
    }))
})
