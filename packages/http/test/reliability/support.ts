import { layer as DomainXmlLive } from "@pvc/adapters-libvirt"
import { layer as RegexEngineLive } from "@pvc/adapters-re2js"
import { layer as ClusterStoreZk, Layout } from "@pvc/adapters-zk"
import { type CephStorage, type ClusterStore, VmStopTimeout } from "@pvc/core"
import { layerCephStorageMemory } from "@pvc/testkit"
import { Effect, Layer, ManagedRuntime, References } from "effect"
import { HttpServer } from "effect/http"
import { execFileSync } from "node:child_process"
import { Agent, request as httpRequest } from "node:http"
import { fileURLToPath } from "node:url"
import { configFor, freshChroot, rawClient, testZk, zkRaw } from "../../../adapters-zk/test/support.ts"
import { layerConfig as zkConfig, type ZkConfigShape } from "../../../adapters-zk/src/ZkConfig.ts"
import { type ApiConfig, defaultConfig } from "../../src/config/ApiConfig.ts"
import { layerServer, SERVER_TIMEOUTS, type ServerTimeouts } from "../../src/server/Server.ts"

const ZK_CLI = fileURLToPath(new URL("../../../adapters-zk/src/cli.ts", import.meta.url))

/** A fresh chroot holding `pvc init` plus a seeded cluster, written by the zk adapter's own CLI. */
export const seededChroot = async (seed: ReadonlyArray<string> = ["--nodes", "3", "--coordinators", "2", "--vms", "6"]) => {
  const chroot = await freshChroot()
  const target = `${testZk()}${chroot}`
  execFileSync(process.execPath, [ZK_CLI, "seed", "--zk", target, ...seed], { stdio: "pipe" })
  return chroot
}

export interface ZkApi {
  readonly url: string
  readonly chroot: string
  readonly close: () => Promise<void>
}

export interface ZkApiOptions {
  readonly chroot?: string
  readonly config?: Partial<ApiConfig>
  readonly zk?: Partial<ZkConfigShape>
  /** Default: the testkit's in-memory Ceph, writing its effects through the ZooKeeper store. */
  readonly ceph?: Layer.Layer<CephStorage, unknown, ClusterStore>
  readonly stopTimeoutSeconds?: number
  readonly timeouts?: ServerTimeouts
  /** Default "None": a log line per request would dominate a fuzz run. */
  readonly logLevel?: "None" | "Info" | "Debug" | "Error"
}

/** The real server on a loopback port, over the ZooKeeper store in `chroot` of the test ZooKeeper. */
export const startZkApi = async (options: ZkApiOptions = {}): Promise<ZkApi> => {
  const chroot = options.chroot ?? (await seededChroot())
  const config: ApiConfig = { ...defaultConfig, listenPort: 0, ...options.config }
  const store = ClusterStoreZk.pipe(Layer.provide(zkConfig(configFor(chroot, options.zk))))
  const layer = layerServer(config, undefined, options.timeouts ?? SERVER_TIMEOUTS).pipe(
    Layer.provide(
      Layer.mergeAll(DomainXmlLive, RegexEngineLive, options.ceph ?? layerCephStorageMemory()).pipe(Layer.provideMerge(store))
    ),
    Layer.provide(Layer.succeed(VmStopTimeout)(options.stopTimeoutSeconds ?? 0.2)),
    Layer.provide(Layer.succeed(References.MinimumLogLevel)(options.logLevel ?? "None"))
  )
  const runtime = ManagedRuntime.make(layer)
  const server = await runtime.runPromise(Effect.service(HttpServer.HttpServer))
  const address = server.address
  if (!("port" in address)) throw new Error("expected an IP address")
  return { url: `http://127.0.0.1:${address.port}`, chroot, close: () => runtime.dispose() }
}

export interface RawReply {
  readonly status: number
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly text: string
  readonly millis: number
}

export const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 })

/** One request with the path sent exactly as given (no normalisation), bounded by `timeoutMs`. */
export const send = (
  base: string,
  method: string,
  path: string,
  options: { readonly body?: string | Buffer; readonly headers?: Record<string, string>; readonly timeoutMs?: number; readonly agent?: Agent | false } = {}
): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const url = new URL(base)
    const headers: Record<string, string | number> = { ...options.headers }
    if (options.body !== undefined) {
      headers["content-length"] = Buffer.byteLength(options.body)
      headers["content-type"] ??= "application/x-www-form-urlencoded"
    }
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method,
      path,
      headers,
      agent: options.agent ?? keepAlive
    }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString("utf8"),
          millis: performance.now() - started
        }))
      res.on("error", reject)
    })
    req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(new Error(`hang: ${method} ${path} after ${options.timeoutMs ?? 15_000} ms`)))
    req.on("error", reject)
    req.end(options.body)
  })

/** Whether a reply body is exactly `{"message": string}`. */
export const isMessage = (text: string): boolean => {
  try {
    const body: unknown = JSON.parse(text)
    return typeof body === "object" && body !== null && !Array.isArray(body) &&
      Object.keys(body).length === 1 && typeof (body as { message?: unknown }).message === "string"
  } catch {
    return false
  }
}

export const json = (text: string): unknown => JSON.parse(text)

/** Dump a chroot of the test ZooKeeper: path (relative to the chroot) → value. */
export const dumpChroot = async (chroot: string): Promise<Map<string, string>> => {
  const client = await rawClient(chroot)
  try {
    return new Map(await zkRaw(client).dump("/"))
  } finally {
    client.close()
  }
}

const CONTAINERS = new Set([
  "/", "/nodes", "/domains", "/networks", "/ceph", "/ceph/osds", "/ceph/pools", "/ceph/volumes", "/ceph/snapshots", "/zookeeper"
])

/**
 * Problems that would trouble the node daemons: a key outside the layout, an entity whose keys do not
 * decode, a required key missing, or a key whose name does not round-trip to its entity (an escape).
 */
export const treeProblems = (tree: Map<string, string>): Array<string> => {
  const problems: Array<string> = []
  const kids = new Map<string, Array<string>>()
  for (const path of tree.keys()) {
    if (path === "/") continue
    const parent = path.slice(0, path.lastIndexOf("/")) || "/"
    kids.set(parent, [...(kids.get(parent) ?? []), path.slice(path.lastIndexOf("/") + 1)])
  }
  const view: Layout.TreeView = {
    data: (p) => tree.get(p),
    version: (p) => (tree.has(p) ? 0 : undefined),
    children: (p) => (tree.has(p) ? kids.get(p) ?? [] : undefined)
  }
  const expected = new Set<string>(CONTAINERS)
  const roots = new Map<string, Layout.Located>()
  for (const path of tree.keys()) {
    if (path === "/zookeeper" || path.startsWith("/zookeeper/") || path === "/ceph/cmd" || path.startsWith("/ceph/cmd/")) {
      expected.add(path)
      continue
    }
    if (CONTAINERS.has(path)) continue
    const loc = Layout.locate(path)
    if (loc !== undefined) roots.set(loc.root, loc)
  }
  for (const [root, loc] of roots) {
    const decoded = Layout.decode(loc, view)
    if (decoded._tag !== "Decoded") {
      problems.push(`${root}: ${decoded._tag === "Invalid" ? `does not decode: ${decoded.reason.slice(0, 300)}` : "absent root"}`)
      continue
    }
    // The store now lists values outside the API's vocabulary as stored; the API itself must never write one.
    for (const note of decoded.unrecognized) problems.push(`${root}: ${note}`)
    for (const key of Layout.encode(decoded.entity)) {
      expected.add(key.path)
      if (key.role === "root" && key.path !== root) problems.push(`${root}: entity name escapes its path (encodes to ${key.path})`)
      if ((key.role === "value" || key.role === "root") && !tree.has(key.path)) problems.push(`missing required key ${key.path}`)
    }
  }
  for (const path of tree.keys()) if (!expected.has(path)) problems.push(`key outside the layout: ${path}`)
  return problems
}
