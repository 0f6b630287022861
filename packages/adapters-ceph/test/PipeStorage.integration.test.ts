import { type ChildProcess, spawn } from "node:child_process"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { CephCommand, CephStorage, PoolName } from "@pvc/core"
import { cephStorageSuite } from "@pvc/testkit"
import { Duration, Effect, Layer, Schedule } from "effect"
import * as PipeStorage from "../src/PipeStorage.ts"
import * as ZkSession from "../src/ZkSession.ts"
import { cephConf, freshCluster, repoRoot, storeLayer } from "./support.ts"

const cluster = await Effect.runPromise(freshCluster("hv1"))
const dir = cephConf().replace(/\/ceph\.conf$/, "")

let agent: ChildProcess | undefined
let agentLog = ""

beforeAll(async () => {
  agent = spawn(process.execPath, [
    `${repoRoot}packages/adapters-ceph/src/cli.ts`, "ceph-agent",
    "--node", "hv1", "--zk", cluster.hosts, "--ceph-conf", cephConf(), "--refresh", "1",
    "--osd-add-cmd", `${repoRoot}scripts/ceph.sh osd-add ${dir}`,
    "--osd-stop-cmd", `${repoRoot}scripts/ceph.sh osd-stop ${dir}`
  ], { stdio: ["ignore", "pipe", "pipe"] })
  agent.stdout?.on("data", (d) => (agentLog += String(d)))
  agent.stderr?.on("data", (d) => (agentLog += String(d)))
  await new Promise((r) => setTimeout(r, 1500))
  if (agent.exitCode !== null) throw new Error(`ceph-agent exited: ${agentLog}`)
})
afterAll(() => {
  agent?.kill("SIGTERM")
})

const zk = (hosts: string) => ZkSession.layer({ hosts })
const pipe = (hosts: string, deadline: Duration.Input = Duration.seconds(60)) =>
  PipeStorage.layerNoDeps({ deadlines: { default: deadline, osd: Duration.seconds(300) } }).pipe(Layer.provide(zk(hosts)))

cephStorageSuite("pipe mode with the ceph-agent responder", Layer.merge(pipe(cluster.hosts), storeLayer(cluster.chroot)))

const run = (c: CephCommand) => CephStorage.use((s) => s.run(c))
const get = (path: string) => ZkSession.ZkSession.use((z) => z.get(path))

/** Waits (bounded) until the key at `path` satisfies `holds`. */
const eventually = (path: string, holds: (data: string | undefined) => boolean) =>
  get(path).pipe(
    Effect.repeat({ schedule: Schedule.spaced(Duration.millis(100)), until: (n) => holds(n?.data) }),
    Effect.timeout(Duration.seconds(30)),
    Effect.map((n) => n?.data ?? "")
  )

describe("pipe mode", () => {
  it.live("the agent keeps /ceph, /ceph/radosdf and pool stats fresh", () =>
    Effect.gen(function*() {
      const name = PoolName.make(`stats${Date.now().toString(36)}`)
      yield* run(CephCommand.PoolAdd({ name, pgs: 8 }))
      assert.include(yield* eventually("/ceph", (d) => d !== undefined && d.includes("cluster:")), "health:")
      assert.include(yield* eventually("/ceph/radosdf", (d) => d !== undefined && d.includes("POOL_NAME")), "total_objects")
      const stats = JSON.parse(yield* eventually(`/ceph/pools/${name}/stats`, (d) => d !== undefined && d !== "{}"))
      assert.isNumber(stats.num_objects)
      yield* run(CephCommand.PoolRemove({ name }))
    }).pipe(Effect.provide(Layer.merge(pipe(cluster.hosts), zk(cluster.hosts)))), 60_000)

  it.live("a failure answer becomes CephCommandFailed and the pipe is idle afterwards", () =>
    Effect.gen(function*() {
      const error = yield* run(CephCommand.PoolRemove({ name: PoolName.make("no-such-pool") })).pipe(Effect.flip)
      assert.strictEqual(error._tag, "CephCommandFailed")
      assert.strictEqual((yield* get("/ceph/cmd"))?.data, "")
    }).pipe(Effect.provide(Layer.merge(pipe(cluster.hosts), zk(cluster.hosts)))), 30_000)

  it.live("concurrent requests of two API instances all complete, none clobbered", () =>
    Effect.gen(function*() {
      const a = yield* Layer.build(pipe(cluster.hosts))
      const b = yield* Layer.build(pipe(cluster.hosts))
      const options = ["noscrub", "nodeep-scrub", "noout"]
      const cmds = options.flatMap((option) => [
        [a, CephCommand.OsdSet({ option })] as const,
        [b, CephCommand.OsdSet({ option })] as const
      ])
      yield* Effect.forEach(cmds, ([ctx, c]) => run(c).pipe(Effect.provideContext(ctx)), { concurrency: "unbounded" })
      yield* Effect.forEach(options, (option) => run(CephCommand.OsdUnset({ option })).pipe(Effect.provideContext(a)), {
        concurrency: "unbounded"
      })
    }).pipe(Effect.scoped), 120_000)

})

describe("pipe mode without a responder", () => {
  it.live("the deadline passes → CephCommandTimedOut, and the command is withdrawn", () =>
    Effect.gen(function*() {
      const lonely = yield* freshCluster("nobody")
      const started = Date.now()
      const error = yield* run(CephCommand.OsdSet({ option: "noout" })).pipe(
        Effect.flip,
        Effect.provide(pipe(lonely.hosts, Duration.seconds(1)))
      )
      assert.strictEqual(error._tag, "CephCommandTimedOut")
      assert.isBelow(Date.now() - started, 5000)
      const left = yield* get("/ceph/cmd").pipe(Effect.provide(zk(lonely.hosts)))
      assert.strictEqual(left?.data, "")
    }), 30_000)
})
