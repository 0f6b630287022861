import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Schema } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { CephCliFailed, withinDeadline } from "../src/CephCli.ts"
import { LastStatSeq, parseFlushedSeqs } from "../src/CephJson.ts"
import { type Probe, waitFor } from "../src/CephOps.ts"

describe("PG stats sequence numbers", () => {
  it("`ceph tell osd.* flush_pg_stats`: the OSDs that answered, with their sequence numbers", () => {
    const out = "osd.0: 17179869207\nosd.1: 219043332098\n"
    assert.deepStrictEqual(parseFlushedSeqs(out), [{ osd: "0", seq: 17179869207n }, { osd: "1", seq: 219043332098n }])
  })

  it("every `osd.<id>: <seq>` line and nothing else, in order, also beyond 2^53", () => {
    const entry = fc.record({ osd: fc.nat({ max: 9999 }).map(String), seq: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) })
    const noise = fc.constantFrom("Error ENXIO: problem getting command descriptions from osd.3", "", "osd.x: 12", "osd.2: ", "garbage")
    fc.assert(fc.property(fc.array(fc.tuple(entry, fc.array(noise, { maxLength: 2 }))), (rows) => {
      const text = rows.flatMap(([e, junk]) => [...junk, `osd.${e.osd}: ${e.seq}`]).join("\n")
      assert.deepStrictEqual(parseFlushedSeqs(text), rows.map(([e]) => e))
    }))
  })

  it("`ceph osd last-stat-seq`: a trimmed integer, exact beyond 2^53; anything else is refused", () => {
    assert.strictEqual(Schema.decodeUnknownSync(LastStatSeq)("219043332099\n"), 219043332099n)
    assert.strictEqual(Schema.decodeUnknownSync(LastStatSeq)("18446744073709551615"), 18446744073709551615n)
    assert.throws(() => Schema.decodeUnknownSync(LastStatSeq)("Error EINVAL: osd.9 does not exist"))
  })
})

/** A probe that answers `answers` in turn (the last one for ever); counts its calls. */
const scripted = (answers: ReadonlyArray<Probe | CephCliFailed>) => {
  let calls = 0
  const probe = Effect.suspend(() => {
    const a = answers[Math.min(calls++, answers.length - 1)]!
    return a instanceof CephCliFailed ? Effect.fail(a) : Effect.succeed(a)
  })
  return { probe, calls: () => calls }
}

const down: Probe = { done: false, why: "osd.3 is down (its daemon is not running?)" }
const spec = { waitingFor: "osd.3 to come up and in", atMost: "10 seconds", keep: () => 500, every: "1 second" } as const

describe("bounded waits for Ceph (CephOps.waitFor)", () => {
  it.effect("gives up after its bound with Ceph's last answer as the reason", () =>
    Effect.gen(function*() {
      const { probe } = scripted([down])
      const fiber = yield* waitFor(spec, probe).pipe(Effect.forkChild)
      yield* TestClock.adjust("9 seconds")
      assert.isUndefined(fiber.pollUnsafe(), "still waiting before the bound")
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber).pipe(Effect.flip)
      assert.strictEqual(error._tag, "CephWaitExpired")
      assert.strictEqual(error.reason, "osd.3 is down (its daemon is not running?) (gave up after 10 s waiting for osd.3 to come up and in)")
      assert.strictEqual(error.seconds, 10)
    }))

  it.effect("the command's deadline shortens the bound, keeping what the command needs afterwards", () =>
    Effect.gen(function*() {
      const { probe } = scripted([down])
      // withinDeadline keeps a tenth (at most 2 s) to answer: give up at 4.5 s; the wait keeps 0.5 s more
      const fiber = yield* waitFor(spec, probe).pipe(withinDeadline("5 seconds"), Effect.forkChild)
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber).pipe(Effect.flip)
      assert.strictEqual(error.seconds, 4)
    }))

  it.effect("a failing probe is an answer too: its reason is the last answer", () =>
    Effect.gen(function*() {
      const busy = new CephCliFailed({ argv: ["ceph", "osd", "safe-to-destroy", "3"], exitCode: 16, reason: "Error EBUSY: OSD(s) 3 have 8 pgs currently mapped to them." })
      const { probe } = scripted([down, busy])
      const fiber = yield* waitFor({ ...spec, waitingFor: "osd.3 to drain" }, probe).pipe(Effect.forkChild)
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber).pipe(Effect.flip)
      assert.match(error.reason, /^Error EBUSY: OSD\(s\) 3 have 8 pgs currently mapped to them\. \(gave up after 10 s waiting for osd\.3 to drain\)$/)
    }))

  it.effect("ends as soon as Ceph shows the state, without waiting out the bound", () =>
    Effect.gen(function*() {
      const { probe, calls } = scripted([down, down, { done: true }])
      const fiber = yield* waitFor(spec, probe).pipe(Effect.forkChild)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(fiber)
      assert.strictEqual(calls(), 3)
    }))

  it.effect("with no time left before the deadline it fails at once, saying so", () =>
    Effect.gen(function*() {
      const { probe, calls } = scripted([down])
      const error = yield* waitFor({ ...spec, keep: () => 60_000 }, probe).pipe(withinDeadline("5 seconds"), Effect.flip)
      assert.include(error.reason, "no time left before the command's deadline")
      assert.strictEqual(calls(), 0)
    }))
})
