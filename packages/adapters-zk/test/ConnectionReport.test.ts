import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { ConnectionReport, type LogLine } from "../src/ConnectionReport.ts"

const recorder = () => {
  const lines: Array<string> = []
  const log: LogLine = (level, message, annotations) =>
    lines.push(`${level} ${message} ${Object.entries(annotations).map(([k, v]) => `${k}=${v}`).join(" ")}`.trim())
  return { lines, report: new ConnectionReport(log) }
}

type Event =
  | { readonly _tag: "refused" }
  | { readonly _tag: "connected" }
  | { readonly _tag: "lost" }
  | { readonly _tag: "expired" }

describe("ConnectionReport", () => {
  it("says once that ZooKeeper is unreachable, with the server and why, however often the retries fail", () => {
    const { lines, report } = recorder()
    for (let i = 0; i < 20; i++) {
      report.socketError(new Error("getaddrinfo ENOTFOUND pvc-hv1"))
      report.socketClosed("pvc-hv1:2181", false)
    }
    assert.deepStrictEqual(lines, [
      "Warning ZooKeeper is unreachable; retrying until it answers server=pvc-hv1:2181 reason=getaddrinfo ENOTFOUND pvc-hv1"
    ])
    assert.strictEqual(report.reason, "getaddrinfo ENOTFOUND pvc-hv1")
    report.connected("pvc-hv1:2181", 1)
    assert.strictEqual(lines[1], "Info connected to ZooKeeper server=pvc-hv1:2181 session=1")
    assert.strictEqual(report.reason, undefined)
  })

  it("a lost connection, a stalled handshake and an expired session each get their line", () => {
    const { lines, report } = recorder()
    report.connected("a:2181", 1)
    report.socketClosed("a:2181", true)
    report.handshakeTimedOut(4_000)
    report.socketClosed("b:2181", false)
    report.expired(1)
    report.connected("b:2181", 2)
    assert.deepStrictEqual(lines, [
      "Info connected to ZooKeeper server=a:2181 session=1",
      "Warning lost the connection to ZooKeeper; reconnecting server=a:2181 reason=the server closed the connection",
      "Warning the ZooKeeper session expired; opening a new one session=1",
      "Info connected to ZooKeeper server=b:2181 session=2"
    ])
  })

  it("one line per change of state, never two in a row for the same state", () => {
    const event = fc.constantFrom<Event>({ _tag: "refused" }, { _tag: "connected" }, { _tag: "lost" }, { _tag: "expired" })
    fc.assert(fc.property(fc.array(event, { maxLength: 60 }), (events) => {
      const { lines, report } = recorder()
      let connected = false
      let changes = 0
      let state = "starting"
      for (const e of events) {
        const before = state
        if (e._tag === "refused" && !connected) {
          report.socketError(new Error("connect ECONNREFUSED"))
          report.socketClosed("h:2181", false)
          state = "unreachable"
        } else if (e._tag === "lost" && connected) {
          report.socketClosed("h:2181", true)
          connected = false
          state = "unreachable"
          changes++
          continue
        } else if (e._tag === "connected") {
          report.connected("h:2181", 1)
          connected = true
          state = "connected"
        } else if (e._tag === "expired") {
          report.expired(1)
          connected = false
          state = "starting"
          changes++
          continue
        }
        if (state !== before) changes++
      }
      assert.strictEqual(lines.length, changes)
      for (let i = 1; i < lines.length; i++) {
        if (lines[i]!.startsWith("Info connected")) assert.isFalse(lines[i - 1]!.startsWith("Info connected"))
      }
    }))
  })
})
