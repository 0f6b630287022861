import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import { CephCommand, OsdId, PoolName, VolumeName } from "@pvc/core"
import { parseOsdStatusTable } from "../src/CephJson.ts"
import { answerTo, decode, encode, failure, failureWithReason, parseSize, success } from "../src/CommandWire.ts"
import { busyFor } from "../src/PipeStorage.ts"
import { judge, KEEPALIVE_LIMIT_SECONDS, nodeFrom } from "../src/Responder.ts"
import { blockers } from "../src/ZkLock.ts"

describe("command wire (zk-layout §5.1)", () => {
  it("encodes as the original API does and decodes back", () => {
    const cmds = [
      CephCommand.OsdOut({ id: OsdId.make("1") }),
      CephCommand.PoolAdd({ name: PoolName.make("vms"), pgs: 64 }),
      CephCommand.VolumeAdd({ pool: PoolName.make("vms"), name: VolumeName.make("d1"), bytes: 4294967296 })
    ]
    assert.deepStrictEqual(cmds.map(encode), ["osd_out 1", "pool_add vms,64", "volume_add vms,d1,4294967296B"])
    for (const c of cmds) assert.deepStrictEqual(decode(encode(c)), c)
  })
  it("ignores answers and malformed values", () => {
    assert.isUndefined(decode("success-osd_out 1"))
    assert.isUndefined(decode("osd_out"))
    assert.isUndefined(decode("osd_out 1 2"))
    assert.strictEqual(parseSize("4096M"), 4294967296)
  })
})

describe("kazoo lock ordering", () => {
  const kids = ["a__lock__0000000000", "b__rlock__0000000001", "c__lock__0000000002", "d__rlock__0000000003"]
  it("a writer waits for every lower sibling, a reader only for lower writers", () => {
    assert.deepStrictEqual(blockers(kids, "d__rlock__0000000003", "read"), ["a__lock__0000000000", "c__lock__0000000002"])
    assert.deepStrictEqual(blockers(kids, "c__lock__0000000002", "write"), ["a__lock__0000000000", "b__rlock__0000000001"])
    assert.deepStrictEqual(blockers(kids, "a__lock__0000000000", "write"), [])
  })
})

it("parses the `ceph osd status` table", () => {
  const rows = parseOsdStatusTable("ID  HOST   USED  AVAIL  WR OPS  WR DATA  RD OPS  RD DATA  STATE\n 0  vm    9216   4095M      0        0       0        0   exists,up\n")
  assert.deepStrictEqual(rows[0], { id: "0", node: "vm", used: "9216", avail: "4095M", wr_ops: "0", wr_data: "0", rd_ops: "0", rd_data: "0", state: "exists,up" })
})

describe("pipe answers (zk-layout §5.1, issue 14.3)", () => {
  const value = "osd_remove 1"
  it("success and failure, exactly or with a reason on a second line", () => {
    assert.deepStrictEqual(answerTo(value, "success-osd_remove 1"), { _tag: "Success" })
    assert.deepStrictEqual(answerTo(value, "failure-osd_remove 1"), { _tag: "Failure", reason: undefined })
    assert.deepStrictEqual(answerTo(value, "failure-osd_remove 1\nError EBUSY: osd.1 is not safe to destroy"), {
      _tag: "Failure",
      reason: "Error EBUSY: osd.1 is not safe to destroy"
    })
  })
  it("an answer to another command never matches, also when one is a prefix of the other", () => {
    assert.isUndefined(answerTo(value, "success-osd_remove 12"))
    assert.isUndefined(answerTo(value, "failure-osd_remove 12\nreason"))
    assert.isUndefined(answerTo("osd_remove 12", "success-osd_remove 1"))
    assert.isUndefined(answerTo(value, "osd_remove 1"))
    assert.isUndefined(answerTo(value, ""))
  })
  it("property: data answers a command iff it is the answer exactly or the answer, a newline and more", () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z_]{1,12} [a-z0-9,]{1,12}$/), fc.string(), fc.boolean(), (v, rest, ok) => {
      const data = (ok ? success(v) : failure(v)) + rest
      const found = answerTo(v, data)
      assert.strictEqual(found !== undefined, rest === "" || rest.startsWith("\n"))
      if (found !== undefined) assert.strictEqual(found._tag, ok ? "Success" : "Failure")
    }))
  })
  it("property: a failure with a reason carries it back on one line, and pvcd (two tokens only) ignores it", () => {
    fc.assert(fc.property(fc.string(), (reason) => {
      const written = failureWithReason(value, reason)
      const back = answerTo(value, written)
      const oneLine = reason.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "").join("; ")
      assert.deepStrictEqual(back, { _tag: "Failure", reason: oneLine === "" ? undefined : oneLine })
      assert.strictEqual(written.split("\n").length, oneLine === "" ? 1 : 2)
      // Python's str.split(): pvcd handles a value only when it has exactly two tokens.
      const tokens = written.split(/\s+/).filter((t) => t !== "")
      if (oneLine.trim() !== "") assert.isAbove(tokens.length, 2)
      assert.isUndefined(decode(written))
    }))
  })
})

describe("who answers and whether it can (issue 14.4)", () => {
  const now = 1_800_000_000_000
  it("a node is named, or none is", () => {
    assert.isTrue(Result.isFailure(nodeFrom("/primary_node", "none")))
    assert.isTrue(Result.isFailure(nodeFrom("/primary_node", "")))
    assert.isTrue(Result.isFailure(nodeFrom("/ceph/osds/3/node", undefined)))
    assert.deepStrictEqual(nodeFrom("/primary_node", "hv1"), Result.succeed("hv1"))
  })
  it("property: alive iff its agent is present, or its daemon runs with a keepalive younger than 30 s", () => {
    fc.assert(fc.property(
      fc.boolean(),
      fc.constantFrom(undefined, "run", "init", "stop", "shutdown", "dead"),
      fc.option(fc.integer({ min: -5, max: 120 }), { nil: undefined }),
      (present, daemonState, age) => {
        const keepalive = age === undefined ? undefined : String(Math.floor(now / 1000) - age)
        const verdict = judge("hv1", { present, daemonState, keepalive }, now)
        const expected = present || (daemonState === "run" && age !== undefined && age < KEEPALIVE_LIMIT_SECONDS)
        assert.strictEqual(Result.isSuccess(verdict), expected)
        if (Result.isFailure(verdict)) assert.include(verdict.failure, "'hv1'")
      }
    ))
  })
  it("the pipe is free when idle, after an abandoned command, or after an answer left behind", () => {
    const limits = { abandonedMs: 30_000, answerLeftMs: 10_000 }
    const at = (data: string, ageMs: number) => busyFor({ data, version: 1, mtime: now - ageMs }, now, limits)
    assert.strictEqual(at("", 0), 0)
    assert.strictEqual(at("osd_out 1", 1_000), 29_000)
    assert.strictEqual(at("osd_out 1", 31_000), 0)
    assert.strictEqual(at("success-osd_out 1", 4_000), 6_000)
    assert.strictEqual(at("failure-osd_out 1\nwhy", 11_000), 0)
  })
})
