import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { compileLimit, type LimitMatcher, RegexEngine } from "@pvc/core"
import { Result } from "effect"
import { compile } from "../src/Re2RegexEngine.ts"

const engine = RegexEngine.of({ compile })

const matcher = (limit: string): LimitMatcher => {
  const compiled = compileLimit(engine, limit)
  if (Result.isFailure(compiled)) throw new Error(`unexpected InvalidLimit: ${compiled.failure.reason}`)
  return compiled.success
}

const refusal = (limit: string): string => {
  const compiled = compileLimit(engine, limit)
  if (Result.isSuccess(compiled)) throw new Error(`${limit} was accepted`)
  assert.strictEqual(compiled.failure._tag, "InvalidLimit")
  assert.strictEqual(compiled.failure.limit, limit)
  return compiled.failure.reason
}

// RE2 syntax (https://github.com/google/re2/wiki/Syntax) on which JavaScript's RegExp (unicode,
// dotAll) means the same: literals, `.`, the ASCII classes \d \w \W, bracket classes, greedy and
// lazy repetition, counted repetition, capturing, non-capturing and named groups, ^ $ \b.
const arbPattern: fc.Arbitrary<string> = fc.letrec<{ alt: string; seq: string; atom: string }>((tie) => ({
  alt: fc.oneof(
    { weight: 4, arbitrary: tie("seq") },
    { weight: 1, arbitrary: fc.tuple(tie("seq"), tie("seq")).map(([a, b]) => `${a}|${b}`) }
  ),
  seq: fc.array(
    fc.tuple(
      tie("atom"),
      fc.constantFrom("", "", "*", "+", "?", "{2}", "{0,2}", "{1,}", "*?", "+?", "??")
    ).map(([atom, q]) => atom + q),
    { maxLength: 4 }
  ).map((items) => items.join("")),
  atom: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("a", "b", "c", "1", "-", ".", "\\d", "\\w", "\\W", "\\.", "[ab]", "[^a]", "[a-c1]", "[\\d.]") },
    { weight: 1, arbitrary: fc.constantFrom("^", "$", "\\b") },
    { weight: 2, arbitrary: tie("alt").map((inner) => `(${inner})`) },
    { weight: 1, arbitrary: tie("alt").map((inner) => `(?:${inner})`) },
    { weight: 1, arbitrary: tie("alt").map((inner) => `(?<n>${inner})`) }
  )
})).alt.filter((p) =>
  // RE2 repeats an empty-width assertion (`^*`), JavaScript refuses it; one named group per pattern.
  !/(^|[^\\])[$^][*+?{]|\\b[*+?{]/.test(p) && (p.match(/\(\?<n>/g) ?? []).length <= 1
)

const arbCandidate = fc.string({ unit: fc.constantFrom("a", "b", "c", "1", "-", ".", " ", "\n"), maxLength: 8 })

/** decisions.md's fuzzy rule, written out for JavaScript's engine. */
const reference = (limit: string, candidate: string) => new RegExp(`^(?:.*(?:${limit}).*)$`, "su").test(candidate)

describe("the re2js RegexEngine behind the fuzzy limit", () => {
  test.prop([arbPattern, fc.array(arbCandidate, { maxLength: 6 })], { numRuns: 400 })(
    "answers like JavaScript's RegExp on the fuzzy expression, for the syntax both share",
    (limit, candidates) => {
      const match = matcher(limit)
      for (const candidate of candidates) assert.strictEqual(match(candidate), reference(limit, candidate), candidate)
    }
  )

  it("stays correct on a pattern whose DFA is too large to keep", () => {
    const limit = "^(a|b)*a(a|b){13}$"
    const match = matcher(limit)
    const random = fc.sample(fc.string({ unit: fc.constantFrom("a", "b"), minLength: 14, maxLength: 24 }), {
      numRuns: 1500,
      seed: 42
    })
    for (const candidate of random) assert.strictEqual(match(candidate), reference(limit, candidate), candidate)
  })

  it("speaks RE2's syntax: named groups, \\A \\z, Unicode classes, flags, a{,2} literally", () => {
    assert.strictEqual(matcher("^hv\\d{2}$")("hv01"), true)
    assert.strictEqual(matcher("^hv\\d{2}$")("hv1"), false)
    assert.strictEqual(matcher("^[^-]+-[a-f0-9]{3,}$")("vm-abc1"), true)
    assert.strictEqual(matcher("^(?P<n>ab){2}$")("abab"), true)
    assert.strictEqual(matcher("\\x41\\x{42}")("AB"), true)
    assert.strictEqual(matcher("^a{,2}$")("a{,2}"), true)
    assert.strictEqual(matcher("\\Ahv\\d\\z")("hv1"), true)
    assert.strictEqual(matcher("\\Ahv")("xhv1"), false)
    assert.strictEqual(matcher("^\\p{Greek}+$")("αβγ"), true)
    assert.strictEqual(matcher("(?i)^WEB")("web1"), true)
    assert.strictEqual(matcher("^a.b$")("a\nb"), true)
    assert.strictEqual(matcher("a$")("a\n"), false)
    assert.strictEqual(matcher("^.$")("😀"), true)
  })

  it("refuses invalid expressions with re2js's reason, about the expression as written", () => {
    assert.strictEqual(refusal("(a"), "missing closing ): `(a`")
    assert.strictEqual(refusal("a)"), "unexpected ): `a)`")
    assert.match(refusal("*a"), /missing argument to repetition operator/)
    assert.match(refusal("a**"), /invalid nested repetition operator/)
    assert.match(refusal("[a-"), /missing closing \]/)
    assert.match(refusal("[z-a]"), /invalid character class range: `z-a`/)
    assert.match(refusal("a{3,2}"), /invalid repeat count/)
    assert.match(refusal("a\\"), /trailing backslash/)
    assert.match(refusal("\\q"), /invalid escape sequence: `\\q`/)
  })

  it("refuses what a linear-time engine cannot do, and bounds what it compiles", () => {
    assert.match(refusal("(a)\\1"), /invalid escape sequence: `\\1`/)
    assert.match(refusal("a(?=b)"), /invalid or unsupported Perl syntax/)
    assert.match(refusal("(?<=a)b"), /invalid named capture/)
    assert.match(refusal("a{1001}"), /invalid repeat count/)
    assert.match(refusal("((a{1000}){1000}){1000}"), /invalid repeat count/)
    assert.match(refusal("a".repeat(1025)), /longer than 1024/)
    assert.strictEqual(matcher(`${"(".repeat(512)}${")".repeat(512)}`)("deepest nesting that fits"), true)
  })

  it("finishes pathological patterns (no backtracking)", () => {
    const as = "a".repeat(5000)
    assert.strictEqual(matcher("^(a+)+$")(`${as}!`), false)
    assert.strictEqual(matcher("^(a|a)*b")(as), false)
    assert.strictEqual(matcher("(.*){20}x")("y".repeat(2000)), false)
    assert.strictEqual(matcher("(a*)*$")(as), true)
    assert.strictEqual(matcher("^(a?){30}a{30}$")("a".repeat(30)), true)
  })
})
