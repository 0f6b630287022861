import { demoCluster } from "@pvc/testkit"
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { type Api, startApi } from "./support/Harness.ts"
import { expectFailure, expectOk, getJson, names } from "./support/Routes.ts"

describe("network routes", () => {
  let api: Api
  beforeEach(async () => {
    api = await startApi({ entities: demoCluster() })
  })
  afterEach(() => api.close())

  it("GET /network lists by VNI with stored string values; limit on description or VNI", async () => {
    const body = (await getJson(api, "/api/v1/network")) as Array<Record<string, unknown>>
    assert.deepStrictEqual(names(body, "vni"), ["100", "200"])
    assert.deepStrictEqual(body[0]!["ip4"], {
      network: "10.100.0.0/24",
      gateway: "10.100.0.1",
      dhcp_flag: "True",
      dhcp_start: "10.100.0.100",
      dhcp_end: "10.100.0.199"
    })
    assert.strictEqual((body[1]!["ip4"] as Record<string, unknown>)["network"], "None")
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/network?limit=vlan"), "description"), ["public-vlan"])
    await expectFailure(api, "GET", "/api/v1/network?limit=(", /^Invalid limit/)
  })

  it("GET /network/<network> by description or VNI; unknown gives []", async () => {
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/network/cluster-net"), "vni"), ["100"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/network/200"), "description"), ["public-vlan"])
    assert.deepStrictEqual(await getJson(api, "/api/v1/network/nope"), [])
  })

  it("add validates mandatory and invalid values", async () => {
    const ok = await expectOk(api, "/api/v1/network/lab-net/add", {
      vni: "300",
      nettype: "managed",
      ip4_network: "10.30.0.0/24",
      ip4_gateway: "10.30.0.1",
      flag_dhcp4: "",
      dhcp4_start: "10.30.0.100",
      dhcp4_end: "10.30.0.200"
    })
    assert.strictEqual(ok, "Added new network 'lab-net' with VNI 300.")
    const [lab] = (await getJson(api, "/api/v1/network/lab-net")) as Array<Record<string, unknown>>
    assert.strictEqual(lab!["domain"], "lab-net.local")
    await expectFailure(api, "POST", "/api/v1/network/x/add", "Missing value 'vni'. Missing value 'nettype'.")
    await expectFailure(api, "POST", "/api/v1/network/x/add", /^Invalid value 'cloud' for 'nettype'/, { vni: "301", nettype: "cloud" })
    await expectFailure(api, "POST", "/api/v1/network/x/add", /^VNI 5000 is out of range for a bridged network/, { vni: "5000", nettype: "bridged" })
    await expectFailure(api, "POST", "/api/v1/network/x/add", "A network with VNI 300 already exists.", { vni: "300", nettype: "managed" })
    await expectFailure(api, "POST", "/api/v1/network/lab-net/add", "A network with description 'lab-net' already exists.", { vni: "302", nettype: "managed" })
    await expectFailure(api, "POST", "/api/v1/network/x/add", /ip4_gateway/, { vni: "303", nettype: "managed", ip4_network: "10.31.0.0/24" })
  })

  it("modify changes only given values; remove deletes; unknown networks are 510", async () => {
    await expectOk(api, "/api/v1/network/cluster-net/modify", { domain: "example.org" })
    const [net] = (await getJson(api, "/api/v1/network/100")) as Array<Record<string, unknown>>
    assert.strictEqual(net!["domain"], "example.org")
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/modify", /dhcp4_start/, { dhcp4_start: "192.168.1.1" })
    await expectFailure(api, "POST", "/api/v1/network/nope/modify", "Network 'nope' not found.", { domain: "x" })
    assert.strictEqual(await expectOk(api, "/api/v1/network/public-vlan/remove"), "Removed network 'public-vlan' (VNI 200).")
    await expectFailure(api, "POST", "/api/v1/network/public-vlan/remove", "Network 'public-vlan' not found.")
  })

  it("DHCP: list leases and reservations, flag_static, exact lease, add and remove reservations", async () => {
    const all = await getJson(api, "/api/v1/network/cluster-net/dhcp")
    assert.strictEqual((all as Array<unknown>).length, 6)
    const statics = (await getJson(api, "/api/v1/network/cluster-net/dhcp?flag_static")) as Array<Record<string, unknown>>
    assert.deepStrictEqual(statics.map((l) => l["timestamp"]), ["static", "static", "static"])
    assert.deepStrictEqual(
      await getJson(api, "/api/v1/network/cluster-net/dhcp/52:54:00:a1:00:01"),
      [{ hostname: "web1", ip4_address: "10.100.0.101", mac_address: "52:54:00:a1:00:01", timestamp: "1562929200" }]
    )
    assert.deepStrictEqual(await getJson(api, "/api/v1/network/cluster-net/dhcp/52:54:00:ff:ff:ff"), [])
    await expectFailure(api, "GET", "/api/v1/network/nope/dhcp", "Network 'nope' not found.")
    await expectOk(api, "/api/v1/network/cluster-net/dhcp/52:54:00:AA:00:01/add", { ipaddress: "10.100.0.50", hostname: "h" })
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/dhcp/52:54:00:aa:00:02/add", "Missing value 'ipaddress'.")
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/dhcp/zz/add", "Invalid MAC address 'zz'.", { ipaddress: "10.100.0.51" })
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/dhcp/52:54:00:aa:00:03/add", /not inside network/, { ipaddress: "10.1.0.51" })
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/dhcp/52:54:00:aa:00:04/add", /already reserved/, { ipaddress: "10.100.0.50" })
    assert.match(await expectOk(api, "/api/v1/network/cluster-net/dhcp/52:54:00:aa:00:01/remove"), /^Removed static DHCP lease/)
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/dhcp/52:54:00:aa:00:01/remove", /^No static DHCP lease/)
  })

  it("ACLs: list in before out by order, direction filter, exact get, add and remove", async () => {
    const acls = (await getJson(api, "/api/v1/network/cluster-net/acl")) as Array<Record<string, unknown>>
    assert.deepStrictEqual(acls.map((a) => `${a["direction"]}${a["order"]}`), ["in0", "in1", "in2", "out0", "out1"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/network/cluster-net/acl?direction=out"), "description"), ["allow-dns", "allow-ntp"])
    await expectFailure(api, "GET", "/api/v1/network/cluster-net/acl?direction=up", /direction/)
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/network/cluster-net/acl/allow-web"), "description"), ["allow-web"])
    assert.deepStrictEqual(await getJson(api, "/api/v1/network/cluster-net/acl/allow"), [])
    await expectOk(api, "/api/v1/network/cluster-net/acl/allow-icmp/add", { direction: "in", rule: "icmp type echo-request accept", order: "0" })
    const after = (await getJson(api, "/api/v1/network/cluster-net/acl?direction=in")) as Array<Record<string, unknown>>
    assert.deepStrictEqual(names(after, "description"), ["allow-icmp", "allow-ssh", "allow-web", "allow-smtp"])
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/acl/x/add", "Missing value 'direction'. Missing value 'rule'.")
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/acl/allow-icmp/add", /already exists/, { direction: "in", rule: "accept" })
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/acl/y/add", /direction/, { direction: "sideways", rule: "accept" })
    assert.match(await expectOk(api, "/api/v1/network/cluster-net/acl/allow-icmp/remove"), /^Removed ACL 'allow-icmp'/)
    await expectFailure(api, "POST", "/api/v1/network/cluster-net/acl/allow-icmp/remove", "ACL 'allow-icmp' not found in network 'cluster-net'.")
  })
})
