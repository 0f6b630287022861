import type { ClusterStore } from "@pvc/core"
import { Effect, Layer } from "effect"
import zookeeper from "node-zookeeper-client"
import { layer } from "../src/ClusterStoreZk.ts"
import { layerConfig, parseCoordinators, type ZkConfigShape } from "../src/ZkConfig.ts"

/** The test ZooKeeper (scripts/zookeeper.sh via scripts/test.sh); integration tests hard-fail without it. */
export const testZk = (): string => {
  const value = process.env["PVC_TEST_ZK"]
  if (value === undefined || value === "") {
    throw new Error("PVC_TEST_ZK is not set: run the tests through scripts/test.sh, or `scripts/zookeeper.sh start <dir>` and export PVC_TEST_ZK")
  }
  return value
}

let counter = 0

/** A plain client on the test server (no chroot), connected. */
export const rawClient = (chroot = "", hosts = parseCoordinators(testZk()).coordinators.join(",")): Promise<zookeeper.Client> =>
  new Promise((resolve, reject) => {
    const client = zookeeper.createClient(hosts + chroot, { sessionTimeout: 10_000 })
    const timer = setTimeout(() => reject(new Error(`cannot connect to ZooKeeper at ${testZk()}`)), 15_000)
    client.once("connected", () => {
      clearTimeout(timer)
      resolve(client)
    })
    client.connect()
  })

/** A fresh, empty chroot for one test. */
export const freshChroot = async (): Promise<string> => {
  const chroot = `/pvc-test-${process.pid}-${Date.now()}-${++counter}`
  const client = await rawClient()
  await new Promise<void>((resolve, reject) =>
    client.mkdirp(chroot, (error) => (error ? reject(error) : resolve()))
  )
  client.close()
  return chroot
}

export const configFor = (chroot: string, overrides: Partial<ZkConfigShape> = {}): ZkConfigShape => ({
  coordinators: parseCoordinators(testZk()).coordinators,
  chroot,
  sessionTimeout: 6_000,
  requestTimeout: 3_000,
  initialLoadTimeout: 15_000,
  ...overrides
})

/** A ClusterStore on a fresh empty chroot. */
export const freshStoreLayer = (overrides: Partial<ZkConfigShape> = {}): Layer.Layer<ClusterStore, unknown> =>
  Layer.unwrap(
    Effect.map(Effect.promise(freshChroot), (chroot) => layer.pipe(Layer.provide(layerConfig(configFor(chroot, overrides)))))
  )

/** Promise-style helpers on a raw client, for writing "node daemon" keys directly. */
export const zkRaw = (client: zookeeper.Client) => ({
  get: (path: string) =>
    new Promise<{ data: string; version: number } | undefined>((resolve, reject) =>
      client.getData(path, (error, data, stat) => {
        if (error) return (error as zookeeper.Exception).code === zookeeper.Exception.NO_NODE ? resolve(undefined) : reject(error)
        resolve({ data: data ? data.toString("utf8") : "", version: stat.version })
      })
    ),
  set: (path: string, value: string) =>
    new Promise<void>((resolve, reject) =>
      client.setData(path, Buffer.from(value), (error) => (error ? reject(error) : resolve()))
    ),
  remove: (path: string) =>
    new Promise<void>((resolve, reject) => client.remove(path, (error) => (error ? reject(error) : resolve()))),
  children: (path: string) =>
    new Promise<ReadonlyArray<string>>((resolve, reject) =>
      client.getChildren(path, (error, children) => (error ? reject(error) : resolve(children)))
    ),
  /** One transaction creating every key (parents first), like the daemons' writedata helper. */
  create: (entries: ReadonlyArray<readonly [string, string]>) =>
    new Promise<void>((resolve, reject) => {
      const tx = client.transaction()
      for (const [path, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) tx.create(path, Buffer.from(value))
      tx.commit((error) => (error ? reject(error) : resolve()))
    }),
  /** Every key below `path` with its value, sorted. */
  dump: async function dump(path: string): Promise<Array<readonly [string, string]>> {
    const self = zkRaw(client)
    const node = await self.get(path)
    if (node === undefined) return []
    const children = await self.children(path)
    const below = await Promise.all(children.map((c) => dump(`${path === "/" ? "" : path}/${c}`)))
    return [[path, node.data] as const, ...below.flat()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  }
})
