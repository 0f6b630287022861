import { afterAll, afterEach, assert, beforeAll, describe, it } from "@effect/vitest"
import { humanSize } from "@pvc/core"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { Layout } from "@pvc/adapters-zk"
import { freshChroot, rawClient, testZk, zkRaw } from "../../adapters-zk/test/support.ts"
import { type Run, startApiOnZk } from "./support/Process.ts"

/**
 * Storage end to end on real services: the API process on ZooKeeper, `ceph-agent` answering for
 * node hv1 on the single-host Ceph of scripts/ceph.sh, every change checked against what Ceph
 * itself reports (`ceph`, `rbd`). Then the same routes with nobody to answer: each fails at once.
 */

const REPO = fileURLToPath(new URL("../../..", import.meta.url))
const ZK_CLI = `${REPO}packages/adapters-zk/src/cli.ts`
const AGENT_CLI = `${REPO}packages/adapters-ceph/src/cli.ts`

const cephConf = (): string => {
  const value = process.env["PVC_TEST_CEPH_CONF"]
  if (value === undefined || value === "") throw new Error("PVC_TEST_CEPH_CONF is not set: scripts/ceph.sh up <dir> and export it")
  return value
}

/** What Ceph itself says, as JSON. */
const ceph = (...args: ReadonlyArray<string>): unknown =>
  JSON.parse(execFileSync("ceph", ["-c", cephConf(), ...args, "--format", "json"], { encoding: "utf8" }))
const rbd = (...args: ReadonlyArray<string>): unknown =>
  JSON.parse(execFileSync("rbd", ["-c", cephConf(), ...args, "--format", "json"], { encoding: "utf8" }))

interface DumpOsd { readonly osd: number; readonly up: number; readonly in: number }
interface Dump { readonly osds: ReadonlyArray<DumpOsd>; readonly flags_set?: ReadonlyArray<string> }
const osdDump = () => ceph("osd", "dump") as Dump
const dumpEntry = (id: string) => osdDump().osds.find((o) => String(o.osd) === id)
const poolDetail = (name: string) =>
  (ceph("osd", "pool", "ls", "detail") as Array<{ pool_name: string; pool_id: number; pg_num: number; application_metadata: Record<string, unknown> }>)
    .find((p) => p.pool_name === name)

/** A chroot with `pvc init`, node hv1 (the primary), and hv1's daemon keepalive too old to count: only an agent answers. */
const preparedChroot = async (): Promise<string> => {
  const chroot = await freshChroot()
  const target = `${testZk()}${chroot}`
  execFileSync(process.execPath, [ZK_CLI, "init", "--zk", target], { stdio: "pipe" })
  execFileSync(process.execPath, [ZK_CLI, "seed", "--zk", target, "--nodes", "1", "--coordinators", "1", "--vms", "0", "--networks", "0", "--osds", "0", "--pools", "0", "--no-volumes"], { stdio: "pipe" })
  await withZk(chroot, async (zk) => {
    await zk.set("/primary_node", "hv1")
    await zk.set("/nodes/hv1/keepalive", String(Math.floor(Date.now() / 1000) - 3600))
  })
  return chroot
}

const withZk = async <A>(chroot: string, body: (zk: ReturnType<typeof zkRaw>) => Promise<A>): Promise<A> => {
  const client = await rawClient(chroot)
  try {
    return await body(zkRaw(client))
  } finally {
    client.close()
  }
}

const startApi = (chroot: string) => startApiOnZk(testZk(), chroot)

interface Agent { readonly child: ChildProcess; readonly log: () => string; readonly exited: Promise<unknown> }

const startAgent = (chroot: string): Agent => {
  const dir = dirname(cephConf())
  const child = spawn(process.execPath, [
    AGENT_CLI, "ceph-agent", "--node", "hv1", "--zk", `${testZk()}${chroot}`, "--ceph-conf", cephConf(), "--refresh", "1",
    "--osd-add-cmd", `${REPO}scripts/ceph.sh osd-add ${dir}`,
    "--osd-stop-cmd", `${REPO}scripts/ceph.sh osd-stop ${dir}`
  ], { stdio: ["ignore", "pipe", "pipe"] })
  let log = ""
  child.stdout?.on("data", (d) => (log += String(d)))
  child.stderr?.on("data", (d) => (log += String(d)))
  const exited = new Promise((resolve) => child.on("exit", resolve))
  return { child, log: () => log, exited }
}

interface Reply { readonly status: number; readonly body: unknown; readonly ms: number }

const request = async (url: string, method: string, path: string, form?: Record<string, string>): Promise<Reply> => {
  const started = performance.now()
  const response = await fetch(`${url}${path}`, {
    method,
    ...(form === undefined ? {} : { body: new URLSearchParams(form) }),
    signal: AbortSignal.timeout(120_000)
  })
  const text = await response.text()
  return { status: response.status, body: JSON.parse(text), ms: performance.now() - started }
}

const messageOf = (reply: Reply) => (reply.body as { message?: unknown }).message

/** Polls `read` until `holds` (bounded), returning the last value read. */
const eventually = async <A>(read: () => Promise<A> | A, holds: (a: A) => boolean, ms = 30_000): Promise<A> => {
  const deadline = Date.now() + ms
  let last = await read()
  while (!holds(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    last = await read()
  }
  return last
}

const tag = Date.now().toString(36)

describe("storage through HTTP on real Ceph, with ceph-agent answering for hv1", () => {
  let chroot = ""
  let url = ""
  let api: Run | undefined
  let agent: Agent | undefined
  const post = async (path: string, form?: Record<string, string>) => {
    const reply = await request(url, "POST", path, form ?? {})
    assert.strictEqual(reply.status, 200, `POST ${path}: ${JSON.stringify(reply.body)}`)
    return String(messageOf(reply))
  }
  const get = async (path: string) => {
    const reply = await request(url, "GET", path)
    assert.strictEqual(reply.status, 200, `GET ${path}: ${JSON.stringify(reply.body)}`)
    return reply.body as Array<Record<string, unknown>>
  }

  beforeAll(async () => {
    chroot = await preparedChroot()
    agent = startAgent(chroot)
    await withZk(chroot, (zk) =>
      eventually(async () => zk.children("/").then(async () => (await zk.get(Layout.Paths.cephAgent("hv1"))) !== undefined).catch(() => false), (b) => b, 30_000)
    )
    ;({ api, url } = await startApi(chroot))
  }, 120_000)

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail") {
      console.error(`--- ceph-agent log ---\n${agent?.log() ?? ""}\n--- pvc-api log (tail) ---\n${api?.output().slice(-4000) ?? ""}`)
    }
  })

  afterAll(async () => {
    api?.child.kill("SIGTERM")
    agent?.child.kill("SIGTERM")
    await Promise.all([api?.exited, agent?.exited])
  })

  it("GET status and df show the real cluster, as the agent reports it", async () => {
    const fsid = (ceph("fsid") as { fsid: string }).fsid
    const status = await eventually(() => request(url, "GET", "/api/v1/storage/ceph/status"), (r) =>
      r.status === 200 && String((r.body as Record<string, unknown>)["ceph_data"]).includes(fsid))
    assert.strictEqual(status.status, 200, JSON.stringify(status.body))
    assert.include(String((status.body as Record<string, unknown>)["ceph_data"]), `id:     ${fsid}`)
    assert.strictEqual((status.body as Record<string, unknown>)["primary_node"], "hv1")
    const df = await eventually(() => request(url, "GET", "/api/v1/storage/ceph/df"), (r) => r.status === 200)
    assert.strictEqual(df.status, 200, JSON.stringify(df.body))
    const text = String((df.body as Record<string, unknown>)["ceph_data"])
    assert.include(text, "POOL_NAME")
    assert.include(text, "total_objects")
  }, 60_000)

  const pool = `e2e${tag}`
  const volumes = [["v1", "1073741824", 1073741824], ["v2", "4096M", 4096 * 1048576], ["v3", "2G", 2 * 1073741824]] as const

  it("pool add → Ceph has it with its PGs and the rbd application; list and get show it", async () => {
    assert.strictEqual(await post(`/api/v1/storage/ceph/pool/${pool}/add`, { pgs: "8" }), `Created new RBD pool '${pool}' with '8' PGs.`)
    const detail = poolDetail(pool)
    assert.strictEqual(detail?.pg_num, 8)
    assert.property(detail?.application_metadata ?? {}, "rbd")
    assert.include((await get("/api/v1/storage/ceph/pool")).map((p) => p["name"]), pool)
    const [shown] = await eventually(() => get(`/api/v1/storage/ceph/pool/${pool}`), (l) => (l[0]?.["stats"] as Record<string, unknown> | undefined)?.["id"] !== undefined)
    assert.strictEqual(shown?.["name"], pool)
    assert.strictEqual((shown?.["stats"] as Record<string, unknown>)["id"], detail?.pool_id)
  }, 60_000)

  it("volume add in three size notations → rbd reports those sizes; list and info agree", async () => {
    for (const [name, size, bytes] of volumes) {
      assert.strictEqual(await post(`/api/v1/storage/ceph/volume/${pool}/${name}/add`, { size }), `Created new RBD volume '${name}' of size '${size}' on pool '${pool}'.`)
      assert.strictEqual((rbd("info", `${pool}/${name}`) as { size: number }).size, bytes)
      const [info] = await get(`/api/v1/storage/ceph/volume/${pool}/${name}`)
      assert.strictEqual(info?.["name"], name)
      assert.strictEqual((info?.["stats"] as Record<string, unknown>)["size"], humanSize(bytes))
    }
    assert.deepStrictEqual([...(rbd("ls", pool) as Array<string>)].sort(), ["v1", "v2", "v3"])
    assert.deepStrictEqual((await get(`/api/v1/storage/ceph/volume?pool=${pool}`)).map((v) => v["name"]).sort(), ["v1", "v2", "v3"])
  }, 60_000)

  it("snapshot add → rbd lists it; list and get show it; remove → gone from rbd and the API", async () => {
    await post(`/api/v1/storage/ceph/volume/snapshot/${pool}/v1/s1/add`)
    await post(`/api/v1/storage/ceph/volume/snapshot/${pool}/v1/s2/add`)
    assert.deepStrictEqual((rbd("snap", "ls", `${pool}/v1`) as Array<{ name: string }>).map((s) => s.name), ["s1", "s2"])
    assert.deepStrictEqual((await get(`/api/v1/storage/ceph/volume/snapshot?pool=${pool}`)).map((s) => s["snapshot"]).sort(), ["s1", "s2"])
    assert.deepStrictEqual((await get(`/api/v1/storage/ceph/volume/snapshot/${pool}/v1/s2`)).map((s) => s["snapshot"]), ["s2"])
    await post(`/api/v1/storage/ceph/volume/snapshot/${pool}/v1/s1/remove`)
    assert.deepStrictEqual((rbd("snap", "ls", `${pool}/v1`) as Array<{ name: string }>).map((s) => s.name), ["s2"])
    assert.deepStrictEqual(await get(`/api/v1/storage/ceph/volume/snapshot/${pool}/v1/s1`), [])
  }, 60_000)

  it("volume remove (one still holding a snapshot) → gone from rbd and the API", async () => {
    for (const [name] of volumes) {
      assert.strictEqual(await post(`/api/v1/storage/ceph/volume/${pool}/${name}/remove`), `Removed RBD volume '${name}' in pool '${pool}'.`)
    }
    assert.deepStrictEqual(rbd("ls", pool), [])
    assert.deepStrictEqual(await get(`/api/v1/storage/ceph/volume?pool=${pool}`), [])
    assert.deepStrictEqual(await get(`/api/v1/storage/ceph/volume/snapshot?pool=${pool}`), [])
  }, 60_000)

  it("pool remove → gone from Ceph and the API", async () => {
    await post(`/api/v1/storage/ceph/pool/${pool}/remove`, { flag_yes_i_really_mean_it: "yes" })
    assert.isUndefined(poolDetail(pool))
    assert.deepStrictEqual(await get(`/api/v1/storage/ceph/pool/${pool}`), [])
  }, 60_000)

  it("OSD set/unset → Ceph's flags; a flag Ceph refuses is a 510 with Ceph's words", async () => {
    // a flag no other test of the shared test cluster touches
    assert.strictEqual(await post("/api/v1/storage/ceph/osd/set", { option: "nosnaptrim" }), "Set OSD property nosnaptrim on the cluster.")
    assert.include(osdDump().flags_set ?? [], "nosnaptrim")
    assert.strictEqual(await post("/api/v1/storage/ceph/osd/unset", { option: "nosnaptrim" }), "Unset OSD property nosnaptrim on the cluster.")
    assert.notInclude(osdDump().flags_set ?? [], "nosnaptrim")
    // Ceph refuses: the 510 carries Ceph's own words, through the agent's failure answer
    const refused = await request(url, "POST", "/api/v1/storage/ceph/osd/set", { option: "notaflag" })
    assert.strictEqual(refused.status, 510, JSON.stringify(refused.body))
    assert.match(String(messageOf(refused)), /notaflag.*Invalid command|Invalid command.*notaflag/)
  }, 60_000)

  it("OSD add → up and in; out → in 0; in → 1; remove → gone from Ceph and the API", async () => {
    const before = new Set((await get("/api/v1/storage/ceph/osd")).map((o) => String(o["id"])))
    const started = performance.now()
    assert.strictEqual(
      await post("/api/v1/storage/ceph/osd/hv1/add", { device: "/dev/pvce2e", weight: "0.004" }),
      "Created new OSD with block device '/dev/pvce2e' on node 'hv1'."
    )
    const added = performance.now()
    const id = (await get("/api/v1/storage/ceph/osd")).map((o) => String(o["id"])).find((i) => !before.has(i)) ?? ""
    assert.match(id, /^\d+$/)
    assert.deepInclude(dumpEntry(id), { up: 1, in: 1 })
    const [shown] = await eventually(() => get(`/api/v1/storage/ceph/osd/${id}`), (l) => (l[0]?.["stats"] as Record<string, unknown> | undefined)?.["up"] === 1)
    assert.strictEqual((shown?.["stats"] as Record<string, unknown>)["up"], 1)
    assert.strictEqual(await post(`/api/v1/storage/ceph/osd/${id}/out`), `Set OSD ${id} offline in the cluster.`)
    assert.deepInclude(dumpEntry(id), { in: 0 })
    assert.strictEqual(await post(`/api/v1/storage/ceph/osd/${id}/in`), `Set OSD ${id} online in the cluster.`)
    assert.deepInclude(dumpEntry(id), { in: 1 })
    const removing = performance.now()
    assert.strictEqual(await post(`/api/v1/storage/ceph/osd/${id}/remove`, { flag_yes_i_really_mean_it: "yes" }), `Removed OSD '${id}' from the cluster.`)
    const done = performance.now()
    assert.isUndefined(dumpEntry(id))
    assert.deepStrictEqual(await get(`/api/v1/storage/ceph/osd/${id}`), [])
    console.info(`OSD cycle through HTTP: add ${(added - started).toFixed(0)} ms, out+in ${(removing - added).toFixed(0)} ms, ` +
      `remove ${(done - removing).toFixed(0)} ms, whole cycle ${(done - started).toFixed(0)} ms`)
  }, 180_000)

  it("once the agent stops, a command fails at once with the reason", async () => {
    agent?.child.kill("SIGTERM")
    await agent?.exited
    await withZk(chroot, (zk) => eventually(() => zk.get(Layout.Paths.cephAgent("hv1")), (n) => n === undefined, 20_000))
    const reply = await request(url, "POST", "/api/v1/storage/ceph/osd/set", { option: "nosnaptrim" })
    assert.strictEqual(reply.status, 510, JSON.stringify(reply.body))
    assert.match(String(messageOf(reply)), /hv1/)
    assert.isBelow(reply.ms, 1000)
    assert.notInclude(osdDump().flags_set ?? [], "nosnaptrim")
  }, 60_000)
})

describe("storage through HTTP with no agent running", () => {
  let chroot = ""
  let url = ""
  let api: Run | undefined

  beforeAll(async () => {
    chroot = await preparedChroot()
    // objects for the commands to act on, as a node daemon would have written them
    await withZk(chroot, (zk) =>
      zk.create([
        ["/ceph/pools/p", ""], ["/ceph/pools/p/pgs", "8"], ["/ceph/pools/p/stats", "{}"],
        ["/ceph/volumes/p", ""], ["/ceph/volumes/p/d1", ""], ["/ceph/volumes/p/d1/stats", "{\"size\":1073741824}"],
        ["/ceph/snapshots/p", ""], ["/ceph/snapshots/p/d1", ""], ["/ceph/snapshots/p/d1/s1", ""], ["/ceph/snapshots/p/d1/s1/stats", "{}"],
        ["/ceph/osds/7", ""], ["/ceph/osds/7/node", "hv1"], ["/ceph/osds/7/device", "/dev/sdz"], ["/ceph/osds/7/stats", "{}"]
      ]))
    ;({ api, url } = await startApi(chroot))
  }, 120_000)

  afterAll(async () => {
    api?.child.kill("SIGTERM")
    await api?.exited
  })

  const commands: ReadonlyArray<readonly [string, Record<string, string>]> = [
    ["/api/v1/storage/ceph/pool/q/add", { pgs: "8" }],
    ["/api/v1/storage/ceph/pool/p/remove", { flag_yes_i_really_mean_it: "yes" }],
    ["/api/v1/storage/ceph/volume/p/d2/add", { size: "2G" }],
    ["/api/v1/storage/ceph/volume/p/d1/remove", {}],
    ["/api/v1/storage/ceph/volume/snapshot/p/d1/s2/add", {}],
    ["/api/v1/storage/ceph/volume/snapshot/p/d1/s1/remove", {}],
    ["/api/v1/storage/ceph/osd/hv1/add", { device: "/dev/sdy", weight: "1.0" }],
    ["/api/v1/storage/ceph/osd/7/out", {}],
    ["/api/v1/storage/ceph/osd/7/in", {}],
    ["/api/v1/storage/ceph/osd/7/remove", { flag_yes_i_really_mean_it: "yes" }],
    ["/api/v1/storage/ceph/osd/set", { option: "noout" }],
    ["/api/v1/storage/ceph/osd/unset", { option: "noout" }]
  ]

  it("every storage command fails in under a second, saying why, and writes nothing to the pipe", async () => {
    const times: Array<number> = []
    for (const [path, form] of commands) {
      const reply = await request(url, "POST", path, form)
      assert.strictEqual(reply.status, 510, `${path}: ${JSON.stringify(reply.body)}`)
      assert.match(String(messageOf(reply)), /hv1/, path)
      assert.isBelow(reply.ms, 1000, path)
      times.push(reply.ms)
    }
    const cmd = await withZk(chroot, (zk) => zk.get("/ceph/cmd"))
    assert.include(["", undefined], cmd?.data)
    console.info(`no responder: ${times.length} commands failed in ${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)} ms`)
  }, 60_000)
})
