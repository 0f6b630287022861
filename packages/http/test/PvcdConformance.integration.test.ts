import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import { Layout } from "@pvc/adapters-zk"
import { freshChroot, rawClient, testZk, zkRaw } from "../../adapters-zk/test/support.ts"
import { type Run, startApiOnZk } from "./support/Process.ts"

/**
 * Issue 14.1 through HTTP: two pvc-api processes send concurrent storage commands while every CPU
 * is busy, answered by a responder that behaves exactly like pvcd (the real kazoo WriteLock taken
 * inside its single-threaded DataWatch callback: packages/adapters-ceph/test/pvcd_responder.py).
 * Every request must complete and the responder's callback thread must never stall (a heartbeat
 * watch on the same thread keeps answering).
 */

const REPO = fileURLToPath(new URL("../../..", import.meta.url))
const ZK_CLI = `${REPO}packages/adapters-zk/src/cli.ts`
const RESPONDER = `${REPO}packages/adapters-ceph/test/pvcd_responder.py`
const HEARTBEAT = "/responder-heartbeat"
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Responder { readonly child: ChildProcess; readonly output: () => string; readonly count: (event: string) => number }

const startResponder = async (chroot: string): Promise<Responder> => {
  const child = spawn("/usr/bin/python3", [RESPONDER, "--zk", `${testZk()}${chroot}`, "--node", "hv1", "--heartbeat", HEARTBEAT], {
    stdio: ["pipe", "pipe", "pipe"]
  })
  let out = ""
  child.stdout.on("data", (d) => (out += String(d)))
  child.stderr.on("data", (d) => (out += String(d)))
  const r = { child, output: () => out, count: (event: string) => out.split("\n").filter((l) => l.includes(`"event": "${event}"`)).length }
  const deadline = Date.now() + 30_000
  while (r.count("ready") === 0) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`responder not ready: ${out}`)
    await sleep(100)
  }
  return r
}

const startApi = (chroot: string) => startApiOnZk(testZk(), chroot)

const post = async (url: string, path: string, form: Record<string, string>) => {
  const response = await fetch(`${url}${path}`, { method: "POST", body: new URLSearchParams(form), signal: AbortSignal.timeout(150_000) })
  return { path, status: response.status, text: await response.text() }
}

describe("two pvc-api processes next to a pvcd-behaving responder, CPUs saturated", () => {
  let chroot = ""
  let responder: Responder | undefined
  const apis: Array<Run> = []
  const urls: Array<string> = []
  const burners: Array<ChildProcess> = []

  beforeAll(async () => {
    chroot = await freshChroot()
    const target = `${testZk()}${chroot}`
    execFileSync(process.execPath, [ZK_CLI, "init", "--zk", target], { stdio: "pipe" })
    execFileSync(process.execPath, [ZK_CLI, "seed", "--zk", target, "--nodes", "1", "--coordinators", "1", "--vms", "0", "--networks", "0", "--osds", "0", "--pools", "0", "--no-volumes"], { stdio: "pipe" })
    const client = await rawClient(chroot)
    await zkRaw(client).set("/primary_node", "hv1").finally(() => client.close())
    responder = await startResponder(chroot)
    for (let i = 0; i < 2; i++) {
      const { api, url } = await startApi(chroot)
      apis.push(api)
      urls.push(url)
    }
  }, 120_000)

  afterAll(() => {
    burners.forEach((b) => b.kill("SIGKILL"))
    apis.forEach((a) => a.child.kill("SIGTERM"))
    responder?.child.kill("SIGKILL")
  })

  it("every request completes and the responder's watch thread never stalls", async () => {
    const client = await rawClient(chroot)
    const zk = zkRaw(client)
    try {
      for (let i = 0; i <= availableParallelism(); i++) burners.push(spawn("/bin/sh", ["-c", "while :; do :; done"], { stdio: "ignore" }))
      let finished = false
      let beats = 0
      let worst = 0
      /** Writes a beat and waits until the responder's callback thread copied it (bounded: a stall fails). */
      const beat = async (bound: number) => {
        const n = String(++beats)
        const started = Date.now()
        await zk.set(HEARTBEAT, n)
        while ((await zk.get(`${HEARTBEAT}-ack`))?.data !== n) {
          if (Date.now() - started > bound) throw new Error(`the responder stalled: beat ${n} unacknowledged for ${bound} ms\n${responder?.output()}`)
          await sleep(50)
        }
        worst = Math.max(worst, Date.now() - started)
      }
      const heartbeat = (async () => {
        while (!finished) {
          await beat(20_000)
          await sleep(100)
        }
      })()
      const started = Date.now()
      const calls = ["noout", "noscrub", "nodeep-scrub", "norebalance"].flatMap((option, i) => [
        post(urls[i % 2]!, "/api/v1/storage/ceph/osd/set", { option }),
        post(urls[(i + 1) % 2]!, "/api/v1/storage/ceph/osd/unset", { option })
      ])
      const replies = await Promise.all(calls).finally(() => (finished = true))
      await heartbeat
      await beat(20_000)
      console.log(`pvcd conformance (HTTP): ${replies.length} requests from 2 API processes in ${((Date.now() - started) / 1000).toFixed(1)} s on saturated CPUs; ${beats} heartbeats, slowest ack ${worst} ms`)
      assert.deepStrictEqual(replies.filter((r) => r.status !== 200), [], responder?.output())
      assert.strictEqual(responder?.count("released"), replies.length)
      assert.deepStrictEqual(await zk.children(Layout.Paths.cephCmd), [], "no lock child left under /ceph/cmd")
      assert.strictEqual((await zk.get(Layout.Paths.cephCmd))?.data, "")
    } finally {
      client.close()
    }
  }, 180_000)
})
