/*
 * How long the watch-fed mirror takes to equal ZooKeeper after a whole-tree wipe and reseed
 * (`pvc init` + seed, by another client), at cluster size:
 *
 *   node packages/adapters-zk/test/ConvergenceBench.ts [--vms 1000] [--nodes 10] [--rounds 5] [--zk host:port]
 *
 * Without --zk (or $PVC_TEST_ZK) it starts a throw-away ZooKeeper (scripts/zookeeper.sh). Per round:
 * the writer client wipes and reseeds; the clock starts when its last write is acknowledged and
 * stops at the first moment the mirror is idle and equal (tree and decoded index) to a fresh full
 * read through a third client. The mirror's self-check is off: the watches alone do it.
 */
import { execFileSync, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { Effect, Exit, Scope } from "effect"
import zookeeper from "node-zookeeper-client"
import { makeClusterStoreWithMirror } from "../src/ClusterStoreZk.ts"
import { makeZkClient } from "../src/ZkClient.ts"
import { parseCoordinators } from "../src/ZkConfig.ts"
import { differences, freshRead } from "./convergence.ts"

const { values } = parseArgs({
  options: {
    vms: { type: "string", default: "1000" },
    nodes: { type: "string", default: "10" },
    rounds: { type: "string", default: "5" },
    zk: { type: "string" }
  }
})
const vms = Number(values.vms)
const nodes = Number(values.nodes)
const rounds = Number(values.rounds)
const ROOT = resolve(import.meta.dirname, "../../..")

const startZooKeeper = (): { hosts: string; stop: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), "pvc-bench-mirror-"))
  const script = join(ROOT, "scripts/zookeeper.sh")
  const out = execFileSync(script, ["start", dir], { encoding: "utf8" })
  const hosts = /PVC_TEST_ZK=(\S+)/.exec(out)?.[1]
  if (hosts === undefined) throw new Error(`zookeeper.sh printed no address: ${out}`)
  return {
    hosts,
    stop: () => {
      execFileSync(script, ["stop", dir])
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/**
 * `cli.ts seed --force` in its own process (`pvc init`'s wipe and init transaction, then the
 * seed), as another ZooKeeper client; its last write is acknowledged when it prints its summary.
 */
const reseed = (zk: string, count: number) =>
  new Promise<{ wipeStart: number; writesDone: number }>((ok, ko) => {
    const child = spawn(process.execPath, [join(ROOT, "packages/adapters-zk/src/cli.ts"), "seed", "--force", "--zk", zk, "--vms", String(count), "--nodes", String(nodes)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    const wipeStart = performance.now()
    let writesDone = 0
    child.stdout.on("data", (chunk: Buffer) => {
      const text = chunk.toString()
      if (text.includes("seeded ")) writesDone = performance.now()
    })
    child.on("exit", (code) => (code === 0 && writesDone > 0 ? ok({ wipeStart, writesDone }) : ko(new Error(`cli.ts seed failed (${code})`))))
  })

const rawClient = (hosts: string) =>
  new Promise<zookeeper.Client>((ok) => {
    const client = zookeeper.createClient(hosts, { sessionTimeout: 10_000 })
    client.once("connected", () => ok(client))
    client.connect()
  })

const main = async () => {
  const own = values.zk ?? process.env["PVC_TEST_ZK"]
  const server = own === undefined ? startZooKeeper() : { hosts: own, stop: () => {} }
  const chroot = `/pvc-bench-mirror-${process.pid}`
  const hosts = parseCoordinators(server.hosts).coordinators
  const scope = await Effect.runPromise(Scope.make())
  try {
    const setup = await rawClient(hosts.join(","))
    await new Promise<void>((ok, ko) => setup.mkdirp(chroot, (e) => (e ? ko(e) : ok())))
    setup.close()
    const config = { coordinators: hosts, chroot, sessionTimeout: 10_000, requestTimeout: 5_000 }
    await reseed(`${server.hosts}${chroot}`, vms)
    const started = performance.now()
    const { mirror } = await Effect.runPromise(
      makeClusterStoreWithMirror(await Effect.runPromise(makeZkClient(config).pipe(Scope.provide(scope))), {
        selfCheckInterval: 0
      }).pipe(Scope.provide(scope))
    )
    console.log(`${vms} VMs, ${nodes} nodes: first load ${(performance.now() - started).toFixed(0)} ms, ${mirror.dump().size} znodes`)
    const reader = await rawClient(hosts.join(",") + chroot)
    const figures: Array<number> = []
    for (let round = 1; round <= rounds; round++) {
      const { wipeStart, writesDone } = await reseed(`${server.hosts}${chroot}`, vms + round)
      // The mirror changes only while reads are pending: the moment it last became idle before a
      // fresh read that it equals is when it converged.
      let idleSince: number | undefined = mirror.idle() ? writesDone : undefined
      const sampler = setInterval(() => {
        if (!mirror.idle()) idleSince = undefined
        else idleSince ??= performance.now()
      }, 1)
      let millis: number | undefined
      let left: Array<string> = []
      while (millis === undefined) {
        const since = idleSince
        if (since !== undefined && mirror.idle()) {
          left = differences(mirror, await freshRead(reader))
          if (left.length === 0 && idleSince === since) millis = Math.max(0, since - writesDone)
        }
        if (performance.now() - writesDone > 30_000) throw new Error(`no convergence within 30 s:\n  ${left.join("\n  ")}`)
        if (millis === undefined) await new Promise((r) => setTimeout(r, 1))
      }
      clearInterval(sampler)
      figures.push(millis)
      console.log(
        `round ${round}: cli.ts seed --force ran ${(writesDone - wipeStart).toFixed(0)} ms; mirror equal to ZooKeeper ${millis.toFixed(1)} ms after the last write (${mirror.dump().size} znodes)`
      )
    }
    const sorted = [...figures].sort((a, b) => a - b)
    console.log(`convergence after wipe+reseed: median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`)
    reader.close()
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    server.stop()
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error)
  process.exit(1)
})
