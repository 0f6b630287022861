import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, connect, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { CephCommand, CephStorage } from "@pvc/core"
import { Layout, ZkClient } from "@pvc/adapters-zk"
import { Duration, Effect, Layer, Schedule } from "effect"
import * as PipeStorage from "../src/PipeStorage.ts"
import * as Zk from "../src/ZkOps.ts"
import { cephConf, repoRoot, zkLayer } from "./support.ts"

/*
 * The Ceph path survives what the store survives (issue 13.3): a ZooKeeper restart, and a forced
 * session expiry, both for the API's pipe and for the ceph-agent answering it. Runs on its own
 * ZooKeeper server, reached through a TCP proxy that can cut every connection and refuse new ones
 * for longer than the session timeouts: the server then expires both sessions.
 */

const { Paths } = Layout
const ZK_SCRIPT = `${repoRoot}scripts/zookeeper.sh`

const zkctl = (verb: "start" | "stop", dir: string) =>
  Effect.callback<string, Error>((resume) => {
    execFile(ZK_SCRIPT, [verb, dir], (error, stdout, stderr) =>
      resume(error ? Effect.fail(new Error(`zookeeper.sh ${verb}: ${stderr}`)) : Effect.succeed(stdout.trim().split("\n").at(-1) ?? "")))
  })

/** A TCP proxy to `target`; `cut(true)` drops every connection and refuses new ones until `cut(false)`. */
const proxy = (target: number) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly port: number; readonly cut: (on: boolean) => void; readonly close: () => void }>((resume) => {
      const open = new Set<Socket>()
      let cutting = false
      const server = createServer((client) => {
        if (cutting) return void client.destroy()
        const upstream = connect(target, "127.0.0.1")
        for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
          open.add(a)
          a.pipe(b)
          a.on("error", () => b.destroy())
          a.on("close", () => {
            open.delete(a)
            b.destroy()
          })
        }
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        resume(Effect.succeed({
          port: typeof address === "object" && address !== null ? address.port : 0,
          cut: (on) => {
            cutting = on
            if (on) for (const s of open) s.destroy()
          },
          close: () => {
            for (const s of open) s.destroy()
            server.close()
          }
        }))
      })
    }),
    (p) => Effect.sync(p.close)
  )

const INIT: ReadonlyArray<readonly [string, string]> = [
  ["/nodes", ""], ["/primary_node", "hv1"], ["/domains", ""], ["/networks", ""], ["/ceph", ""],
  ["/ceph/osds", ""], ["/ceph/pools", ""], ["/ceph/volumes", ""], ["/ceph/snapshots", ""]
]

const agentFor = (hosts: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const log = { text: "" }
      const child: ChildProcess = spawn(process.execPath, [
        `${repoRoot}packages/adapters-ceph/src/cli.ts`, "ceph-agent",
        "--node", "hv1", "--zk", hosts, "--ceph-conf", cephConf(), "--refresh", "0"
      ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PVC_ZK_DEBUG: "1" } })
      child.stdout?.on("data", (d) => (log.text += String(d)))
      child.stderr?.on("data", (d) => (log.text += String(d)))
      return { child, log }
    }),
    ({ child }) => Effect.sync(() => child.kill("SIGTERM"))
  )

/** Waits (bounded) until the agent's presence key exists again. */
const agentPresent = Zk.resilient(Zk.get(Paths.cephAgent("hv1"))).pipe(
  Effect.repeat({ schedule: Schedule.spaced(Duration.millis(200)), until: (n) => n !== undefined }),
  Effect.timeout("40 seconds")
)

const run = (c: CephCommand) => CephStorage.use((s) => s.run(c))

describe("the Ceph pipe across ZooKeeper outages", () => {
  it.live("a command succeeds after a ZooKeeper restart and after a forced session expiry", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "pvc-ceph-zk-"))
      yield* Effect.addFinalizer(() =>
        zkctl("stop", dir).pipe(Effect.ignore, Effect.andThen(Effect.sync(() => rmSync(dir, { recursive: true, force: true }))))
      )
      const server = (yield* zkctl("start", dir)).split("=")[1]!
      const relay = yield* proxy(Number(server.split(":")[1]))
      const hosts = `127.0.0.1:${relay.port}`
      const api = yield* Layer.build(
        PipeStorage.layerNoDeps({ deadlines: { default: Duration.seconds(30) } }).pipe(Layer.provideMerge(zkLayer(hosts)))
      )
      let step = 0
      const inApi = <A, E>(e: Effect.Effect<A, E, CephStorage | ZkClient>) => {
        const n = ++step
        const t0 = Date.now()
        return Effect.provideContext(e, api).pipe(
          Effect.timeoutOrElse({ duration: "45 seconds", orElse: () => Effect.die(new Error(`step ${n} hangs`)) }),
          Effect.tap(() => Effect.sync(() => console.log(`pipe session: step ${n} done in ${Date.now() - t0} ms`)))
        )
      }
      yield* inApi(Zk.writeData(INIT))
      const agent = yield* agentFor(hosts)
      yield* inApi(agentPresent)
      yield* inApi(run(CephCommand.OsdSet({ option: "noout" })))

      // 1. A restart with the data kept.
      yield* zkctl("stop", dir)
      yield* zkctl("start", dir)
      yield* inApi(agentPresent)
      yield* inApi(run(CephCommand.OsdUnset({ option: "noout" })))

      // 2. Every session expires: no contact for longer than the session timeouts (API 6 s, agent 10 s).
      const before = (yield* inApi(ZkClient.use((zk) => Effect.succeed(zk.state().generation))))
      relay.cut(true)
      yield* Effect.sleep("14 seconds")
      relay.cut(false)
      yield* inApi(agentPresent)
      const exit = yield* inApi(run(CephCommand.OsdSet({ option: "noout" })).pipe(Effect.exit))
      assert.strictEqual(exit._tag, "Success", `${String(exit)}\nagent log:\n${agent.log.text}`)
      assert.isAbove((yield* inApi(ZkClient.use((zk) => Effect.succeed(zk.state().generation)))), before, "the API's session was replaced")
      assert.match(agent.log.text, /expired/i, "the agent's session expired too")
      yield* inApi(run(CephCommand.OsdUnset({ option: "noout" })))
      assert.strictEqual((yield* inApi(Zk.get(Paths.cephCmd)))?.data, "")
    }).pipe(Effect.scoped), 180_000)
})
