import { type ChildProcess, spawn } from "node:child_process"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { CephCommand, CephStorage, NodeName, OsdId } from "@pvc/core"
import { Layout } from "@pvc/adapters-zk"
import { Duration, Effect, Layer, Schedule } from "effect"
import * as PipeStorage from "../src/PipeStorage.ts"
import * as Zk from "../src/ZkOps.ts"
import { cephJson, pinnedPool } from "./pinnedPool.ts"
import { cephConf, freshCluster, repoRoot, zkLayer } from "./support.ts"

/**
 * The OSD lifecycle through the pipe and a real `ceph-agent` on the single-host Ceph: what the agent
 * writes to ZooKeeper and what Ceph itself reports agree at every step, and a removal that cannot
 * drain fails with Ceph's own reason before the API's deadline (the agent's is shorter).
 */

const { Paths } = Layout
/** This file's node: its own CRUSH host, apart from other tests' OSDs on the shared test Ceph. */
const NODE = "hv-pipe"
const cluster = await Effect.runPromise(freshCluster(NODE))
const dir = cephConf().replace(/\/ceph\.conf$/, "")
/** The agent's deadline for OSD add/remove, under the API's (below). */
const AGENT_OSD_SECONDS = 30
const API_OSD_DEADLINE = Duration.seconds(60)

let agent: ChildProcess | undefined
let agentLog = ""

const ceph = cephJson
const dumpEntry = (id: string) =>
  (ceph("osd", "dump") as { osds: Array<{ osd: number; up: number; in: number }> }).osds.find((o) => String(o.osd) === id)

const run = (c: CephCommand) => CephStorage.use((s) => s.run(c))
const get = (path: string) => Effect.map(Zk.get(path), (n) => n?.data)
const services = () =>
  PipeStorage.layerNoDeps({ deadlines: { default: Duration.seconds(60), osd: API_OSD_DEADLINE } }).pipe(
    Layer.provideMerge(zkLayer(cluster.hosts))
  )

beforeAll(async () => {
  agent = spawn(process.execPath, [
    `${repoRoot}packages/adapters-ceph/src/cli.ts`, "ceph-agent",
    "--node", NODE, "--zk", cluster.hosts, "--ceph-conf", cephConf(), "--refresh", "1",
    "--osd-deadline", String(AGENT_OSD_SECONDS),
    "--osd-add-cmd", `${repoRoot}scripts/ceph.sh osd-add ${dir}`,
    "--osd-stop-cmd", `${repoRoot}scripts/ceph.sh osd-stop ${dir}`
  ], { stdio: ["ignore", "pipe", "pipe"] })
  agent.stdout?.on("data", (d) => (agentLog += String(d)))
  agent.stderr?.on("data", (d) => (agentLog += String(d)))
  await Effect.runPromise(
    get(Paths.cephAgent(NODE)).pipe(
      Effect.repeat({ schedule: Schedule.spaced(Duration.millis(100)), until: (d) => d !== undefined }),
      Effect.timeout(Duration.seconds(30)),
      Effect.provide(zkLayer(cluster.hosts))
    )
  )
})
afterEach((ctx) => {
  if (ctx.task.result?.state === "fail") console.error(`--- ceph-agent log ---\n${agentLog}`)
})
afterAll(() => {
  agent?.kill("SIGTERM")
})

/** Adds an OSD on NODE through the pipe; its id is the `/ceph/osds` child that was not there before. */
const addOsd = (device: string) =>
  Effect.gen(function*() {
    const before = new Set(yield* Zk.children(Paths.osds))
    yield* run(CephCommand.OsdAdd({ node: NodeName.make(NODE), device, weight: "0.004" }))
    const id = (yield* Zk.children(Paths.osds)).find((c) => !before.has(c))
    assert.isDefined(id, "a new key under /ceph/osds")
    return id ?? ""
  })

describe("the OSD lifecycle through ceph-agent", () => {
  it.live("add → up and in (ZooKeeper and osd dump); out → in 0; in → 1; remove → gone from the map and ZooKeeper", () =>
    Effect.gen(function*() {
      const t0 = Date.now()
      const id = yield* addOsd("/dev/pvcpipe")
      const t1 = Date.now()
      assert.strictEqual(yield* get(Paths.osdKey(id, "node")), NODE)
      assert.strictEqual(yield* get(Paths.osdKey(id, "device")), "/dev/pvcpipe")
      assert.deepInclude(dumpEntry(id), { up: 1, in: 1 })
      yield* run(CephCommand.OsdOut({ id: OsdId.make(id) }))
      assert.deepInclude(dumpEntry(id), { in: 0 })
      yield* run(CephCommand.OsdIn({ id: OsdId.make(id) }))
      assert.deepInclude(dumpEntry(id), { in: 1 })
      const t2 = Date.now()
      yield* run(CephCommand.OsdRemove({ id: OsdId.make(id) }))
      const t3 = Date.now()
      assert.isUndefined(dumpEntry(id))
      assert.isUndefined(yield* get(Paths.osd(id)))
      console.info(`OSD cycle through the pipe: add ${t1 - t0} ms, out+in ${t2 - t1} ms, remove ${t3 - t2} ms, total ${t3 - t0} ms`)
    }).pipe(Effect.provide(services())), 180_000)

  it.live("a removal that cannot drain fails with Ceph's EBUSY/EAGAIN before the API's deadline; once it can, it completes", () => {
    let pool: ReturnType<typeof pinnedPool> | undefined
    return Effect.gen(function*() {
      const id = yield* addOsd("/dev/pvcundrain")
      pool = pinnedPool(NODE, id)
      yield* pool.create
      const started = Date.now()
      const error = yield* run(CephCommand.OsdRemove({ id: OsdId.make(id) })).pipe(Effect.flip)
      const millis = Date.now() - started
      assert.strictEqual(error._tag, "CephCommandFailed")
      const reason = error._tag === "CephCommandFailed" ? error.reason : ""
      assert.match(reason, /Error (EBUSY|EAGAIN): /)
      assert.include(reason, `osd.${id} to drain`)
      assert.isBelow(millis, AGENT_OSD_SECONDS * 1000)
      console.info(`undrainable removal failed after ${millis} ms (agent deadline ${AGENT_OSD_SECONDS} s, API's 60 s): ${reason}`)
      assert.strictEqual(yield* get(Paths.osdKey(id, "node")), NODE, "the OSD stays listed")
      assert.deepInclude(dumpEntry(id), { up: 1 })
      assert.strictEqual(yield* get(Paths.cephCmd), "", "the pipe is idle again")
      yield* pool.remove
      yield* run(CephCommand.OsdRemove({ id: OsdId.make(id) }))
      assert.isUndefined(dumpEntry(id))
      assert.isUndefined(yield* get(Paths.osd(id)))
    }).pipe(Effect.ensuring(Effect.suspend(() => pool?.remove ?? Effect.void)), Effect.provide(services()))
  }, 180_000)
})
