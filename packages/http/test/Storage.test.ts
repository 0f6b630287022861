import { CephCommandFailed, CephCommandTimedOut, CephStorage } from "@pvc/core"
import { demoCluster, layerCephStorageMemory } from "@pvc/testkit"
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { type Api, makeCephRecorder, startApi } from "./support/Harness.ts"
import { expectFailure, expectOk, getJson, names } from "./support/Routes.ts"

describe("storage routes", () => {
  let api: Api
  let ceph: ReturnType<typeof makeCephRecorder>
  beforeEach(async () => {
    ceph = makeCephRecorder()
    api = await startApi({ entities: demoCluster(), ceph: ceph.layer })
  })
  afterEach(() => api.close())

  it("ceph status, its alias and df", async () => {
    for (const path of ["/api/v1/storage/ceph", "/api/v1/storage/ceph/status"]) {
      const body = (await getJson(api, path)) as Record<string, unknown>
      assert.strictEqual(body["type"], "status")
      assert.strictEqual(body["primary_node"], "hv1")
      assert.include(String(body["ceph_data"]), "health")
    }
    const df = (await getJson(api, "/api/v1/storage/ceph/df")) as Record<string, unknown>
    assert.strictEqual(df["type"], "utilization")
  })

  it("df before the primary reported it is 510", async () => {
    const bare = await startApi({ entities: [] })
    await expectFailure(bare, "GET", "/api/v1/storage/ceph/df", /not available/)
    await bare.close()
  })

  it("OSDs: list in id order, limit, exact get", async () => {
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/osd"), "id"), ["0", "1", "2"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/osd?limit=^1$"), "id"), ["1"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/osd/2"), "id"), ["2"])
    assert.deepStrictEqual(await getJson(api, "/api/v1/storage/ceph/osd/9"), [])
    await expectFailure(api, "GET", "/api/v1/storage/ceph/osd?limit=(", /^Invalid limit/)
  })

  it("OSD commands answer the original messages and send one Ceph command each", async () => {
    assert.strictEqual(await expectOk(api, "/api/v1/storage/ceph/osd/set", { option: "noout" }), "Set OSD property noout on the cluster.")
    assert.strictEqual(await expectOk(api, "/api/v1/storage/ceph/osd/unset?option=noout"), "Unset OSD property noout on the cluster.")
    assert.strictEqual(
      await expectOk(api, "/api/v1/storage/ceph/osd/hv1/add", { device: "/dev/sdc", weight: "1.0" }),
      "Created new OSD with block device '/dev/sdc' on node 'hv1'."
    )
    assert.strictEqual(await expectOk(api, "/api/v1/storage/ceph/osd/1/in"), "Set OSD 1 online in the cluster.")
    assert.strictEqual(await expectOk(api, "/api/v1/storage/ceph/osd/1/out"), "Set OSD 1 offline in the cluster.")
    assert.strictEqual(
      await expectOk(api, "/api/v1/storage/ceph/osd/1/remove", { flag_yes_i_really_mean_it: "" }),
      "Removed OSD '1' from the cluster."
    )
    assert.deepStrictEqual(ceph.commands.map((c) => c._tag), ["OsdSet", "OsdUnset", "OsdAdd", "OsdIn", "OsdOut", "OsdRemove"])
  })

  it("OSD failures: missing values, unknown node or OSD, device in use, missing confirmation", async () => {
    await expectFailure(api, "POST", "/api/v1/storage/ceph/osd/set", "Missing value 'option'.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/osd/unset", "Missing value 'option'.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/osd/hv1/add", "Missing value 'device'. Missing value 'weight'.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/osd/nope/add", "Node 'nope' not found.", { device: "/dev/sdc", weight: "1" })
    await expectFailure(api, "POST", "/api/v1/storage/ceph/osd/hv1/add", /already used by OSD '0'/, { device: "/dev/sdb", weight: "1" })
    await expectFailure(api, "POST", "/api/v1/storage/ceph/osd/1/remove", "Refusing osd remove of '1' without flag_yes_i_really_mean_it.")
    for (const verb of ["in", "out"]) await expectFailure(api, "POST", `/api/v1/storage/ceph/osd/9/${verb}`, "OSD '9' not found.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/osd/9/remove", "OSD '9' not found.", { flag_yes_i_really_mean_it: "1" })
    assert.deepStrictEqual(ceph.commands, [])
  })

  it("pools: list, limit, get, add, remove", async () => {
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/pool")), ["backup", "vms"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/pool?limit=ck")), ["backup"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/pool/vms")), ["vms"])
    assert.deepStrictEqual(await getJson(api, "/api/v1/storage/ceph/pool/vm"), [])
    assert.strictEqual(await expectOk(api, "/api/v1/storage/ceph/pool/new/add", { pgs: "128" }), "Created new RBD pool 'new' with '128' PGs.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/pool/new2/add", "Missing value 'pgs'.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/pool/new2/add", /^Invalid value 'many' for 'pgs'/, { pgs: "many" })
    await expectFailure(api, "POST", "/api/v1/storage/ceph/pool/vms/add", "RBD pool 'vms' already exists.", { pgs: "8" })
    await expectFailure(api, "POST", "/api/v1/storage/ceph/pool/vms/remove", "Refusing pool remove of 'vms' without flag_yes_i_really_mean_it.")
    assert.strictEqual(
      await expectOk(api, "/api/v1/storage/ceph/pool/backup/remove", { flag_yes_i_really_mean_it: "yes" }),
      "Removed RBD pool 'backup' and all volumes."
    )
    await expectFailure(api, "POST", "/api/v1/storage/ceph/pool/nope/remove", "RBD pool 'nope' not found.", { flag_yes_i_really_mean_it: "" })
  })

  it("volumes: list with human sizes, pool filter, get, add, remove", async () => {
    const all = (await getJson(api, "/api/v1/storage/ceph/volume?pool=vms&limit=web")) as Array<Record<string, unknown>>
    assert.deepStrictEqual(names(all), ["web1_disk0", "web2_disk0"])
    assert.strictEqual((all[0]!["stats"] as Record<string, unknown>)["size"], "20G")
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/volume/backup/db1_dump")), ["db1_dump"])
    assert.deepStrictEqual(await getJson(api, "/api/v1/storage/ceph/volume/vms/db1_dump"), [])
    assert.strictEqual(
      await expectOk(api, "/api/v1/storage/ceph/volume/vms/new_disk/add", { size: "4096M" }),
      "Created new RBD volume 'new_disk' of size '4096M' on pool 'vms'."
    )
    await expectFailure(api, "POST", "/api/v1/storage/ceph/volume/vms/x/add", "Missing value 'size'.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/volume/vms/x/add", /^Invalid value '4Q' for 'size'/, { size: "4Q" })
    await expectFailure(api, "POST", "/api/v1/storage/ceph/volume/nope/x/add", "RBD pool 'nope' not found.", { size: "1G" })
    await expectFailure(api, "POST", "/api/v1/storage/ceph/volume/vms/web1_disk0/add", /already exists/, { size: "1G" })
    assert.strictEqual(await expectOk(api, "/api/v1/storage/ceph/volume/vms/web1_disk0/remove"), "Removed RBD volume 'web1_disk0' in pool 'vms'.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/volume/vms/nope/remove", "RBD volume 'nope' not found in pool 'vms'.")
  })

  it("snapshots: list with filters, get, add, remove", async () => {
    const all = await getJson(api, "/api/v1/storage/ceph/volume/snapshot")
    assert.strictEqual((all as Array<unknown>).length, 3)
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/volume/snapshot?pool=vms&volume=db1_disk0"), "snapshot"), ["before-upgrade"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/volume/snapshot?limit=weekly"), "snapshot"), ["weekly-20190707"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/storage/ceph/volume/snapshot/vms/db1_disk0/before-upgrade"), "snapshot"), ["before-upgrade"])
    assert.deepStrictEqual(await getJson(api, "/api/v1/storage/ceph/volume/snapshot/vms/db1_disk0/before"), [])
    assert.strictEqual(
      await expectOk(api, "/api/v1/storage/ceph/volume/snapshot/vms/web2_disk0/s1/add"),
      "Created new RBD snapshot 's1' of volume 'web2_disk0' in pool 'vms'."
    )
    await expectFailure(api, "POST", "/api/v1/storage/ceph/volume/snapshot/vms/nope/s1/add", "RBD volume 'nope' not found in pool 'vms'.")
    await expectFailure(api, "POST", "/api/v1/storage/ceph/volume/snapshot/vms/db1_disk0/before-upgrade/add", /already exists/)
    assert.strictEqual(
      await expectOk(api, "/api/v1/storage/ceph/volume/snapshot/vms/db1_disk0/before-upgrade/remove"),
      "Removed RBD snapshot 'before-upgrade' of volume 'db1_disk0' in pool 'vms'."
    )
    await expectFailure(api, "POST", "/api/v1/storage/ceph/volume/snapshot/vms/db1_disk0/zzz/remove", /^RBD snapshot 'zzz'/)
  })

  it("with the in-memory Ceph, created objects show up and removed ones disappear", async () => {
    const live = await startApi({ entities: demoCluster(), ceph: layerCephStorageMemory() })
    try {
      await expectOk(live, "/api/v1/storage/ceph/pool/fresh/add", { pgs: "32" })
      await expectOk(live, "/api/v1/storage/ceph/volume/fresh/disk/add", { size: "10G" })
      const [volume] = (await getJson(live, "/api/v1/storage/ceph/volume/fresh/disk")) as Array<Record<string, unknown>>
      assert.strictEqual((volume!["stats"] as Record<string, unknown>)["size"], "10G")
      await expectOk(live, "/api/v1/storage/ceph/volume/snapshot/fresh/disk/s1/add")
      assert.deepStrictEqual(names(await getJson(live, "/api/v1/storage/ceph/volume/snapshot?pool=fresh"), "snapshot"), ["s1"])
      await expectFailure(live, "POST", "/api/v1/storage/ceph/osd/set", /noflag/, { option: "noflag" })
      await expectOk(live, "/api/v1/storage/ceph/pool/fresh/remove", { flag_yes_i_really_mean_it: "" })
      assert.deepStrictEqual(await getJson(live, "/api/v1/storage/ceph/pool/fresh"), [])
    } finally {
      await live.close()
    }
  })

  it("a Ceph command that fails or gets no answer is 510 with the reason", async () => {
    const failing = Layer.succeed(CephStorage)({
      run: (command) => Effect.fail(new CephCommandFailed({ command: command._tag, reason: "EIO" }))
    })
    const broken = await startApi({ entities: demoCluster(), ceph: failing })
    await expectFailure(broken, "POST", "/api/v1/storage/ceph/osd/set", "ERROR: Ceph command 'OsdSet' failed: EIO.", { option: "noout" })
    await broken.close()
    const silent = Layer.succeed(CephStorage)({
      run: (command) => Effect.fail(new CephCommandTimedOut({ command: command._tag, seconds: 30 }))
    })
    const unanswered = await startApi({ entities: demoCluster(), ceph: silent })
    await expectFailure(unanswered, "POST", "/api/v1/storage/ceph/pool/vms/remove", "ERROR: Ceph command 'PoolRemove' got no answer within 30 s.", {
      flag_yes_i_really_mean_it: ""
    })
    await unanswered.close()
  })
})
