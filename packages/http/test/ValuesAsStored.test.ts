import { StoredText } from "@pvc/core"
import { demoCluster, makeCephReport, makeNetwork, makeVm } from "@pvc/testkit"
import { afterEach, assert, describe, it } from "@effect/vitest"
import { pythonRstrip } from "../src/views/StorageView.ts"
import { type Api, call, startApi } from "./support/Harness.ts"
import { expectOk, getJson } from "./support/Routes.ts"

// zk-layout §9: the JSON types the original API answers, which its HTTP clients parse.

const memoryXml = (name: string, uuid: string, memory: string) =>
  `<domain type='kvm'><name>${name}</name><uuid>${uuid}</uuid>${memory}<vcpu>1</vcpu>` +
  `<os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>` +
  `<devices><emulator>/usr/bin/kvm</emulator><console type='pty'/></devices></domain>`

const memoryVms = [
  ["mib", "<memory unit='MiB'>2048</memory>", "2048"],
  ["nounit", "<memory>2097152</memory>", "2097152"],
  ["kib", "<memory unit='KiB'>2098175</memory>", 2048],
  ["gib", "<memory unit='GiB'>3</memory>", 3072]
] as const

const uuidOf = (i: number) => `00000000-0000-4000-8000-00000000000${i}`

const entities = () => [
  ...demoCluster().filter((e) => e._tag !== "CephReport"),
  makeCephReport("  cluster:\n    health: HEALTH_OK\n\n \t\n", "POOL USED\nvms 1G\n\n"),
  ...memoryVms.map(([name, memory], i) => makeVm(name, uuidOf(i), "hv1", { xml: memoryXml(name, uuidOf(i), memory) })),
  // Written by another tool: a text VNI key, a nettype naming neither type, a state the API never writes.
  makeNetwork("legacy", "oldnet", { type: StoredText.make("vxlan-ish") }),
  makeVm("odd", uuidOf(9), "hv1", { state: StoredText.make("paused") })
]

describe("values as the original API returns them", () => {
  let api: Api
  afterEach(() => api.close())

  it("network vni and ACL order are JSON strings", async () => {
    api = await startApi({ entities: entities() })
    const networks = (await getJson(api, "/api/v1/network")) as Array<Record<string, unknown>>
    for (const network of networks) assert.isString(network["vni"])
    assert.deepStrictEqual(networks.map((n) => n["vni"]), ["100", "200", "legacy"])
    const acls = (await getJson(api, "/api/v1/network/cluster-net/acl")) as Array<Record<string, unknown>>
    assert.isAbove(acls.length, 0)
    for (const acl of acls) assert.isString(acl["order"])
  })

  it("VM memory: the text for MiB and without a unit, whole MiB (rounded down) for KiB and GiB", async () => {
    api = await startApi({ entities: entities() })
    for (const [name, , expected] of memoryVms) {
      const [vm] = (await getJson(api, `/api/v1/vm/${name}`)) as Array<Record<string, unknown>>
      assert.strictEqual(vm!["memory"], expected, name)
    }
  })

  it("ceph_data is the stored text with trailing whitespace stripped", async () => {
    api = await startApi({ entities: entities() })
    const status = (await getJson(api, "/api/v1/storage/ceph")) as Record<string, unknown>
    assert.strictEqual(status["ceph_data"], "  cluster:\n    health: HEALTH_OK")
    const df = (await getJson(api, "/api/v1/storage/ceph/df")) as Record<string, unknown>
    assert.strictEqual(df["ceph_data"], "POOL USED\nvms 1G")
  })

  it("GET /api/v1/storage answers a message, without authentication like the original", async () => {
    api = await startApi({
      entities: entities(),
      config: { auth: { enabled: true, secretKey: "k", tokens: [{ description: "", token: "t0ken" }] } }
    })
    const reply = await call(api, "GET", "/api/v1/storage")
    assert.strictEqual(reply.status, 200)
    assert.deepStrictEqual(reply.body, { message: "Manage the storage of the PVC cluster." })
    assert.strictEqual((await call(api, "GET", "/api/v1/storage/ceph")).status, 401)
  })

  it("entities with values the API never writes are listed as stored", async () => {
    api = await startApi({ entities: entities() })
    const [legacy] = (await getJson(api, "/api/v1/network/oldnet")) as Array<Record<string, unknown>>
    assert.strictEqual(legacy!["vni"], "legacy")
    assert.strictEqual(legacy!["type"], "vxlan-ish")
    assert.deepStrictEqual(await getJson(api, "/api/v1/network/legacy"), [legacy])
    const [odd] = (await getJson(api, "/api/v1/vm/odd")) as Array<Record<string, unknown>>
    assert.strictEqual(odd!["state"], "paused")
    assert.include((await getJson(api, "/api/v1/vm") as Array<Record<string, unknown>>).map((v) => v["name"]), "odd")
    // Its ACLs work like any other network's.
    await expectOk(api, "/api/v1/network/oldnet/acl/allow-ssh/add", { direction: "in", rule: "tcp dport 22 accept" })
    assert.deepStrictEqual(
      ((await getJson(api, "/api/v1/network/legacy/acl")) as Array<Record<string, unknown>>).map((a) => a["description"]),
      ["allow-ssh"]
    )
  })
})

describe("ceph_data", () => {
  it("rstrip strips exactly Python's whitespace", () => {
    assert.strictEqual(pythonRstrip("ok \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0\u2003\u3000"), "ok")
    assert.strictEqual(pythonRstrip("ok\ufeff"), "ok\ufeff")
    assert.strictEqual(pythonRstrip("  inner  space\n"), "  inner  space")
    assert.strictEqual(pythonRstrip(" \n "), "")
  })
})

describe("ACL order beyond ten rules", () => {
  let api: Api
  afterEach(() => api.close())

  it("twelve rules in one direction: the list shows the daemons' string order, which is the intended order", async () => {
    api = await startApi({ entities: demoCluster().filter((e) => e._tag !== "Acl") })
    const intended: Array<string> = []
    for (let i = 0; i < 12; i++) {
      await expectOk(api, `/api/v1/network/cluster-net/acl/rule${i}/add`, { direction: "in", rule: `tcp dport ${1000 + i} accept` })
      intended.push(`rule${i}`)
    }
    // Insert at position 2, then remove one: every write keeps string order == intended order.
    await expectOk(api, "/api/v1/network/cluster-net/acl/early/add", { direction: "in", rule: "icmp accept", order: "2" })
    intended.splice(2, 0, "early")
    await expectOk(api, "/api/v1/network/cluster-net/acl/rule5/remove")
    intended.splice(intended.indexOf("rule5"), 1)
    const listed = (await getJson(api, "/api/v1/network/cluster-net/acl?direction=in")) as Array<Record<string, string>>
    assert.deepStrictEqual(listed.map((a) => a["description"]), intended)
    const orders = listed.map((a) => a["order"]!)
    assert.deepStrictEqual(orders, [...orders].sort(), "string order of the stored values")
    assert.deepStrictEqual(orders, intended.map((_, i) => String(i).padStart(2, "0")))
  })
})
