import { PipeStorage } from "@pvc/adapters-ceph"
import { layerConfig, layerZkClient, parseCoordinators } from "@pvc/adapters-zk"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Layer } from "effect"
import { execFile, execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { testZk } from "../../../adapters-zk/test/support.ts"
import { run, type Run, waitFor, writeConfig } from "../support/Process.ts"
import { isMessage, json, type RawReply, seededChroot, send, startZkApi, treeProblems } from "./support.ts"
import { rawClient, zkRaw } from "../../../adapters-zk/test/support.ts"

const ZK_SCRIPT = resolve(import.meta.dirname, "../../../../scripts/zookeeper.sh")
const ZK_CLI = fileURLToPath(new URL("../../../adapters-zk/src/cli.ts", import.meta.url))
const zkctl = (command: "start" | "stop", dir: string) => promisify(execFile)(ZK_SCRIPT, [command, dir]).then((r) => r.stdout)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Outcome {
  readonly kind: "acl" | "state" | "read"
  readonly at: number
  readonly status: number | "error"
  readonly millis: number
  readonly detail: string
}

describe("faults: ZooKeeper stopped and restarted, session expired (API paused past the timeout)", () => {
  // A ZooKeeper of its own (this test stops it), seeded, and a spawned API process on it.
  let dir: string
  let address: string
  let api: Run
  let url: string
  beforeAll(async () => {
    testZk()
    dir = mkdtempSync(join(tmpdir(), "pvc-rel-faults-"))
    address = (await zkctl("start", dir)).trim().split("\n").pop()!.split("=")[1]!
    execFileSync(process.execPath, [ZK_CLI, "seed", "--zk", address, "--nodes", "3", "--vms", "6"], { stdio: "pipe" })
    const config = writeConfig(`pvc:\n  coordinators:\n    - ${address}\n  api:\n    listen_address: 127.0.0.1\n    listen_port: 0\n`)
    // PVC_ZK_DEBUG makes the adapter print its session states: the test checks the session really expired.
    api = run(["--config", config], { PVC_LOG_LEVEL: "Info", PVC_ZK_DEBUG: "1" })
    url = (await waitFor(api, /message=listening address=(\S+)/))[1]!
  }, 120_000)
  afterAll(async () => {
    api?.child.kill("SIGCONT")
    api?.child.kill("SIGTERM")
    await zkctl("stop", dir).catch(() => "")
    rmSync(dir, { recursive: true, force: true })
  })

  it("no partial or lost acknowledged writes, reads correct or clearly refused, recovery without help", async () => {
    const outcomes: Array<Outcome> = []
    const ackedAcls = new Map<string, number>()
    let running = true
    let paused = false
    let n = 0
    const started = Date.now()
    const record = (kind: Outcome["kind"], reply: RawReply | Error, detail: string, t0: number) => {
      const status = reply instanceof Error ? "error" as const : reply.status
      outcomes.push({ kind, at: Date.now() - started, status, millis: Date.now() - t0, detail: reply instanceof Error ? `${detail}: ${reply.message} at +${Date.now() - started} ms` : detail })
      return reply
    }
    const worker = async (w: number) => {
      while (running) {
        if (paused) {
          await sleep(50)
          continue
        }
        const i = ++n
        const t0 = Date.now()
        if (i % 3 === 0) {
          const description = `fault-${i}`
          const reply = await send(url, "POST", `/api/v1/network/100/acl/${description}/add`, { body: `direction=in&rule=rule-${i}`, timeoutMs: 20_000, agent: false }).catch((e: Error) => e)
          record("acl", reply, description, t0)
          if (!(reply instanceof Error) && reply.status === 200) ackedAcls.set(description, Date.now())
        } else if (i % 3 === 1) {
          const reply = await send(url, "POST", `/api/v1/vm/vm0000${(w % 6) + 1}/${i % 2 === 0 ? "stop" : "start"}`, { timeoutMs: 20_000, agent: false }).catch((e: Error) => e)
          record("state", reply, "", t0)
        } else {
          const seen = new Set(ackedAcls.keys())
          const reply = await send(url, "GET", "/api/v1/network/100/acl?direction=in", { timeoutMs: 20_000, agent: false }).catch((e: Error) => e)
          let detail = ""
          if (!(reply instanceof Error) && reply.status === 200) {
            const present = new Set((json(reply.text) as Array<{ description: string }>).map((a) => a.description))
            const missing = [...seen].filter((d) => !present.has(d))
            if (missing.length > 0) detail = `read misses acked ${missing.slice(0, 3).join(",")}`
          }
          record("read", reply, detail, t0)
        }
        await sleep(20)
      }
    }
    // One connection per request: idle keep-alive sockets would be closed by the server the moment it
    // resumes from the pause, racing their reuse (a client-side ECONNRESET, not an API fault).
    const workers = Array.from({ length: 4 }, (_, w) => worker(w))
    const okSince = (t: number) => outcomes.some((o) => o.at > t && o.kind !== "read" && o.status === 200)
    const waitRecovered = async (what: string, since: number) => {
      for (let i = 0; i < 600 && !okSince(since); i++) await sleep(100)
      assert.isTrue(okSince(since), `no write succeeded after ${what}`)
      return outcomes.find((o) => o.at > since && o.kind !== "read" && o.status === 200)!.at - since
    }

    await sleep(3_000)
    // 1. ZooKeeper stopped for 5 s, then restarted (same port, same data).
    const stopAt = Date.now() - started
    await zkctl("stop", dir)
    await sleep(5_000)
    await zkctl("start", dir)
    const restartedAt = Date.now() - started
    const recoveredAfterRestart = await waitRecovered("the restart", restartedAt)
    await sleep(2_000)
    // 2. The API paused past its 10 s session timeout: ZooKeeper expires the session.
    paused = true
    await sleep(500)
    api.child.kill("SIGSTOP")
    await sleep(16_000)
    api.child.kill("SIGCONT")
    const resumedAt = Date.now() - started
    paused = false
    const recoveredAfterExpiry = await waitRecovered("the session expiry", resumedAt)
    await sleep(3_000)
    running = false
    await Promise.all(workers)

    const outage = outcomes.filter((o) => o.at > stopAt + 500 && o.at < restartedAt)
    const byStatus = (os: Array<Outcome>) => os.reduce<Record<string, number>>((m, o) => ({ ...m, [String(o.status)]: (m[String(o.status)] ?? 0) + 1 }), {})
    console.log(`faults: ${outcomes.length} requests ${JSON.stringify(byStatus(outcomes))}; during the outage ${JSON.stringify(byStatus(outage))}, ` +
      `slowest answer in the outage ${Math.max(0, ...outage.map((o) => o.millis))} ms; first write after the restart +${recoveredAfterRestart} ms, ` +
      `after the session expiry +${recoveredAfterExpiry} ms; acked ACL adds ${ackedAcls.size}; ` +
      `session states: ${(api.output().match(/zk: session \d+ \S+/g) ?? []).join(", ")}`)
    assert.match(api.output(), /zk: session \d+ EXPIRED/, "the pause expired the ZooKeeper session")

    assert.deepStrictEqual(outcomes.filter((o) => o.status === "error").map((o) => o.detail).slice(0, 5), [], "no hang, no dropped connection")
    assert.deepStrictEqual(outcomes.filter((o) => o.status !== 200 && o.status !== 510).slice(0, 5), [], "only 200 or 510")
    assert.deepStrictEqual(outcomes.filter((o) => o.detail.startsWith("read misses")).slice(0, 5), [], "reads show every acked write")
    assert.isAbove(outage.filter((o) => o.status === 510).length, 0, "the outage is reported, not hidden")
    assert.isBelow(Math.max(0, ...outage.map((o) => o.millis)), 8_000, "outage answers are bounded")

    // Every acknowledged ACL add is in ZooKeeper whole; the tree is valid for the daemons.
    const client = await rawClient("", address)
    try {
      const tree = new Map(await zkRaw(client).dump("/"))
      for (const description of ackedAcls.keys()) {
        const root = `/networks/100/firewall_rules/in/${description}`
        assert.isTrue(tree.has(root) && tree.has(`${root}/rule`) && tree.has(`${root}/order`), `acked ${description} whole in ZooKeeper`)
      }
      assert.deepStrictEqual(treeProblems(tree).slice(0, 10), [])
      const orders = [...tree].filter(([p]) => /^\/networks\/100\/firewall_rules\/in\/[^/]+\/order$/.test(p)).map(([, v]) => Number(v)).sort((a, b) => a - b)
      assert.deepStrictEqual(orders, orders.map((_, i) => i), "ACL orders stay 0..n-1")
    } finally {
      client.close()
    }
  }, 240_000)
})

describe("a node daemon that never answers the Ceph pipe", () => {
  it("every Ceph request ends at its deadline with a 510", async () => {
    const chroot = await seededChroot()
    const ceph = PipeStorage.layerNoDeps({ deadlines: { default: "1500 millis", osd: "2500 millis" } }).pipe(
      Layer.provide(layerZkClient.pipe(Layer.provide(layerConfig(parseCoordinators(`${testZk()}${chroot}`)))))
    )
    const api = await startZkApi({ chroot, ceph })
    try {
      const CALLS: ReadonlyArray<readonly [string, string]> = [
        ["/api/v1/storage/ceph/pool/newpool/add", "pgs=64"],
        ["/api/v1/storage/ceph/pool/vms/remove", "flag_yes_i_really_mean_it"],
        ["/api/v1/storage/ceph/volume/vms/newvol/add", "size=1G"],
        ["/api/v1/storage/ceph/volume/vms/vm00001_disk0/remove", ""],
        ["/api/v1/storage/ceph/volume/snapshot/vms/vm00001_disk0/snap1/add", ""],
        ["/api/v1/storage/ceph/osd/set", "option=noout"],
        ["/api/v1/storage/ceph/osd/unset", "option=noout"],
        ["/api/v1/storage/ceph/osd/hv1/add", "device=/dev/sdz&weight=1.0"],
        ["/api/v1/storage/ceph/osd/0/out", ""],
        ["/api/v1/storage/ceph/osd/0/in", ""]
      ]
      const replies = await Promise.all(CALLS.map(async ([path, body]) => ({ path, reply: await send(api.url, "POST", path, { body, timeoutMs: 20_000 }) })))
      for (const { path, reply } of replies) {
        const deadline = path.includes("/osd/hv1/add") ? 2_500 : 1_500
        console.log(`faults: ceph ${path} -> ${reply.status} in ${reply.millis.toFixed(0)} ms: ${reply.text.slice(0, 120)}`)
        assert.strictEqual(reply.status, 510, `${path}: ${reply.text}`)
        assert.isTrue(isMessage(reply.text))
        // Requests queue for the pipe (bounded by their deadline), then the node has the whole
        // deadline to answer, counted from the write (so a ceph-agent always answers first).
        assert.isBelow(reply.millis, 2 * deadline + 2_000, path)
      }
    } finally {
      await api.close()
    }
  }, 60_000)
})
