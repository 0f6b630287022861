import { assert, describe, it } from "@effect/vitest"
import { CephCommand, CephStorage, PoolName } from "@pvc/core"
import { cephStorageSuite } from "@pvc/testkit"
import { Duration, Effect, Layer } from "effect"
import * as DirectStorage from "../src/DirectStorage.ts"
import { cliLayer, freshCluster, storeLayer, testProvisioner, zkLayer } from "./support.ts"

const cluster = await Effect.runPromise(freshCluster())

const direct = DirectStorage.layerNoDeps({
  provisioner: testProvisioner(),
  deadlines: { default: Duration.seconds(60), osd: Duration.seconds(300) }
}).pipe(Layer.provide([cliLayer(), zkLayer(cluster.hosts)]))

cephStorageSuite("direct mode, real Ceph + ZooKeeper", Layer.merge(direct, storeLayer(cluster.chroot)))

describe("direct mode failures", () => {
  it.live("a Ceph refusal carries Ceph's own reason", () =>
    Effect.gen(function*() {
      const storage = yield* CephStorage
      const error = yield* storage.run(CephCommand.PoolRemove({ name: PoolName.make("no-such-pool") })).pipe(Effect.flip)
      assert.strictEqual(error._tag, "CephCommandFailed")
      assert.include(error._tag === "CephCommandFailed" ? error.reason : "", "does not exist")
    }).pipe(Effect.provide(direct)))

  it.live("a command that outlives its deadline fails with CephCommandTimedOut", () =>
    Effect.gen(function*() {
      const storage = yield* CephStorage
      const error = yield* storage.run(CephCommand.PoolAdd({ name: PoolName.make("slowpool"), pgs: 8 })).pipe(Effect.flip)
      assert.strictEqual(error._tag, "CephCommandTimedOut")
    }).pipe(
      Effect.provide(DirectStorage.layerNoDeps({ provisioner: testProvisioner(), deadlines: { default: Duration.millis(1) } }).pipe(
        Layer.provide([cliLayer(), zkLayer(cluster.hosts)])
      ))
    ))
})
