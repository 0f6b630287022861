/*
 * Load/throughput probe of the ZooKeeper store (not a test):
 *   node packages/adapters-zk/test/LoadBench.ts <host:port[/chroot]> [commits]
 * on a seeded cluster (`cli.ts seed --vms 10000`). Prints initial load time, RSS, snapshot
 * latency and the rate of sequential and concurrent VM state commits.
 */
import { ClusterStore, put, Vm } from "@pvc/core"
import { Effect, Layer } from "effect"
import { layer } from "../src/ClusterStoreZk.ts"
import { layerConfig, parseCoordinators } from "../src/ZkConfig.ts"

const target = process.argv[2] ?? process.env["PVC_TEST_ZK"] ?? "127.0.0.1:2181"
const commits = Number(process.argv[3] ?? 2000)
const { coordinators, chroot } = parseCoordinators(target)
const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`

const program = Effect.gen(function*() {
  const store = yield* ClusterStore
  let snap = yield* store.snapshot
  console.log(`loaded ${snap.vms.size} VMs, ${snap.nodes.size} nodes in ${Date.now() - started} ms; rss ${mib(process.memoryUsage().rss)}`)
  const t0 = performance.now()
  for (let i = 0; i < 100; i++) snap = yield* store.snapshot
  console.log(`snapshot: ${((performance.now() - t0) / 100).toFixed(3)} ms each (cached)`)
  const vms = [...snap.vms.values()]
  const flip = (vm: Vm) => new Vm({ ...fields(vm), state: vm.state === "start" ? "stop" : "start" })
  const one = (i: number) =>
    Effect.gen(function*() {
      for (let attempt = 0; attempt < 8; attempt++) {
        const base = yield* store.snapshot
        const vm = base.vms.get(vms[i % vms.length]!.uuid)!
        const ok = yield* store.commit({ base, changes: [put(flip(vm))], guards: [] }).pipe(
          Effect.as(true),
          Effect.catchTag("StaleSnapshot", () => Effect.succeed(false))
        )
        if (ok) return
      }
    })
  let t = performance.now()
  for (let i = 0; i < commits / 4; i++) yield* one(i)
  console.log(`sequential commits: ${Math.round((commits / 4) / ((performance.now() - t) / 1000))}/s`)
  t = performance.now()
  yield* Effect.forEach(Array.from({ length: commits }, (_, i) => i), one, { concurrency: 64, discard: true })
  console.log(`concurrent commits (64 in flight): ${Math.round(commits / ((performance.now() - t) / 1000))}/s`)
  t = performance.now()
  const after = yield* store.snapshot
  console.log(`snapshot after writes: ${(performance.now() - t).toFixed(1)} ms (${after.vms.size} VMs); rss ${mib(process.memoryUsage().rss)}`)
})

const fields = (vm: Vm) => {
  const { _tag, ...rest } = vm
  return rest
}

const started = Date.now()
Effect.runPromise(
  program.pipe(Effect.provide(layer.pipe(Layer.provide(layerConfig({ coordinators, chroot, initialLoadTimeout: 120_000 })))))
).then(() => process.exit(0), (e) => {
  console.error(e)
  process.exit(1)
})
