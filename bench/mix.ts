/*
 * The mutating mix: each load-generator connection owns a disjoint shard of running, non-migrated VMs
 * and cycles each of them through migrate → unmigrate → stop → start, counting the acknowledged ops
 * per VM. Afterwards ZooKeeper is read directly: every VM's state/node/lastnode must be what its
 * acknowledged count implies, or a write was lost.
 */
import { createRequire } from "node:module"
import type * as Zk from "node-zookeeper-client"
import type { CannonClient, CannonRequest } from "./run.ts"

const require = createRequire(import.meta.url)
const zookeeper = require("node-zookeeper-client") as typeof Zk

interface MixVm {
  readonly name: string
  readonly uuid: string
  readonly home: string
  readonly target: string
  acked: number
  /** Sent without an answer when the load stopped: its op may or may not have been applied. */
  inFlight: boolean
}

export interface MixPlan {
  readonly vmCount: number
  readonly vms: ReadonlyArray<MixVm>
  /** Only a placeholder: `setupClient` gives each connection its shard's request. */
  readonly requests: ReadonlyArray<CannonRequest>
  readonly setupClient: (client: CannonClient) => void
}

interface Expected {
  readonly state: string
  readonly node: string
  readonly lastnode: string
}

const opPath = (vm: MixVm, step: number): string => {
  switch (step % 4) {
    case 0:
      return `/api/v1/vm/${vm.name}/migrate?node=${vm.target}`
    case 1:
      return `/api/v1/vm/${vm.name}/unmigrate`
    case 2:
      return `/api/v1/vm/${vm.name}/stop`
    default:
      return `/api/v1/vm/${vm.name}/start`
  }
}

/** What ZooKeeper must hold after `acked` acknowledged ops of the cycle. */
const expected = (vm: MixVm, acked: number): Expected => {
  switch (acked % 4) {
    case 0:
      return { state: "start", node: vm.home, lastnode: "" }
    case 1:
      return { state: "migrate", node: vm.target, lastnode: vm.home }
    case 2:
      return { state: "migrate", node: vm.home, lastnode: "" }
    default:
      return { state: "stop", node: vm.home, lastnode: "" }
  }
}

const getJson = async <A>(url: string): Promise<A> => {
  const res = await fetch(url)
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`)
  return await res.json() as A
}

const VMS_PER_CONNECTION = 64

export const mutatingMix = async (url: string, _nodes: number, connections: number): Promise<MixPlan> => {
  const nodes = (await getJson<ReadonlyArray<{ name: string }>>(`${url}/api/v1/node`)).map((n) => n.name).sort()
  const listed = await getJson<ReadonlyArray<{ name: string; uuid: string; state: string; node: string; last_node: string }>>(
    `${url}/api/v1/vm`
  )
  // A bounded set, so that every VM goes through several full cycles during the load.
  const vms: Array<MixVm> = listed
    .filter((v) => v.state === "start" && v.last_node === "")
    .slice(0, VMS_PER_CONNECTION * connections)
    .map((v) => ({
      name: v.name,
      uuid: v.uuid,
      home: v.node,
      target: nodes[(nodes.indexOf(v.node) + 1) % nodes.length]!,
      acked: 0,
      inFlight: false
    }))
  const shards: Array<Array<MixVm>> = Array.from({ length: connections }, () => [])
  vms.forEach((vm, i) => shards[i % connections]!.push(vm))
  // autocannon resets a connection's context after each pass over its requests, so each connection
  // gets its own request whose closure walks its shard.
  const shardRequest = (shard: ReadonlyArray<MixVm>): CannonRequest => {
    let next = 0
    let current: MixVm | undefined
    return {
      method: "POST",
      setupRequest: (req) => {
        current = shard[next++ % shard.length]!
        current.inFlight = true
        return { ...req, path: opPath(current, current.acked) }
      },
      onResponse: (status) => {
        if (current === undefined) return
        current.inFlight = false
        if (status >= 200 && status < 300) current.acked += 1
      }
    }
  }
  let assigned = 0
  const setupClient = (client: CannonClient) => client.setRequests([shardRequest(shards[assigned++ % connections]!)])
  return { vmCount: vms.length, vms, requests: [{ method: "POST", path: opPath(vms[0]!, 0) }], setupClient }
}

const read = (client: Zk.Client, path: string) =>
  new Promise<string>((res, rej) =>
    client.getData(path, (error, data) => (error ? rej(error) : res(data === undefined || data === null ? "" : data.toString("utf8"))))
  )

export const checkWrites = async (hosts: string, plan: MixPlan): Promise<{ acknowledged: number; lost: ReadonlyArray<string> }> => {
  const client = zookeeper.createClient(hosts)
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`cannot connect to ZooKeeper at ${hosts}`)), 15_000)
    client.once("connected", () => {
      clearTimeout(timer)
      res()
    })
    client.connect()
  })
  try {
    const lost: Array<string> = []
    await Promise.all(plan.vms.map(async (vm) => {
      const base = `/domains/${vm.uuid}`
      const [state, node, lastnode] = await Promise.all([read(client, `${base}/state`), read(client, `${base}/node`), read(client, `${base}/lastnode`)])
      const want = expected(vm, vm.acked)
      const same = (e: Expected) => state === e.state && node === e.node && lastnode === e.lastnode
      // An op cut off by the end of the load has an unknown outcome: either count is right.
      if (!same(want) && !(vm.inFlight && same(expected(vm, vm.acked + 1)))) {
        lost.push(
          `${vm.name} after ${vm.acked} acked ops: want ${JSON.stringify(want)}, ZooKeeper has ${JSON.stringify({ state, node, lastnode })}`
        )
      }
    }))
    return { acknowledged: plan.vms.reduce((n, vm) => n + vm.acked, 0), lost }
  } finally {
    client.close()
  }
}
