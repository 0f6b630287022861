import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { dirname } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { CephCli, type CephCliError, withinDeadline } from "../src/CephCli.ts"
import * as Ops from "../src/CephOps.ts"
import { cephJson, pinnedPool } from "./pinnedPool.ts"
import { cephConf, cliLayer, repoRoot, testProvisioner } from "./support.ts"

/**
 * The OSD operations of the node side on the single-host test Ceph: every wait ends within the
 * command's deadline, and when it gives up the error carries Ceph's own last answer.
 */

const ceph = cephJson

interface DumpOsd { readonly osd: number; readonly up: number; readonly in: number }
const dumpEntry = (id: string) => (ceph("osd", "dump") as { osds: Array<DumpOsd> }).osds.find((o) => String(o.osd) === id)

/** Names of the CRUSH hosts holding `osd.<id>` (`ceph osd tree`). */
const crushHostsOf = (id: string) =>
  (ceph("osd", "tree") as { nodes: Array<{ type: string; name: string; children?: Array<number> }> }).nodes
    .filter((n) => n.type === "host" && (n.children ?? []).includes(Number(id)))
    .map((n) => n.name)

const daemonPid = (id: string) => {
  try {
    return Number(readFileSync(`${dirname(cephConf())}/pids/osd.${id}.pid`, "utf8").trim())
  } catch {
    return undefined
  }
}
/** Running, not a zombie (an exited daemon whose parent, init here, has not reaped it yet). */
const alive = (pid: number | undefined) => {
  if (pid === undefined) return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return !/^\S+ \(.*\) [ZX] /.test(stat)
  } catch {
    return false
  }
}

const services = Layer.fresh(cliLayer())
const provisioner = testProvisioner()
const dir = dirname(cephConf())

/** Adds an OSD that its provisioner stops again at once: Ceph knows it, its daemon never runs. */
const deadOsdProvisioner = Ops.commandProvisioner(
  ["bash", "-c", `id=$("${repoRoot}scripts/ceph.sh" osd-add "${dir}") && "${repoRoot}scripts/ceph.sh" osd-stop "${dir}" "$id" && echo "$id"`, "add"],
  [`${repoRoot}scripts/ceph.sh`, "osd-stop", dir]
)

const reasonOf = (e: CephCliError) => e.reason

/** Whatever a failed test left behind: its OSD (daemon and map entry). */
const cleanUp = (id: () => string | undefined) =>
  Effect.sync(() => {
    const osd = id()
    if (osd === undefined || dumpEntry(osd) === undefined) return
    try {
      execFileSync(`${repoRoot}scripts/ceph.sh`, ["osd-rm", dir, osd], { stdio: "pipe" })
    } catch { /* already gone */ }
  })

let added: string | undefined

describe("OSD operations on real Ceph", () => {
  it.live("add → up and in under one CRUSH host; out → in 0; in → 1; remove → gone, daemon stopped", () =>
    Effect.gen(function*() {
      const id = yield* Ops.osdAdd(provisioner, "hv-ops", "/dev/pvctest", "0.004").pipe(withinDeadline("60 seconds"))
      added = id
      assert.deepInclude(dumpEntry(id), { up: 1, in: 1 })
      assert.deepStrictEqual(crushHostsOf(id), ["hv-ops"])
      const pid = daemonPid(id)
      assert.isTrue(alive(pid), `the daemon of osd.${id} runs after its provisioner returned`)
      yield* Ops.osdOut(id)
      assert.deepInclude(dumpEntry(id), { in: 0 })
      yield* Ops.osdIn(id)
      assert.deepInclude(dumpEntry(id), { in: 1 })
      yield* Ops.osdRemove(provisioner, id).pipe(withinDeadline("120 seconds"))
      assert.isUndefined(dumpEntry(id))
      assert.deepStrictEqual(crushHostsOf(id), [])
      assert.isFalse(alive(pid))
    }).pipe(Effect.ensuring(cleanUp(() => added)), Effect.provide(services)), 180_000)

  it.live("an OSD that already placed itself in CRUSH (update on start) ends up under its node only", () =>
    Effect.gen(function*() {
      const selfPlacing = Ops.commandProvisioner(
        ["bash", "-c", `id=$("${repoRoot}scripts/ceph.sh" osd-add "${dir}") && ceph -c "${cephConf()}" osd crush set "osd.$id" 0.004 root=default host=hv-elsewhere >/dev/null 2>&1 && echo "$id"`, "add"],
        [`${repoRoot}scripts/ceph.sh`, "osd-stop", dir]
      )
      const id = yield* Ops.osdAdd(selfPlacing, "hv-ops", "/dev/pvcself", "0.004").pipe(withinDeadline("60 seconds"))
      added = id
      assert.deepStrictEqual(crushHostsOf(id), ["hv-ops"])
    }).pipe(
      Effect.ensuring(cleanUp(() => added)),
      Effect.ensuring(Effect.sync(() => execFileSync("ceph", ["-c", cephConf(), "osd", "crush", "rm", "hv-elsewhere"], { stdio: "pipe" }))),
      Effect.provide(services)
    ), 60_000)

  it.live("an OSD whose daemon never comes up fails before the deadline with Ceph's view of it", () =>
    Effect.gen(function*() {
      const started = Date.now()
      const error = yield* Ops.osdAdd(deadOsdProvisioner, "hv-ops", "/dev/pvcdead", "0.004").pipe(
        // room for the provisioner on a busy machine: the wait for the daemon uses what is left
        withinDeadline("25 seconds"),
        Effect.flip
      )
      const elapsed = Date.now() - started
      assert.strictEqual(error._tag, "CephWaitExpired")
      assert.match(reasonOf(error), /^osd\.\d+ is down \(its daemon is not running\?\)/)
      assert.isBelow(elapsed, 25_000)
      added = /^osd\.(\d+)/.exec(reasonOf(error))?.[1]
    }).pipe(Effect.ensuring(cleanUp(() => added)), Effect.provide(services)), 60_000)

  it.live("a removal that cannot drain fails with Ceph's EBUSY/EAGAIN before the deadline and keeps the OSD", () => {
    let pool: ReturnType<typeof pinnedPool> | undefined
    return Effect.gen(function*() {
      const id = yield* Ops.osdAdd(provisioner, "hv-ops", "/dev/pvctest", "0.004").pipe(withinDeadline("60 seconds"))
      added = id
      pool = pinnedPool("hv-ops", id)
      yield* pool.create
      const started = Date.now()
      const error = yield* Ops.osdRemove(provisioner, id).pipe(withinDeadline("20 seconds"), Effect.flip)
      const elapsed = Date.now() - started
      assert.strictEqual(error._tag, "CephWaitExpired")
      assert.match(reasonOf(error), /^Error (EBUSY|EAGAIN): /)
      assert.include(reasonOf(error), `osd.${id} to drain`)
      assert.isBelow(elapsed, 20_000)
      assert.deepInclude(dumpEntry(id), { up: 1, in: 0 })
      // once its data is no longer needed, the same removal drains and completes
      yield* pool.remove
      yield* Ops.osdRemove(provisioner, id).pipe(withinDeadline("60 seconds"))
      assert.isUndefined(dumpEntry(id))
    }).pipe(Effect.ensuring(Effect.suspend(() => pool?.remove ?? Effect.void)), Effect.ensuring(cleanUp(() => added)), Effect.provide(services))
  }, 180_000)

  it.live("a CLI call is cut short by the command deadline, with a reason naming it", () =>
    Effect.gen(function*() {
      const cli = yield* CephCli
      const error = yield* cli.exec(["sleep", "30"]).pipe(withinDeadline("1 second"), Effect.flip)
      assert.strictEqual(error._tag, "CephCliTimedOut")
      assert.match(reasonOf(error), /^'sleep 30' gave no answer within 0\.\d s$/)
    }).pipe(Effect.provide(services)))
})
