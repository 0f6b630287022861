import { dirname } from "node:path"
import { Duration, Effect, Layer } from "effect"
import { layer as clusterStoreLayer, layerConfig, layerZkClient, parseCoordinators } from "@pvc/adapters-zk"
import * as CephCli from "../src/CephCli.ts"
import { commandProvisioner } from "../src/CephOps.ts"
import * as Zk from "../src/ZkOps.ts"

/** Integration tests hard-fail without their services (scripts/ceph.sh up, scripts/zookeeper.sh start). */
const required = (name: string): string => {
  const value = process.env[name]
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: start the test services (scripts/ceph.sh up <dir>, scripts/zookeeper.sh start <dir>) and export it`)
  }
  return value
}

export const cephConf = () => required("PVC_TEST_CEPH_CONF")
export const zkHosts = () => parseCoordinators(required("PVC_TEST_ZK")).coordinators.join(",")
export const repoRoot = new URL("../../..", import.meta.url).pathname

/**
 * adapters-zk's client on `hosts` (`host:port[,...][/chroot]`), with short test timeouts, once it
 * has connected (its requests fail fast before that).
 */
export const zkLayer = (hosts: string, sessionTimeout = 6_000) =>
  Layer.effectDiscard(Zk.connected).pipe(
    Layer.provideMerge(layerZkClient.pipe(Layer.provide(layerConfig({ ...parseCoordinators(hosts), sessionTimeout, requestTimeout: 3_000 }))))
  )

export const cliLayer = () => CephCli.layer({ conf: cephConf(), timeout: Duration.seconds(60) })

/** OSDs of the test cluster are memstore daemons started by scripts/ceph.sh. */
export const testProvisioner = () => {
  const dir = dirname(cephConf())
  return commandProvisioner(
    [`${repoRoot}scripts/ceph.sh`, "osd-add", dir],
    [`${repoRoot}scripts/ceph.sh`, "osd-stop", dir]
  )
}

let counter = 0

/** zk-layout §1 `pvc init` keys, plus `/primary_node` naming the test node. */
const initKeys = (primary: string): ReadonlyArray<readonly [string, string]> => [
  ["/nodes", ""], ["/primary_node", primary], ["/domains", ""], ["/networks", ""], ["/ceph", ""],
  ["/ceph/osds", ""], ["/ceph/pools", ""], ["/ceph/volumes", ""], ["/ceph/snapshots", ""]
]

/** A fresh chroot holding an initialised cluster; returns the `host:port/chroot` string. */
export const freshCluster = (primary = "hv1") =>
  Effect.gen(function*() {
    const chroot = `/pvc-ceph-test-${process.pid}-${Date.now()}-${++counter}`
    yield* Zk.resilient(Zk.ensure(chroot)).pipe(Effect.provide(zkLayer(zkHosts())))
    const hosts = zkHosts() + chroot
    yield* Zk.resilient(Zk.writeData(initKeys(primary))).pipe(Effect.provide(zkLayer(hosts)))
    return { hosts, chroot }
  })

export const storeLayer = (chroot: string) =>
  clusterStoreLayer.pipe(Layer.provide(layerConfig({ coordinators: zkHosts().split(","), chroot })))
