/*
 * Cluster bootstrap commands on ZooKeeper (see packages/adapters-zk/README.md):
 *   node packages/adapters-zk/src/cli.ts init [--zk <hosts>] [--force]
 *   node packages/adapters-zk/src/cli.ts seed [--zk <hosts>] [--nodes N] [--vms N] [--networks N]
 *        [--osds N] [--pools N] [--no-volumes] [--force]
 * <hosts> is `host[:port][,host[:port]...][/chroot]`; default $PVC_ZK, $PVC_TEST_ZK, 127.0.0.1:2181.
 */
import { Effect, Layer } from "effect"
import { parseArgs } from "node:util"
import { initCluster, seedCluster } from "./Bootstrap.ts"
import { layer as zkClientLayer, ZkClient } from "./ZkClient.ts"
import { layerConfig, parseCoordinators } from "./ZkConfig.ts"
import { whenConnected } from "./ZkTree.ts"

const usage = `usage: cli.ts init|seed [--zk host:port[,...][/chroot]] [--force]
  seed options: --nodes N (3) --coordinators N (3) --vms N (10) --networks N (2) --osds N (=nodes)
                --pools N (1) --no-volumes`

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    zk: { type: "string" },
    force: { type: "boolean", default: false },
    nodes: { type: "string" },
    coordinators: { type: "string" },
    vms: { type: "string" },
    networks: { type: "string" },
    osds: { type: "string" },
    pools: { type: "string" },
    "no-volumes": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false }
  }
})

const count = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got '${v}'`)
  return Number(v)
}

const command = positionals[0]
if (values.help || (command !== "init" && command !== "seed")) {
  console.error(usage)
  process.exit(values.help ? 0 : 2)
}

const zkHosts = values.zk ?? process.env["PVC_ZK"] ?? process.env["PVC_TEST_ZK"] ?? "127.0.0.1:2181"
const { coordinators, chroot } = parseCoordinators(zkHosts)

const program = Effect.gen(function*() {
  const zk = yield* ZkClient
  // The client connects in the background; give it a moment before the first request.
  yield* whenConnected(zk).pipe(Effect.timeoutOrElse({
    duration: 15_000,
    orElse: () => Effect.die(new Error(`cannot connect to ZooKeeper at ${zkHosts}`))
  }))
  const started = Date.now()
  if (command === "init") {
    yield* initCluster(zk, { force: values.force })
    console.log(`initialised the PVC layout on ${zkHosts}`)
  } else {
    const written = yield* seedCluster(zk, {
      ...optional("nodes", count("nodes", values.nodes)),
      ...optional("coordinators", count("coordinators", values.coordinators)),
      ...optional("vms", count("vms", values.vms)),
      ...optional("networks", count("networks", values.networks)),
      ...optional("osds", count("osds", values.osds)),
      ...optional("pools", count("pools", values.pools)),
      volumes: !values["no-volumes"],
      force: values.force
    })
    console.log(`seeded ${written} entities on ${zkHosts} in ${Date.now() - started} ms`)
  }
})

function optional<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number }
}

const config = layerConfig({ coordinators, chroot, requestTimeout: 30_000 })

const reported = program.pipe(
  Effect.catchTag("ClusterNotEmpty", (e) =>
    Effect.sync(() => {
      const shown = e.keys.slice(0, 8).join(", ") + (e.keys.length > 8 ? `, … (${e.keys.length} keys)` : "")
      console.error(`refusing: ZooKeeper already holds ${shown}; --force replaces the cluster's root keys`)
      process.exitCode = 1
    })),
  Effect.catchTag("ZkError", (e) =>
    Effect.sync(() => {
      console.error(`ZooKeeper request failed: ${e.code}${e.path === undefined ? "" : ` at ${e.path}`} (${e.detail})`)
      // Paths are relative to the chroot, so a missing chroot shows up as a missing first key.
      if (e.code === "NoNode" && chroot !== undefined) {
        console.error(`(every path is under the chroot ${chroot}: create it first if it does not exist)`)
      }
      process.exitCode = 1
    }))
)

Effect.runPromiseExit(Effect.scoped(reported.pipe(Effect.provide(zkClientLayer.pipe(Layer.provide(config)))))).then(
  (exit) => {
    if (exit._tag === "Failure") {
      console.error(String(exit.cause))
      process.exitCode = 1
    }
  }
)
