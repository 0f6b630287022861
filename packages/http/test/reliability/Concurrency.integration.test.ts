import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { testZk } from "../../../adapters-zk/test/support.ts"
import { run, type Run, waitFor, writeConfig } from "../support/Process.ts"
import { dumpChroot, json, type RawReply, seededChroot, send, treeProblems } from "./support.ts"

/** Two API processes on the same ZooKeeper chroot: concurrent writers that share nothing but ZooKeeper. */
let chroot: string
const apis: Array<Run> = []
const urls: Array<string> = []
beforeAll(async () => {
  chroot = await seededChroot(["--nodes", "3", "--coordinators", "3", "--vms", "4"])
  const hosts = testZk().split(",")
  const config = writeConfig(
    `pvc:\n  coordinators:\n${hosts.map((h, i) => `    - ${h}${i === hosts.length - 1 ? chroot : ""}`).join("\n")}\n` +
      "  api:\n    listen_address: 127.0.0.1\n    listen_port: 0\n"
  )
  for (let i = 0; i < 2; i++) apis.push(run(["--config", config], { PVC_LOG_LEVEL: "Info" }))
  for (const api of apis) urls.push((await waitFor(api, /message=listening address=(\S+)/))[1]!)
}, 120_000)
afterAll(() => apis.forEach((a) => a.child.kill("SIGTERM")))

const post = (i: number, path: string, values: Record<string, string> = {}) =>
  send(urls[i % 2]!, "POST", path, { body: new URLSearchParams(values).toString(), agent: false, timeoutMs: 30_000 })

interface VmView {
  readonly state: string
  readonly node: string
  readonly last_node: string
}
const vmOn = async (i: number, name: string) => (json((await send(urls[i]!, "GET", `/api/v1/vm/${name}`)).text) as Array<VmView>)[0]!

describe("concurrent conflicting requests, two API processes, one ZooKeeper", () => {
  it("100 mixed VM requests on one VM end in a state some acknowledged request produced", async () => {
    const vm = "vm00001"
    const OPS: ReadonlyArray<readonly [string, Record<string, string>]> = [
      ["migrate", { node: "hv2" }], ["migrate", { node: "hv3" }], ["migrate", { node: "hv2", flag_force: "" }], ["unmigrate", {}],
      ["move", { node: "hv2" }], ["move", { node: "hv3" }], ["move", { node: "hv1" }], ["start", {}], ["stop", {}]
    ]
    const before = await vmOn(0, vm)
    const requests = Array.from({ length: 100 }, (_, i) => OPS[(i * 7) % OPS.length]!)
    const replies = await Promise.all(requests.map(([op, values], i) => post(i, `/api/v1/vm/${vm}/${op}`, values)))
    const acked = requests.filter((_, i) => replies[i]!.status === 200)
    const statuses = replies.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {})
    assert.isTrue(replies.every((r) => r.status === 200 || r.status === 510), JSON.stringify(statuses))
    const [a, b] = [await vmOn(0, vm), await vmOn(1, vm)]
    console.log(`concurrency: vm ${JSON.stringify(statuses)} final ${JSON.stringify(a)}`)
    // Both processes' mirrors converge on the same answer.
    for (let t = 0; t < 50 && JSON.stringify(await vmOn(1, vm)) !== JSON.stringify(a); t++) await new Promise((r) => setTimeout(r, 100))
    assert.deepStrictEqual(await vmOn(1, vm), a, `process 2 saw ${JSON.stringify(b)}`)
    // The final placement and state were produced by some acknowledged request (nothing invented, nothing torn).
    const placedBy = acked.filter(([op, v]) => (op === "migrate" || op === "move") && v["node"] === a.node)
    if (a.node !== before.node) assert.isAbove(placedBy.length + acked.filter(([op]) => op === "unmigrate").length, 0, "node from an acked request")
    if (a.last_node !== "") {
      assert.notStrictEqual(a.last_node, a.node, "a migrated VM's last node differs from its node")
      assert.isTrue(acked.some(([op]) => op === "migrate"), "last_node only after an acked migrate")
    }
    if (a.state !== before.state) {
      const wanted = a.state === "stop" ? ["stop"] : a.state === "migrate" ? ["migrate", "unmigrate", "move"] : ["start", "migrate", "unmigrate", "move"]
      assert.isTrue(acked.some(([op]) => wanted.includes(op)), `state ${a.state} from an acked request`)
    }
    assert.deepStrictEqual(treeProblems(await dumpChroot(chroot)), [])
  }, 120_000)

  it("100 concurrent ACL adds (empty direction, random positions) and removes keep every acknowledged add, orders 0..n-1", async () => {
    const vni = (json((await send(urls[0]!, "GET", "/api/v1/network")).text) as Array<{ vni: string }>)[0]!.vni
    const adds = Array.from({ length: 80 }, (_, i) => ({ description: `conc-${i}`, order: String((i * 37) % 11) }))
    const replies: Array<RawReply> = await Promise.all([
      ...adds.map((a, i) => post(i, `/api/v1/network/${vni}/acl/${a.description}/add`, { direction: "out", rule: `rule ${i}`, order: a.order })),
      ...Array.from({ length: 20 }, (_, i) => post(i, `/api/v1/network/${vni}/acl/conc-${i * 4}/remove`, { direction: "out" }))
    ])
    const addedOk = adds.filter((_, i) => replies[i]!.status === 200).map((a) => a.description)
    const removedOk = new Set(Array.from({ length: 20 }, (_, i) => `conc-${i * 4}`).filter((_, i) => replies[80 + i]!.status === 200))
    const statuses = replies.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {})
    assert.isTrue(replies.every((r) => r.status === 200 || r.status === 510), JSON.stringify(statuses))
    await new Promise((r) => setTimeout(r, 500))
    for (const i of [0, 1]) {
      const acls = (json((await send(urls[i]!, "GET", `/api/v1/network/${vni}/acl?direction=out`)).text) as Array<{ description: string; order: string }>)
        .filter((a) => a.description.startsWith("conc-"))
      const present = new Set(acls.map((a) => a.description))
      console.log(`concurrency: acl ${JSON.stringify(statuses)} acked adds ${addedOk.length}, acked removes ${removedOk.size}, present ${present.size}`)
      // No acknowledged write lost: every acked add is there unless an acked remove took it away.
      for (const d of addedOk) if (!removedOk.has(d)) assert.isTrue(present.has(d), `acked add ${d} lost (process ${i + 1})`)
      for (const d of removedOk) assert.isFalse(present.has(d), `acked remove ${d} lost (process ${i + 1})`)
      for (const d of present) assert.include(addedOk, d, `${d} present without an acked add`)
      // A serial order of inserts and removals renumbers 0..n-1: no duplicate or missing position; the
      // list is in the daemons' string order, which the zero-padded values make the position order.
      const all = (json((await send(urls[i]!, "GET", `/api/v1/network/${vni}/acl?direction=out`)).text) as Array<{ order: string }>)
      assert.deepStrictEqual(all.map((a) => Number(a.order)), all.map((_, k) => k), `orders (process ${i + 1})`)
      assert.deepStrictEqual(all.map((a) => a.order), all.map((a) => a.order).sort(), `string order (process ${i + 1})`)
    }
    assert.deepStrictEqual(treeProblems(await dumpChroot(chroot)), [])
  }, 120_000)

  it("concurrent reservations of one IP with different MACs: at most one is acknowledged", async () => {
    const networks = json((await send(urls[0]!, "GET", "/api/v1/network")).text) as Array<{ vni: string; ip4: { network: string } }>
    const net = networks.find((n) => n.ip4.network !== "None" && n.ip4.network !== null) ?? networks[0]!
    const prefix = String(net.ip4.network).split("/")[0]!.split(".").slice(0, 3).join(".")
    const ip = `${prefix}.250`
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      post(i, `/api/v1/network/${net.vni}/dhcp/52:54:00:cc:00:${i.toString(16).padStart(2, "0")}/add`, { ipaddress: ip, hostname: `h${i}` })))
    const ok = replies.filter((r) => r.status === 200).length
    console.log(`concurrency: reservations of ${ip}: ${ok} acknowledged of 20 (${replies.map((r) => r.status).join(",")})`)
    assert.isAtMost(ok, 1, replies.map((r) => r.text).join("\n").slice(0, 1_000))
    const held = (json((await send(urls[0]!, "GET", `/api/v1/network/${net.vni}/dhcp?flag_static`)).text) as Array<{ ip4_address: string }>)
      .filter((l) => l.ip4_address === ip)
    assert.isAtMost(held.length, 1)
  }, 120_000)
})
