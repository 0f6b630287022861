// Latency of Ceph routes in direct mode vs the bare Ceph CLI (run through bench/ceph-latency.ts).
import { execFileSync } from "node:child_process"
import { Duration, Effect, Layer } from "effect"
import { CephCommand, CephStorage, PoolName } from "@pvc/core"
import * as CephCli from "./CephCli.ts"
import { commandProvisioner } from "./CephOps.ts"
import * as DirectStorage from "./DirectStorage.ts"
import { layerConfig, layerZkClient, parseCoordinators } from "@pvc/adapters-zk"
import * as Zk from "./ZkOps.ts"

const conf = process.env["PVC_TEST_CEPH_CONF"] ?? ""
const zk = process.env["PVC_TEST_ZK"] ?? ""
if (conf === "" || zk === "") throw new Error("set PVC_TEST_CEPH_CONF and PVC_TEST_ZK")

const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`
const cli = (args: Array<string>) => {
  const t0 = performance.now()
  execFileSync("ceph", ["--conf", conf, ...args], { stdio: "ignore" })
  return ms(t0)
}

const chroot = `/pvc-bench-${Date.now()}`
const zkLayer = (hosts: string) =>
  Layer.effectDiscard(Zk.connected).pipe(Layer.provideMerge(layerZkClient.pipe(Layer.provide(layerConfig(parseCoordinators(hosts))))))
await Effect.runPromise(Zk.resilient(Zk.writeData(
  ["", "/ceph", "/ceph/osds", "/ceph/pools", "/ceph/volumes", "/ceph/snapshots"].map((k) => [`${chroot}${k}`, ""] as const)
)).pipe(Effect.provide(zkLayer(zk))))

const layer = DirectStorage.layerNoDeps({
  provisioner: commandProvisioner(["false"], ["false"]),
  deadlines: { default: Duration.seconds(60) }
}).pipe(Layer.provide([CephCli.layer({ conf, timeout: Duration.seconds(60) }), zkLayer(zk + chroot)]))

const timed = (label: string, c: CephCommand) =>
  Effect.gen(function*() {
    const t0 = performance.now()
    yield* CephStorage.use((s) => s.run(c))
    console.log(`${label.padEnd(28)} route ${ms(t0)}`)
  })

console.log(`bare CLI: ceph osd set noout ${cli(["osd", "set", "noout"])}, unset ${cli(["osd", "unset", "noout"])}`)
const pool = PoolName.make(`bench${Date.now().toString(36)}`)
await Effect.runPromise(Effect.gen(function*() {
  yield* timed("osd set noout", CephCommand.OsdSet({ option: "noout" }))
  yield* timed("osd unset noout", CephCommand.OsdUnset({ option: "noout" }))
  yield* timed("pool add (create+app enable)", CephCommand.PoolAdd({ name: pool, pgs: 8 }))
  yield* timed("pool remove", CephCommand.PoolRemove({ name: pool }))
}).pipe(Effect.provide(layer)))
