/*
 * Load benchmark of the API on a real ZooKeeper (see the README's "Performance" section):
 *   pnpm bench [--vms 1000] [--nodes 10] [--networks N] [--duration 10] [--connections 4]
 *              [--only vm,vm-name,vm-limit,node,network,mutate] [--cpu-prof <dir>] [--keep]
 * Starts a throw-away ZooKeeper (scripts/zookeeper.sh), seeds it with `cli.ts seed`, starts the API on it,
 * warms it, loads each endpoint with autocannon over loopback, checks every acknowledged write of the
 * mutating mix against ZooKeeper, prints a table and stops everything it started.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { checkWrites, type MixPlan, mutatingMix } from "./mix.ts"

const require = createRequire(import.meta.url)
const autocannon = require("autocannon") as Autocannon

export interface CannonRequest {
  method?: string
  path?: string
  setupRequest?: (req: CannonRequest, context: Record<string, unknown>) => CannonRequest
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void
}
export interface CannonClient {
  setRequests(requests: ReadonlyArray<CannonRequest>): void
}
interface CannonResult {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; max: number }
  duration: number
  non2xx: number
  errors: number
  timeouts: number
  "2xx": number
}
type Autocannon = (opts: {
  url: string
  connections: number
  duration?: number
  amount?: number
  timeout?: number
  requests?: ReadonlyArray<CannonRequest>
  setupClient?: (client: CannonClient) => void
}) => Promise<CannonResult>

const ROOT = resolve(import.meta.dirname, "..")

const { values } = parseArgs({
  options: {
    vms: { type: "string", default: "1000" },
    nodes: { type: "string", default: "10" },
    networks: { type: "string" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "4" },
    only: { type: "string" },
    "cpu-prof": { type: "string" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false }
  }
})
if (values.help) {
  console.log(readFileSync(import.meta.filename, "utf8").split("*/")[0])
  process.exit(0)
}
const int = (name: string, v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new Error(`--${name} must be a positive integer, got '${v}'`)
  return Number(v)
}
const VMS = int("vms", values.vms)
const NODES = int("nodes", values.nodes)
const NETWORKS = values.networks === undefined ? Math.max(2, Math.round(NODES / 5)) : int("networks", values.networks)
const DURATION = int("duration", values.duration)
const CONNECTIONS = int("connections", values.connections)
const ONLY = values.only?.split(",")
const wanted = (id: string) => ONLY === undefined || ONLY.includes(id)

const started: Array<() => void> = []
const stopAll = () => {
  for (const stop of started.reverse()) {
    try {
      stop()
    } catch (e) {
      console.error(`bench: cleanup: ${String(e)}`)
    }
  }
  started.length = 0
}
process.on("SIGINT", () => {
  stopAll()
  process.exit(130)
})

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`)

const freePort = () =>
  new Promise<number>((res, rej) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number }
      s.close(() => res(port))
    }).on("error", rej)
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Peak resident set (VmHWM) and current RSS of a process, in MiB. */
const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0)
  return { peak: kib("VmHWM") / 1024, rss: kib("VmRSS") / 1024 }
}

/** CPU time (user + system) a process has used so far, in ms (clock ticks are 10 ms). */
const cpuMsOf = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 10
}

const startZooKeeper = (dir: string): string => {
  const script = join(ROOT, "scripts/zookeeper.sh")
  const out = execFileSync("bash", [script, "start", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
  started.push(() => execFileSync("bash", [script, "stop", dir], { stdio: "inherit" }))
  const hosts = /PVC_TEST_ZK=(\S+)/.exec(out)?.[1]
  if (hosts === undefined) throw new Error(`zookeeper.sh printed no address: ${out}`)
  return hosts
}

const seed = (zk: string) => {
  const args = ["seed", "--zk", zk, "--force", "--nodes", String(NODES), "--vms", String(VMS), "--networks", String(NETWORKS)]
  const out = execFileSync(process.execPath, [join(ROOT, "packages/adapters-zk/src/cli.ts"), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"]
  })
  log(out.trim())
}

interface Api {
  readonly proc: ChildProcess
  readonly url: string
  readonly exited: Promise<number | null>
}

const startApi = async (dir: string, zk: string): Promise<Api> => {
  const port = await freePort()
  const config = join(dir, "pvc-api.yaml")
  writeFileSync(
    config,
    `pvc:\n  coordinators:\n    - ${zk}\n  api:\n    listen_address: 127.0.0.1\n    listen_port: ${port}\n    log_level: Warn\n`
  )
  const prof = values["cpu-prof"] === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", resolve(values["cpu-prof"])]
  // Launched the way `pnpm start` launches it, with the same V8 settings (PVC_API_V8_FLAGS overrides them).
  const proc = spawn("bash", [join(ROOT, "scripts/pvc-api.sh"), "--config", config], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PVC_LOG_LEVEL: "Warn", ...(prof.length > 0 ? { NODE_OPTIONS: prof.join(" ") } : {}) }
  })
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)))
  started.push(() => {
    if (proc.exitCode === null) proc.kill("SIGTERM")
  })
  return { proc, url: `http://127.0.0.1:${port}`, exited }
}

/** Polls GET /vm until it lists every seeded VM: the time from spawn to a first full answer. */
const waitLoaded = async (api: Api, spawnedAt: number): Promise<{ ms: number; firstListMs: number }> => {
  for (;;) {
    if (api.proc.exitCode !== null) throw new Error(`the API exited with ${api.proc.exitCode}`)
    try {
      const t = performance.now()
      const res = await fetch(`${api.url}/api/v1/vm`)
      const body = await res.text()
      if (res.status === 200) {
        const vms = JSON.parse(body) as ReadonlyArray<unknown>
        if (vms.length === VMS) return { ms: performance.now() - spawnedAt, firstListMs: performance.now() - t }
      }
    } catch {
      // not listening yet
    }
    await sleep(50)
  }
}

interface Row {
  readonly endpoint: string
  readonly result: CannonResult
  readonly peakRss: number
  /** API CPU time per answered request, in µs: what the figures would be without the load generator's share. */
  readonly cpuUs: number
  readonly note?: string
}

const load = (
  url: string,
  requests: ReadonlyArray<CannonRequest>,
  duration: number,
  setupClient?: (client: CannonClient) => void
) => autocannon({ url, connections: CONNECTIONS, duration, timeout: 30, requests, ...(setupClient ? { setupClient } : {}) })

const randomOf = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(Math.random() * xs.length)]!

const vmName = (i: number) => `vm${String(i + 1).padStart(5, "0")}`

interface Scenario {
  readonly id: string
  readonly endpoint: string
  readonly requests: ReadonlyArray<CannonRequest>
}

const readScenarios = (): ReadonlyArray<Scenario> => {
  const names = Array.from({ length: VMS }, (_, i) => vmName(i))
  // `vm0012` style prefixes: each matches ten VMs (fewer at the end of the range).
  const prefixes = Array.from({ length: Math.ceil(VMS / 10) }, (_, i) => vmName(i * 10).slice(0, -1))
  return [
    { id: "vm", endpoint: "GET /api/v1/vm", requests: [{ method: "GET", path: "/api/v1/vm" }] },
    {
      id: "vm-name",
      endpoint: "GET /api/v1/vm/<name>",
      requests: [{ method: "GET", setupRequest: (r) => ({ ...r, path: `/api/v1/vm/${randomOf(names)}` }) }]
    },
    {
      id: "vm-limit",
      endpoint: "GET /api/v1/vm?limit=<regex>",
      requests: [{
        method: "GET",
        setupRequest: (r) => ({ ...r, path: `/api/v1/vm?limit=${encodeURIComponent(`^${randomOf(prefixes)}[0-9]$`)}` })
      }]
    },
    { id: "node", endpoint: "GET /api/v1/node", requests: [{ method: "GET", path: "/api/v1/node" }] },
    { id: "network", endpoint: "GET /api/v1/network", requests: [{ method: "GET", path: "/api/v1/network" }] }
  ]
}

/**
 * GET /vm on an otherwise idle API, one request at a time: with the cluster unchanged, and right after
 * a write to one VM (stop and start in turn), so the answer cannot be served from the previous one.
 */
const aloneLatency = async (url: string): Promise<{ unchanged: number; afterWrite: number; maxAfterWrite: number }> => {
  const timeList = async () => {
    const t = performance.now()
    const res = await fetch(`${url}/api/v1/vm`)
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`GET /api/v1/vm: ${res.status}`)
    return performance.now() - t
  }
  const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const victim = vmName(VMS - 1)
  const write = async (i: number) => {
    const res = await fetch(`${url}/api/v1/vm/${victim}/${i % 2 === 0 ? "stop" : "start"}`, { method: "POST" })
    await res.arrayBuffer()
  }
  // Warm-up: the first runs of these paths in a fresh process are not yet optimised by the JIT.
  for (let i = 0; i < 20; i++) {
    await write(i)
    await timeList()
  }
  const unchanged: Array<number> = []
  for (let i = 0; i < 20; i++) unchanged.push(await timeList())
  const afterWrite: Array<number> = []
  for (let i = 0; i < 20; i++) {
    await write(i)
    afterWrite.push(await timeList())
  }
  return { unchanged: median(unchanged), afterWrite: median([...afterWrite]), maxAfterWrite: Math.max(...afterWrite) }
}

const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(8)

const printTable = (
  rows: ReadonlyArray<Row>,
  startup: { ms: number; firstListMs: number },
  alone: { unchanged: number; afterWrite: number; maxAfterWrite: number } | undefined
) => {
  console.log("")
  console.log(`pvc-api benchmark: ${NODES} nodes / ${VMS} VMs / ${NETWORKS} networks, ZooKeeper on this host,`)
  console.log(`${CONNECTIONS} connections, ${DURATION} s per endpoint, autocannon in the same machine (it shares the cores)`)
  console.log(`machine: ${cpuModel()}, ${navigator.hardwareConcurrency} cores, Node ${process.version}`)
  const flags = process.env["PVC_API_V8_FLAGS"]
  console.log(`API started by scripts/pvc-api.sh${flags === undefined ? " (its V8 settings)" : ` with PVC_API_V8_FLAGS='${flags}'`}`)
  console.log("")
  console.log(`${"endpoint".padEnd(34)}   req/s   p50 ms   p99 ms   max ms    non2xx  peak RSS MiB  API CPU µs/req`)
  for (const { cpuUs, endpoint, result: r, peakRss, note } of rows) {
    console.log(
      `${endpoint.padEnd(34)}${fmt(r.requests.average)} ${fmt(r.latency.p50, 1)} ${fmt(r.latency.p99, 1)} ${
        fmt(r.latency.max, 1)
      }  ${fmt(r.non2xx + r.errors + r.timeouts)}  ${fmt(peakRss, 1)}      ${fmt(cpuUs)}${note === undefined ? "" : `  ${note}`}`
    )
  }
  console.log("")
  console.log(`start to first full GET /api/v1/vm: ${startup.ms.toFixed(0)} ms (that answer took ${startup.firstListMs.toFixed(1)} ms)`)
  if (alone !== undefined) {
    console.log(
      `GET /api/v1/vm alone (one request at a time, body read): ${alone.unchanged.toFixed(1)} ms unchanged cluster, ` +
        `${alone.afterWrite.toFixed(1)} ms right after a write (max ${alone.maxAfterWrite.toFixed(1)} ms), medians of 20`
    )
  }
}

const cpuModel = () => /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown CPU"

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), "pvc-bench-"))
  if (!values.keep) started.push(() => rmSync(dir, { recursive: true, force: true }))
  log(`work directory ${dir}`)
  const zk = startZooKeeper(join(dir, "zk"))
  log(`ZooKeeper at ${zk}; seeding ${NODES} nodes / ${VMS} VMs / ${NETWORKS} networks`)
  seed(zk)
  const spawnedAt = performance.now()
  const api = await startApi(dir, zk)
  const startup = await waitLoaded(api, spawnedAt)
  log(`API at ${api.url} answered with all ${VMS} VMs ${startup.ms.toFixed(0)} ms after start`)
  const pid = api.proc.pid!
  const loadedRss = memoryOf(pid)
  log(`API RSS with the cluster loaded: ${loadedRss.rss.toFixed(1)} MiB (peak so far ${loadedRss.peak.toFixed(1)} MiB)`)
  const rows: Array<Row> = []
  let failed = false
  const alone = wanted("vm") ? await aloneLatency(api.url) : undefined
  for (const s of readScenarios().filter((s) => wanted(s.id))) {
    log(`warming ${s.endpoint}`)
    await load(api.url, s.requests, 2)
    log(`loading ${s.endpoint} for ${DURATION} s`)
    const cpuBefore = cpuMsOf(pid)
    const result = await load(api.url, s.requests, DURATION)
    const cpuUs = (cpuMsOf(pid) - cpuBefore) * 1000 / Math.max(1, result.requests.total)
    rows.push({ endpoint: s.endpoint, result, peakRss: memoryOf(pid).peak, cpuUs })
    if (result.non2xx + result.errors + result.timeouts > 0) failed = true
  }
  if (wanted("mutate")) {
    const plan: MixPlan = await mutatingMix(api.url, NODES, CONNECTIONS)
    log(`loading the mutating mix (${plan.vmCount} VMs in ${CONNECTIONS} shards) for ${DURATION} s`)
    const cpuBefore = cpuMsOf(pid)
    const result = await load(api.url, plan.requests, DURATION, plan.setupClient)
    const cpuUs = (cpuMsOf(pid) - cpuBefore) * 1000 / Math.max(1, result.requests.total)
    log("checking every acknowledged write against ZooKeeper")
    const check = await checkWrites(zk, plan)
    const note = `${check.acknowledged} acked writes, ${check.lost.length} lost`
    rows.push({ endpoint: "POST start/stop/migrate/unmigrate", result, peakRss: memoryOf(pid).peak, cpuUs, note })
    for (const l of check.lost.slice(0, 20)) console.error(`LOST WRITE: ${l}`)
    if (check.lost.length > 0 || result.non2xx + result.errors + result.timeouts > 0) failed = true
  }
  const { peak } = memoryOf(pid)
  api.proc.kill("SIGTERM")
  const code = await Promise.race([api.exited, sleep(10_000).then(() => "timeout" as const)])
  if (code !== 0) log(`the API stopped with ${String(code)}`)
  printTable(rows, startup, alone)
  console.log(`API RSS with the cluster loaded, before any load: ${loadedRss.rss.toFixed(1)} MiB`)
  console.log(`API peak RSS over the whole run: ${peak.toFixed(1)} MiB`)
  if (values["cpu-prof"] !== undefined) console.log(`CPU profile of the API in ${resolve(values["cpu-prof"])}`)
  return failed ? 1 : 0
}

main().then(
  (code) => {
    stopAll()
    process.exit(code)
  },
  (e: unknown) => {
    console.error(e)
    stopAll()
    process.exit(1)
  }
)
