import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { humanSize, parseSize } from "../../src/storage/SizeRules.ts"
import { parsePgs } from "../../src/storage/StorageRules.ts"

const bytesOf = (text: string) => Result.getOrThrow(parseSize(text))
const UNIT = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 } as const

describe("parseSize", () => {
  it("reads bytes and binary multiples, case-insensitively, with an optional B", () => {
    assert.strictEqual(bytesOf("1073741824"), 2 ** 30)
    assert.strictEqual(bytesOf("4096M"), 4 * 2 ** 30)
    assert.strictEqual(bytesOf("2G"), 2 * 2 ** 30)
    assert.strictEqual(bytesOf("2gb"), 2 * 2 ** 30)
    assert.strictEqual(bytesOf("512B"), 512)
    assert.strictEqual(bytesOf("1k"), 1024)
    assert.strictEqual(bytesOf("3P"), 3 * 1024 ** 5)
  })

  it("refuses everything else, saying why", () => {
    const notANumber = "not a number of bytes or an integer with K, M, G, T or P"
    const cases: ReadonlyArray<readonly [string, string]> = [
      ...["", "G", "1.5G", "-1", "1 G", "1X", "1GG", "1BB", " 5", "1e3"].map((bad) => [bad, notANumber] as const),
      ["0", "not positive"],
      ["0G", "not positive"],
      ["99999999P", "too large"]
    ]
    for (const [bad, reason] of cases) {
      const result = parseSize(bad)
      assert.isTrue(Result.isFailure(result), bad)
      if (Result.isFailure(result)) {
        assert.deepStrictEqual(
          [result.failure._tag, result.failure.field, result.failure.value, result.failure.reason],
          ["InvalidStorageValue", "size", bad, reason]
        )
      }
    }
  })

  test.prop([fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom("K", "M", "G", "T", "P", "k", "g")])(
    "a count with a unit is that many binary multiples",
    (n, unit) => {
      const bytes = n * UNIT[unit.toUpperCase() as keyof typeof UNIT]
      const parsed = parseSize(`${n}${unit}`)
      assert.strictEqual(Result.getOrUndefined(parsed), Number.isSafeInteger(bytes) ? bytes : undefined)
    }
  )
})

describe("humanSize", () => {
  it("renders the examples of zk-layout §5", () => {
    assert.strictEqual(humanSize(4 * 2 ** 30), "4096M")
    assert.strictEqual(humanSize(10 * 2 ** 30), "10G")
    assert.strictEqual(humanSize(512), "512B")
    assert.strictEqual(humanSize(9999), "9999B")
    assert.strictEqual(humanSize(10000), "10K")
  })

  it("counts in P past 9999P, the largest unit", () => {
    assert.strictEqual(humanSize(9999 * 1024 ** 5), "9999P")
    assert.strictEqual(humanSize(10_000 * 1024 ** 5), "10000P")
  })

  test.prop([fc.integer({ min: 1, max: 2 ** 52 })])(
    "uses the smallest unit whose rounded-up count is at most 9999, and never undershoots",
    (bytes) => {
      const text = humanSize(bytes)
      const count = Number(text.slice(0, -1))
      assert.isAtMost(count, 9999)
      const back = bytesOf(text)
      assert.isAtLeast(back, bytes)
      const unit = back / count
      assert.isBelow(back - bytes, unit)
      if (unit > 1) assert.isAbove(Math.ceil(bytes / (unit / 1024)), 9999)
    }
  )

  test.prop([fc.integer({ min: 1, max: 9999 }), fc.constantFrom("", "K", "M", "G", "T")])(
    "round-trips with parseSize on sizes written with a count of at most 9999",
    (n, unit) => {
      fc.pre(Result.isSuccess(parseSize(`${n}${unit}`)))
      const bytes = bytesOf(`${n}${unit}`)
      assert.strictEqual(bytesOf(humanSize(bytes)), bytes)
    }
  )
})

describe("parsePgs", () => {
  test.prop([fc.string({ maxLength: 6 })])("accepts exactly the positive integers", (text) => {
    const expected = /^[0-9]+$/.test(text) && Number(text) > 0
    assert.strictEqual(Result.isSuccess(parsePgs(text)), expected)
  })

  it("distinguishes a missing from an invalid count", () => {
    const missing = parsePgs(undefined)
    assert.strictEqual(Result.isFailure(missing) && missing.failure._tag, "MissingStorageValue")
    const zero = parsePgs("0")
    assert.strictEqual(Result.isFailure(zero) && zero.failure._tag, "InvalidStorageValue")
  })
})
