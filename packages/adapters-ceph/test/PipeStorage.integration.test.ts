import { type ChildProcess, spawn } from "node:child_process"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { CephCommand, CephStorage, NodeName, OsdId, PoolName } from "@pvc/core"
import { cephStorageSuite } from "@pvc/testkit"
import { Layout, ZkClient } from "@pvc/adapters-zk"
import { Duration, Effect, Layer, Schedule } from "effect"
import * as PipeStorage from "../src/PipeStorage.ts"
import * as Zk from "../src/ZkOps.ts"
import { cephConf, freshCluster, repoRoot, storeLayer, zkLayer } from "./support.ts"

const { Paths } = Layout
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
  // The agent is up once its presence key exists.
  await Effect.runPromise(until(Paths.cephAgent("hv1"), (d) => d !== undefined).pipe(Effect.provide(connected(cluster.hosts))))
  if (agent.exitCode !== null) throw new Error(`ceph-agent exited: ${agentLog}`)
})
afterAll(() => {
  agent?.kill("SIGTERM")
})

const connected = zkLayer
const pipe = (hosts: string, deadline: Duration.Input = Duration.seconds(60), queueFor?: Duration.Input) =>
  PipeStorage.layerNoDeps({ deadlines: { default: deadline, osd: Duration.seconds(300) }, queueFor }).pipe(
    Layer.provideMerge(connected(hosts))
  )

cephStorageSuite("pipe mode with the ceph-agent responder", Layer.merge(pipe(cluster.hosts), storeLayer(cluster.chroot)))

const run = (c: CephCommand) => CephStorage.use((s) => s.run(c))
const get = (path: string) => Effect.map(Zk.get(path), (n) => n?.data)

/** Waits (bounded) until the key at `path` satisfies `holds`. */
const until = (path: string, holds: (data: string | undefined) => boolean) =>
  get(path).pipe(
    Effect.repeat({ schedule: Schedule.spaced(Duration.millis(100)), until: holds }),
    Effect.timeout(Duration.seconds(30)),
    Effect.map((d) => d ?? "")
  )

const failureOf = <E extends { readonly _tag: string }>(e: Effect.Effect<void, E, CephStorage>) =>
  Effect.gen(function*() {
    const started = Date.now()
    const error = yield* Effect.flip(e)
    return { error, millis: Date.now() - started, reason: "reason" in error ? String(error.reason) : "" }
  })

describe("pipe mode", () => {
  it.live("the agent keeps /ceph, /ceph/radosdf and pool stats fresh", () =>
    Effect.gen(function*() {
      const name = PoolName.make(`stats${Date.now().toString(36)}`)
      yield* run(CephCommand.PoolAdd({ name, pgs: 8 }))
      assert.include(yield* until("/ceph", (d) => d !== undefined && d.includes("cluster:")), "health:")
      assert.include(yield* until("/ceph/radosdf", (d) => d !== undefined && d.includes("POOL_NAME")), "total_objects")
      const stats = JSON.parse(yield* until(`/ceph/pools/${name}/stats`, (d) => d !== undefined && d !== "{}"))
      assert.isNumber(stats.num_objects)
      yield* run(CephCommand.PoolRemove({ name }))
    }).pipe(Effect.provide(pipe(cluster.hosts))), 60_000)

  it.live("a failure answer carries Ceph's reason into CephCommandFailed, and the pipe is idle afterwards", () =>
    Effect.gen(function*() {
      const { error, reason } = yield* failureOf(run(CephCommand.PoolRemove({ name: PoolName.make("no-such-pool") })))
      assert.strictEqual(error._tag, "CephCommandFailed")
      assert.include(reason, "does not exist", reason)
      assert.strictEqual(yield* get(Paths.cephCmd), "")
    }).pipe(Effect.provide(pipe(cluster.hosts))), 30_000)

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
      // The API never leaves a lock child under /ceph/cmd; its own lock is empty again.
      assert.deepStrictEqual((yield* Zk.children(Paths.cephCmdLock).pipe(Effect.provideContext(a))), [])
    }).pipe(Effect.scoped), 120_000)
})

/** A cluster whose `/primary_node` is `primary`, plus node keys as `nodes` gives them. */
const lonely = (primary: string, nodes: ReadonlyArray<readonly [string, string, string]> = []) =>
  Effect.gen(function*() {
    const c = yield* freshCluster(primary)
    const keys = nodes.flatMap(([n, state, keepalive]) => [
      [`/nodes/${n}`, "coordinator"] as const,
      [Paths.nodeKey(n, "daemonstate"), state] as const,
      [Paths.nodeKey(n, "keepalive"), keepalive] as const
    ])
    if (keys.length > 0) yield* Zk.writeData(keys).pipe(Effect.provide(connected(c.hosts)))
    return c
  })

const nowSeconds = () => String(Math.floor(Date.now() / 1000))

describe("pipe mode: nobody can answer → 510 at once, nothing written", () => {
  const cases: ReadonlyArray<readonly [string, Effect.Effect<{ hosts: string }, unknown>, CephCommand, string]> = [
    ["no primary", lonely("none"), CephCommand.OsdSet({ option: "noout" }), "names no node"],
    ["a primary that never registered", lonely("ghost"), CephCommand.PoolRemove({ name: PoolName.make("p") }), "node 'ghost' is not running"],
    ["a stopped primary", lonely("hv2", [["hv2", "stop", nowSeconds()]]), CephCommand.OsdSet({ option: "noout" }), "daemon state 'stop'"],
    ["a primary whose keepalive is 100 s old", lonely("hv3", [["hv3", "run", String(Number(nowSeconds()) - 100)]]), CephCommand.OsdSet({ option: "noout" }), "sent no keepalive for 1"],
    ["an OSD without a node key", lonely("hv1"), CephCommand.OsdOut({ id: OsdId.make("7") }), "/ceph/osds/7/node does not exist"],
    ["osd_add on a node that is not running", lonely("hv1"), CephCommand.OsdAdd({ node: NodeName.make("hv4"), device: "/dev/sdz", weight: "1.0" }), "node 'hv4' is not running"]
  ]
  for (const [title, setup, command, expected] of cases) {
    it.live(title, () =>
      Effect.gen(function*() {
        const c = yield* setup
        const { error, millis, reason } = yield* failureOf(run(command)).pipe(Effect.provide(pipe(c.hosts)))
        assert.strictEqual(error._tag, "CephCommandFailed")
        assert.include(reason, expected)
        assert.isBelow(millis, 1_000)
        assert.isUndefined(yield* get(Paths.cephCmd).pipe(Effect.provide(connected(c.hosts))), "nothing written")
      }), 30_000)
  }
})

describe("pipe mode: a responder that looks alive", () => {
  it.live("and never answers: the deadline passes → CephCommandTimedOut, and the command is withdrawn", () =>
    Effect.gen(function*() {
      const c = yield* lonely("hv5", [["hv5", "run", nowSeconds()]])
      const { error, millis } = yield* failureOf(run(CephCommand.OsdSet({ option: "noout" }))).pipe(
        Effect.provide(pipe(c.hosts, Duration.seconds(1)))
      )
      assert.strictEqual(error._tag, "CephCommandTimedOut")
      assert.isBelow(millis, 5_000)
      assert.strictEqual(yield* get(Paths.cephCmd).pipe(Effect.provide(connected(c.hosts))), "")
    }), 30_000)

  it.live("and disappears while a command waits (presence key deleted): the wait ends, the command is withdrawn", () =>
    Effect.gen(function*() {
      const c = yield* lonely("hv6")
      const fake = yield* Layer.build(connected(c.hosts))
      yield* Zk.ensure(Paths.apiRoot).pipe(Effect.andThen(Zk.ensure(Paths.cephAgents)), Effect.provideContext(fake))
      yield* ZkClient.use((zk) => zk.create(Paths.cephAgent("hv6"), "", "ephemeral")).pipe(Effect.provideContext(fake))
      const leave = get(Paths.cephCmd).pipe(
        Effect.repeat({ schedule: Schedule.spaced(Duration.millis(50)), until: (d) => d === "osd_set noout" }),
        Effect.andThen(Effect.sleep(Duration.millis(500))),
        Effect.andThen(Zk.remove(Paths.cephAgent("hv6"))),
        Effect.provideContext(fake)
      )
      const [{ error, millis, reason }] = yield* Effect.all([
        failureOf(run(CephCommand.OsdSet({ option: "noout" }))).pipe(Effect.provide(pipe(c.hosts, Duration.seconds(30)))),
        leave
      ], { concurrency: "unbounded" })
      assert.strictEqual(error._tag, "CephCommandFailed")
      assert.include(reason, "withdrawn")
      assert.isBelow(millis, 5_000)
      assert.strictEqual(yield* get(Paths.cephCmd).pipe(Effect.provideContext(fake)), "")
    }).pipe(Effect.scoped), 30_000)

  it.live("and whose daemon state leaves run while a command waits: the wait ends", () =>
    Effect.gen(function*() {
      const c = yield* lonely("hv7", [["hv7", "run", nowSeconds()]])
      const fake = yield* Layer.build(connected(c.hosts))
      const leave = get(Paths.cephCmd).pipe(
        Effect.repeat({ schedule: Schedule.spaced(Duration.millis(50)), until: (d) => d === "osd_set noout" }),
        Effect.andThen(Effect.sleep(Duration.millis(500))),
        Effect.andThen(Zk.setIf(Paths.nodeKey("hv7", "daemonstate"), "shutdown")),
        Effect.provideContext(fake)
      )
      const [{ error, millis, reason }] = yield* Effect.all([
        failureOf(run(CephCommand.OsdSet({ option: "noout" }))).pipe(Effect.provide(pipe(c.hosts, Duration.seconds(30)))),
        leave
      ], { concurrency: "unbounded" })
      assert.strictEqual(error._tag, "CephCommandFailed")
      assert.include(reason, "daemon state 'shutdown'")
      assert.isBelow(millis, 5_000)
    }).pipe(Effect.scoped), 30_000)
})
