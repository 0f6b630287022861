import { demoCluster, domainXml, makeVm } from "@pvc/testkit"
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { type Api, call, startApi } from "./support/Harness.ts"
import { expectFailure, expectOk, getJson, names } from "./support/Routes.ts"

const NEW_UUID = "11111111-2222-4333-8444-555555555555"
const newXml = (name = "new1", uuid = NEW_UUID) => domainXml({ name, uuid, memoryMiB: 1024, vcpus: 1 })

type VmJson = Record<string, unknown>
const vm = async (api: Api, ref: string): Promise<VmJson> => {
  const [found] = (await getJson(api, `/api/v1/vm/${ref}`)) as Array<VmJson>
  assert.isDefined(found)
  return found!
}

describe("VM routes", () => {
  let api: Api
  beforeEach(async () => {
    api = await startApi({ entities: demoCluster() })
  })
  afterEach(() => api.close())

  it("GET /vm lists VMs sorted by name with the zk-layout §3 fields", async () => {
    const body = await getJson(api, "/api/v1/vm")
    assert.deepStrictEqual(names(body), ["build1", "db1", "legacy1", "mail1", "proxy1", "web1", "web2"])
    const build1 = (body as Array<VmJson>)[0]!
    assert.strictEqual(build1["migrated"], "from hv2")
    assert.strictEqual(build1["last_node"], "hv2")
    assert.strictEqual(build1["memory"], "4096")
    assert.strictEqual(build1["vcpu_topology"], "2/2/1")
    assert.isArray(build1["disks"])
  })

  it("GET /vm filters by limit (name or UUID), node and state; bad filters are 510", async () => {
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/vm?limit=web")), ["web1", "web2"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/vm?limit=^c0ffee")), ["build1"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/vm?node=hv1&state=stop")), ["mail1"])
    await expectFailure(api, "GET", "/api/v1/vm?node=nope", "Node 'nope' not found.")
    await expectFailure(api, "GET", "/api/v1/vm?state=dancing", "Invalid VM state 'dancing'.")
    await expectFailure(api, "GET", "/api/v1/vm?limit=[", /^Invalid limit/)
  })

  it("GET /vm/<vm> by name or UUID, exact; unknown gives []", async () => {
    assert.strictEqual((await vm(api, "db1"))["uuid"], "3f1a2b4c-5d6e-4f70-8a9b-0c1d2e3f4a33")
    assert.strictEqual((await vm(api, "3f1a2b4c-5d6e-4f70-8a9b-0c1d2e3f4a33"))["name"], "db1")
    assert.deepStrictEqual(await getJson(api, "/api/v1/vm/db"), [])
  })

  it("dump answers the stored XML as application/xml; unknown is 510", async () => {
    const reply = await call(api, "GET", "/api/v1/vm/web1/dump")
    assert.strictEqual(reply.status, 200)
    assert.match(reply.contentType ?? "", /^application\/xml/)
    assert.include(reply.text, "<name>web1</name>")
    await expectFailure(api, "GET", "/api/v1/vm/nope/dump", "VM 'nope' not found.")
  })

  it("define takes the XML from the form body; missing, invalid and duplicate XML are 510", async () => {
    const message = await expectOk(api, "/api/v1/vm/ignored/define", { xml: newXml(), node: "hv2" })
    assert.strictEqual(message, `Added new VM 'new1' with UUID '${NEW_UUID}' on node 'hv2'.`)
    assert.strictEqual((await vm(api, "new1"))["state"], "stop")
    await expectFailure(api, "POST", "/api/v1/vm/x/define", "Missing value 'xml'.")
    await expectFailure(api, "POST", "/api/v1/vm/x/define", /^Invalid libvirt XML/, { xml: "<domain>" })
    await expectFailure(api, "POST", "/api/v1/vm/x/define", `A VM with UUID '${NEW_UUID}' already exists.`, { xml: newXml() })
    await expectFailure(api, "POST", "/api/v1/vm/x/define", "A VM named 'new1' already exists.", {
      xml: newXml("new1", "41111111-2222-4333-8444-555555555555")
    })
    await expectFailure(api, "POST", "/api/v1/vm/x/define", "Node 'nope' not found.", {
      xml: newXml("new2", "21111111-2222-4333-8444-555555555555"),
      node: "nope"
    })
    await expectFailure(api, "POST", "/api/v1/vm/x/define", /^Invalid selector 'fastest'/, {
      xml: newXml("new3", "31111111-2222-4333-8444-555555555555"),
      selector: "fastest"
    })
  })

  it("modify replaces the XML; flag_restart restarts a running VM; the UUID may not change", async () => {
    const xml = domainXml({ name: "web1", uuid: "bd849578-3b6a-4f2e-9d1c-6a7e2f0c4b11", memoryMiB: 4096, vcpus: 4 })
    await expectOk(api, "/api/v1/vm/web1/modify", { xml, flag_restart: "" })
    const web1 = await vm(api, "web1")
    assert.strictEqual(web1["memory"], "4096")
    assert.strictEqual(web1["state"], "restart")
    await expectFailure(api, "POST", "/api/v1/vm/web1/modify", "Missing value 'xml'.")
    await expectFailure(api, "POST", "/api/v1/vm/web1/modify", /^The UUID of VM 'web1' cannot change/, { xml: newXml("web1") })
    await expectFailure(api, "POST", "/api/v1/vm/nope/modify", "VM 'nope' not found.", { xml })
  })

  it("start / stop always; restart / shutdown need a running VM", async () => {
    assert.strictEqual(await expectOk(api, "/api/v1/vm/mail1/start"), "Set VM 'mail1' to state 'start'.")
    assert.strictEqual(await expectOk(api, "/api/v1/vm/web1/restart"), "Set VM 'web1' to state 'restart'.")
    assert.strictEqual(await expectOk(api, "/api/v1/vm/web2/shutdown"), "Set VM 'web2' to state 'shutdown'.")
    assert.strictEqual(await expectOk(api, "/api/v1/vm/db1/stop"), "Set VM 'db1' to state 'stop'.")
    await expectFailure(api, "POST", "/api/v1/vm/db1/restart", "VM 'db1' is not running (state 'stop').")
    await expectFailure(api, "POST", "/api/v1/vm/db1/shutdown", "VM 'db1' is not running (state 'stop').")
    for (const verb of ["start", "restart", "shutdown", "stop"]) {
      await expectFailure(api, "POST", `/api/v1/vm/nope/${verb}`, "VM 'nope' not found.")
    }
  })

  it("move and migrate pick a target; migrate of a migrated VM needs flag_force; unmigrate returns it", async () => {
    assert.match(await expectOk(api, "/api/v1/vm/web1/move", { node: "hv2" }), /to node 'hv2'/)
    await expectFailure(api, "POST", "/api/v1/vm/web1/move", "VM 'web1' is already on node 'hv2'.", { node: "hv2" })
    await expectFailure(api, "POST", "/api/v1/vm/web1/move", "Node 'nope' not found.", { node: "nope" })
    await expectFailure(
      api,
      "POST",
      "/api/v1/vm/build1/migrate",
      "VM 'build1' is already migrated from node 'hv2'; use flag_force to migrate it again.",
      { node: "hv1" }
    )
    assert.match(await expectOk(api, "/api/v1/vm/build1/migrate?flag_force", { node: "hv1" }), /to node 'hv1'/)
    assert.strictEqual((await vm(api, "build1"))["last_node"], "hv2")
    assert.match(await expectOk(api, "/api/v1/vm/build1/unmigrate"), /back to node 'hv2'/)
    await expectFailure(api, "POST", "/api/v1/vm/build1/unmigrate", "VM 'build1' is not migrated.")
    await expectFailure(api, "POST", "/api/v1/vm/web2/migrate", /^Invalid selector/, { selector: "x" })
    for (const verb of ["move", "migrate", "unmigrate"]) {
      await expectFailure(api, "POST", `/api/v1/vm/nope/${verb}`, "VM 'nope' not found.")
    }
  })

  it("undefine and remove delete a stopped VM; unknown is 510", async () => {
    assert.strictEqual(await expectOk(api, "/api/v1/vm/mail1/undefine"), "Undefined VM 'mail1' from the cluster.")
    assert.deepStrictEqual(await getJson(api, "/api/v1/vm/mail1"), [])
    await expectOk(api, "/api/v1/vm/ignored/define", { xml: newXml(), node: "hv2" })
    assert.strictEqual(await expectOk(api, "/api/v1/vm/new1/remove"), "Removed VM 'new1' and its disks from the cluster.")
    await expectFailure(api, "POST", "/api/v1/vm/nope/undefine", "VM 'nope' not found.")
    await expectFailure(api, "POST", "/api/v1/vm/nope/remove", "VM 'nope' not found.")
  })

  it("undefine of a VM no node stops in time is 510 with the timeout", async () => {
    const slow = await startApi({ entities: demoCluster(), stopTimeoutSeconds: 0.2 })
    try {
      await expectFailure(slow, "POST", "/api/v1/vm/web1/undefine", /^Timed out after 0.2 s waiting for VM web1 to stop/)
    } finally {
      await slow.close()
    }
  })

  it("a stored XML the parser refuses still lists (no 500): name and UUID from the keys", async () => {
    const broken = makeVm("odd1", "99999999-0000-4000-8000-000000000001", "hv1", { xml: "<domain" })
    const odd = await startApi({ entities: [...demoCluster(), broken] })
    try {
      const [vm] = (await getJson(odd, "/api/v1/vm/odd1")) as Array<VmJson>
      assert.strictEqual(vm!["uuid"], "99999999-0000-4000-8000-000000000001")
      assert.strictEqual(vm!["description"], "N/A")
    } finally {
      await odd.close()
    }
  })
})

describe("a large VM list (sent in blocks reused across answers)", () => {
  // More VMs than two blocks hold, so that a change and a removal hit different blocks.
  const bulk = Array.from({ length: 2_500 }, (_, i) => {
    const n = String(i).padStart(4, "0")
    return makeVm(`bulk${n}`, `00000000-0000-4000-8000-00000000${n}`, "hv1")
  })
  let api: Api
  beforeEach(async () => {
    api = await startApi({ entities: [...demoCluster(), ...bulk] })
  })
  afterEach(() => api.close())

  /** The list, checked against its Content-Length and against each VM fetched on its own. */
  const listMatchesSingles = async (): Promise<Array<VmJson>> => {
    const reply = await call(api, "GET", "/api/v1/vm")
    assert.strictEqual(reply.status, 200)
    assert.strictEqual(Number(reply.headers.get("content-length")), Buffer.byteLength(reply.text))
    const list = JSON.parse(reply.text) as Array<VmJson>
    for (const entry of [list[0]!, list[1_500]!, list[list.length - 1]!]) {
      assert.deepStrictEqual(entry, await vm(api, String(entry["name"])))
    }
    return list
  }

  it("stays exact when one VM changes and when a VM disappears from the middle", async () => {
    const first = await listMatchesSingles()
    assert.strictEqual(first.length, 2_507)
    assert.deepStrictEqual(names(first), [...names(first)].sort())
    await expectOk(api, "/api/v1/vm/bulk2100/start")
    const afterStart = await listMatchesSingles()
    const changed = afterStart.flatMap((v, i) => (JSON.stringify(v) === JSON.stringify(first[i]) ? [] : [v["name"]]))
    assert.deepStrictEqual(changed, ["bulk2100"])
    await expectOk(api, "/api/v1/vm/bulk0010/undefine")
    const afterUndefine = await listMatchesSingles()
    assert.deepStrictEqual(names(afterUndefine), names(afterStart).filter((n) => n !== "bulk0010"))
  })
})
