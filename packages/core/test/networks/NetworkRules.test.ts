import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import type { Revision } from "../../src/cluster/ClusterSnapshot.ts"
import type { Entity } from "../../src/cluster/Entity.ts"
import { EntityIndex } from "../../src/cluster/EntityIndex.ts"
import { AclDescription, MacAddress, Vni } from "../../src/domain/Ids.ts"
import { Acl, DhcpLease, DhcpReservation, type Network, Network as NetworkEntity } from "../../src/domain/Network.ts"
import { formatIpv4 } from "../../src/networks/IpAddress.ts"
import {
  buildNetwork,
  compareVni,
  decideModifyNetwork,
  findNetwork,
  mergeNetworkFields,
  type NetworkFields,
  networkFields,
  VNI_MAX
} from "../../src/networks/NetworkRules.ts"

const managed: NetworkFields = {
  vni: "100",
  nettype: "managed",
  ip4_network: "10.100.0.0/24",
  ip4_gateway: "10.100.0.1",
  dhcp4: true,
  dhcp4_start: "10.100.0.100",
  dhcp4_end: "10.100.0.199",
  ip6_network: "2001:db8:100::/64"
}

const snapshotOf = (entities: ReadonlyArray<Entity>) =>
  EntityIndex.of(entities.map((e, i) => [e, String(i) as Revision] as const)).toSnapshot()

const plain = (e: object): Record<string, unknown> => ({ ...e })

const refusalOf = <A, E extends object>(result: Result.Result<A, E>): Record<string, unknown> =>
  Result.isSuccess(result) ? { accepted: true } : plain(result.failure)

const errorOf = (fields: NetworkFields, description = "net100") => {
  const result = buildNetwork(description, fields)
  if (Result.isSuccess(result)) throw new Error("accepted")
  return result.failure
}

describe("buildNetwork", () => {
  it("builds a managed network with defaults", () => {
    const network = Result.getOrThrow(buildNetwork("net100", managed))
    assert.strictEqual(network.vni, "100")
    assert.strictEqual(network.type, "managed")
    assert.strictEqual(network.domain, "net100.local")
    assert.strictEqual(network.ip4.gateway, "10.100.0.1")
    assert.strictEqual(network.ip4.dhcpFlag, true)
    assert.strictEqual(network.ip6.gateway, "2001:db8:100::1")
    assert.strictEqual(network.ip6.dhcpFlag, true)
  })

  it("defaults the IPv6 gateway to the network address plus one", () => {
    const network = Result.getOrThrow(buildNetwork("n", { vni: "1", nettype: "managed", ip6_network: "2001:db8::/64" }))
    assert.strictEqual(network.ip6.gateway, "2001:db8::1")
  })

  it("ignores the optional values of a bridged network", () => {
    const network = Result.getOrThrow(buildNetwork("vlan", { ...managed, nettype: "bridged", domain: "x.y" }))
    assert.strictEqual(network.ip4.network, null)
    assert.strictEqual(network.ip6.network, null)
    assert.strictEqual(network.ip4.dhcpFlag, false)
    assert.strictEqual(network.domain, "vlan.local")
  })

  it("refuses each invalid value with a typed error", () => {
    const cases: ReadonlyArray<[NetworkFields, string, Record<string, unknown>]> = [
      [{ ...managed, vni: undefined }, "MissingNetworkValue", { field: "vni" }],
      [{ ...managed, nettype: undefined }, "MissingNetworkValue", { field: "nettype" }],
      [{ ...managed, vni: "1x" }, "InvalidNetworkValue", { field: "vni" }],
      [{ ...managed, vni: "-1" }, "InvalidNetworkValue", { field: "vni" }],
      [{ ...managed, nettype: "Managed" }, "InvalidNetworkValue", { field: "nettype" }],
      [{ ...managed, vni: "0" }, "VniOutOfRange", { vni: 0, max: 16777215 }],
      [{ ...managed, vni: "16777216" }, "VniOutOfRange", { vni: 16777216 }],
      [{ ...managed, nettype: "bridged", vni: "4095" }, "VniOutOfRange", { vni: 4095, max: 4094 }],
      [{ ...managed, domain: "a b" }, "InvalidNetworkValue", { field: "domain" }],
      [{ ...managed, ip4_network: "10.100.0.0/33" }, "InvalidNetworkValue", { field: "ip4_network" }],
      [{ ...managed, ip4_network: "10.100.0.5/24" }, "InvalidNetworkValue", { field: "ip4_network" }],
      [{ ...managed, ip4_gateway: undefined }, "MissingNetworkValue", { field: "ip4_gateway" }],
      [{ ...managed, ip4_gateway: "10.100.0" }, "InvalidNetworkValue", { field: "ip4_gateway" }],
      [{ ...managed, ip4_gateway: "10.101.0.1" }, "AddressOutsideNetwork", { field: "ip4_gateway" }],
      [{ ...managed, ip4_network: undefined }, "MissingNetworkValue", { field: "ip4_network" }],
      [{ ...managed, dhcp4_start: undefined }, "MissingNetworkValue", { field: "dhcp4_start" }],
      [{ ...managed, dhcp4_end: undefined }, "MissingNetworkValue", { field: "dhcp4_end" }],
      [{ ...managed, dhcp4_start: "10.100.1.1" }, "AddressOutsideNetwork", { field: "dhcp4_start" }],
      [{ ...managed, dhcp4_end: "x" }, "InvalidNetworkValue", { field: "dhcp4_end" }],
      [{ ...managed, dhcp4_start: "10.100.0.200" }, "DhcpRangeReversed", { start: "10.100.0.200" }],
      [{ ...managed, ip6_network: "2001:db8::/129" }, "InvalidNetworkValue", { field: "ip6_network" }],
      [{ ...managed, ip6_gateway: "2001:db9::1" }, "AddressOutsideNetwork", { field: "ip6_gateway" }],
      [{ ...managed, ip6_network: undefined, ip6_gateway: "::1" }, "MissingNetworkValue", { field: "ip6_network" }]
    ]
    for (const [fields, tag, data] of cases) {
      const error = errorOf(fields)
      assert.strictEqual(error._tag, tag, JSON.stringify(fields))
      for (const [k, v] of Object.entries(data)) assert.strictEqual((error as unknown as Record<string, unknown>)[k], v)
    }
    assert.strictEqual(errorOf(managed, "")._tag, "InvalidNetworkValue")
    assert.strictEqual(errorOf(managed, "my net")._tag, "InvalidNetworkValue")
  })

  const arbNet = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 30 })).map(
    ([base, prefix]) => {
      const shift = 32 - prefix
      const address = Number((BigInt(base) >> BigInt(shift)) << BigInt(shift))
      return { address, prefix, text: `${formatIpv4(BigInt(address))}/${prefix}` }
    }
  )
  const inside = (net: { address: number; prefix: number }, ip: number) =>
    Math.floor(ip / 2 ** (32 - net.prefix)) === Math.floor(net.address / 2 ** (32 - net.prefix))

  test.prop([arbNet, fc.integer({ min: 0, max: 0xffffffff })])(
    "never accepts an IPv4 gateway outside its network",
    (net, gateway) => {
      const result = buildNetwork("n", {
        vni: "10",
        nettype: "managed",
        ip4_network: net.text,
        ip4_gateway: formatIpv4(BigInt(gateway))
      })
      assert.strictEqual(Result.isSuccess(result), inside(net, gateway))
    }
  )

  test.prop([arbNet, fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })])(
    "a DHCP range is accepted only inside the network and in order",
    (net, a, b) => {
      const result = buildNetwork("n", {
        vni: "10",
        nettype: "managed",
        ip4_network: net.text,
        ip4_gateway: formatIpv4(BigInt(net.address + 1)),
        dhcp4: true,
        dhcp4_start: formatIpv4(BigInt(a)),
        dhcp4_end: formatIpv4(BigInt(b))
      })
      assert.strictEqual(Result.isSuccess(result), inside(net, a) && inside(net, b) && a <= b)
    }
  )

  test.prop([fc.constantFrom("managed", "bridged"), fc.integer({ min: -5, max: 17_000_000 })])(
    "a VNI is accepted only in its type's range",
    (nettype, vni) => {
      const result = buildNetwork("n", { vni: String(vni), nettype })
      assert.strictEqual(Result.isSuccess(result), vni >= 1 && vni <= VNI_MAX[nettype])
    }
  )
})

describe("mergeNetworkFields", () => {
  it("keeps what is not given and re-defaults the IPv6 gateway of a new IPv6 network", () => {
    const current = networkFields(Result.getOrThrow(buildNetwork("net100", managed)))
    const merged = mergeNetworkFields(current, { ip6_network: "2001:db8:200::/64", domain: undefined })
    assert.strictEqual(merged.domain, "net100.local")
    assert.strictEqual(merged.ip6_gateway, undefined)
    assert.strictEqual(Result.getOrThrow(buildNetwork("net100", merged)).ip6.gateway, "2001:db8:200::1")
  })
})

describe("network boundaries", () => {
  it("takes the top VNI of each type and refuses the next", () => {
    assert.isTrue(Result.isSuccess(buildNetwork("n", { vni: "4094", nettype: "bridged" })))
    assert.deepStrictEqual(plain(errorOf({ vni: "4095", nettype: "bridged" })), { _tag: "VniOutOfRange", vni: 4095, nettype: "bridged", max: 4094 })
    assert.isTrue(Result.isSuccess(buildNetwork("n", { vni: "16777215", nettype: "managed" })))
    assert.deepStrictEqual(plain(errorOf({ vni: "16777216", nettype: "managed" })), { _tag: "VniOutOfRange", vni: 16777216, nettype: "managed", max: 16777215 })
    assert.deepStrictEqual(plain(errorOf({ vni: "0", nettype: "managed" })), { _tag: "VniOutOfRange", vni: 0, nettype: "managed", max: 16777215 })
  })

  it("takes a one-address DHCP range, /32 and /128 networks", () => {
    const one = Result.getOrThrow(buildNetwork("n", { ...managed, dhcp4_start: "10.100.0.7", dhcp4_end: "10.100.0.7" }))
    assert.deepStrictEqual([one.ip4.dhcpStart, one.ip4.dhcpEnd], ["10.100.0.7", "10.100.0.7"])
    const host = Result.getOrThrow(buildNetwork("n", { vni: "5", nettype: "managed", ip4_network: "10.0.0.5/32", ip4_gateway: "10.0.0.5" }))
    assert.strictEqual(host.ip4.network, "10.0.0.5/32")
    const v6 = Result.getOrThrow(buildNetwork("n", { vni: "5", nettype: "managed", ip6_network: "2001:db8::5/128", ip6_gateway: "2001:db8::5" }))
    assert.deepStrictEqual([v6.ip6.network, v6.ip6.gateway], ["2001:db8::5/128", "2001:db8::5"])
    // The default gateway (network + 1) lies outside a /128.
    assert.deepStrictEqual(
      plain(errorOf({ vni: "5", nettype: "managed", ip6_network: "2001:db8::5/128" })),
      { _tag: "AddressOutsideNetwork", field: "ip6_gateway", address: "2001:db8::6", network: "2001:db8::5/128" }
    )
  })
})

describe("modifying a network", () => {
  const customV6 = { ...managed, ip6_gateway: "2001:db8:100::fe" }

  it("a change without IPv6 values keeps a custom IPv6 gateway", () => {
    const current = networkFields(Result.getOrThrow(buildNetwork("net100", customV6)))
    for (const changes of [{ domain: "lab.example" }, { ip4_gateway: "10.100.0.254" }, { ip6_gateway: undefined }]) {
      assert.strictEqual(mergeNetworkFields(current, changes).ip6_gateway, "2001:db8:100::fe", JSON.stringify(changes))
    }
    assert.strictEqual(mergeNetworkFields(current, { ip6_network: "2001:db8:200::/64", ip6_gateway: "2001:db8:200::9" }).ip6_gateway, "2001:db8:200::9")
  })

  const other = Result.getOrThrow(buildNetwork("net200", { ...managed, vni: "200", ip4_network: "10.200.0.0/24", ip4_gateway: "10.200.0.1", dhcp4: false }))
  const mine = Result.getOrThrow(buildNetwork("net100", customV6))
  const children = (vni: string) => [
    new DhcpLease({ vni: Vni.make(vni), mac: MacAddress.make("52:54:00:ab:cd:01"), ipAddress: "10.0.0.50", hostname: "h", expiry: "0", clientId: "*" }),
    new DhcpReservation({ vni: Vni.make(vni), mac: MacAddress.make("52:54:00:ab:cd:02"), ipAddress: "10.0.0.51", hostname: null }),
    new Acl({ vni: Vni.make(vni), direction: "in", description: AclDescription.make("ssh"), order: "0", rule: "accept" })
  ]
  const snapshot = snapshotOf([mine, other, ...children("100"), ...children("200")])
  const describeChange = (c: { readonly _tag: string; readonly entity: Entity }) =>
    `${c._tag} ${c.entity._tag} ${"vni" in c.entity ? c.entity.vni : ""}`

  it("a new VNI moves this network's leases, reservations and ACLs, and no other network's", () => {
    const decided = Result.getOrThrow(decideModifyNetwork("net100", { vni: "300" })(snapshot))
    assert.deepStrictEqual(decided.changes.map(describeChange).sort(), [
      "Put Acl 300",
      "Put DhcpLease 300",
      "Put DhcpReservation 300",
      "Put Network 300",
      "Remove Network 100"
    ])
    const moved = decided.changes.find((c) => c.entity._tag === "DhcpReservation")!.entity
    assert.deepStrictEqual(plain(moved), plain(children("300")[1]!))
    assert.strictEqual(decided.outcome.network.ip6.gateway, "2001:db8:100::fe")
  })

  it("a change that keeps the VNI writes the network alone, under its stored key, with the change", () => {
    const decided = Result.getOrThrow(decideModifyNetwork("100", { domain: "lab.example" })(snapshot))
    assert.deepStrictEqual(decided.changes.map(describeChange), ["Put Network 100"])
    const written = decided.changes[0]!.entity as Network
    assert.deepStrictEqual([written.description, written.domain, written.ip6.gateway], ["net100", "lab.example", "2001:db8:100::fe"])
    assert.deepStrictEqual(Result.getOrThrow(decideModifyNetwork("net100", { vni: "100" })(snapshot)).changes.map(describeChange), ["Put Network 100"])
  })

  it("refuses another network's VNI or a missing network", () => {
    assert.deepStrictEqual(refusalOf(decideModifyNetwork("net100", { vni: "200" })(snapshot)), { _tag: "VniExists", vni: "200" })
    assert.deepStrictEqual(refusalOf(decideModifyNetwork("net9", { vni: "9" })(snapshot)), { _tag: "NetworkNotFound", network: "net9" })
  })

  it("keeps a VNI key another tool wrote with a leading zero when the VNI is not changed", () => {
    const padded = new NetworkEntity({ ...Result.getOrThrow(buildNetwork("pad", { vni: "100", nettype: "managed" })), vni: Vni.make("0100") })
    const decided = Result.getOrThrow(decideModifyNetwork("pad", { domain: "pad.example" })(snapshotOf([padded])))
    assert.deepStrictEqual(decided.changes.map((c) => `${c._tag} ${(c.entity as Network).vni} ${(c.entity as Network).domain}`), ["Put 0100 pad.example"])
  })
})

describe("network values and references", () => {
  const reason = (fields: NetworkFields, description = "net100"): Record<string, unknown> => plain(errorOf(fields, description))

  it("refusals say which value and why", () => {
    const long = "n".repeat(1025)
    assert.deepStrictEqual(reason(managed, "a b"), { _tag: "InvalidNetworkValue", field: "description", value: "a b", reason: "empty or contains whitespace" })
    assert.deepStrictEqual(reason(managed, long), { _tag: "InvalidNetworkValue", field: "description", value: long, reason: "longer than 1024 characters" })
    for (const vni of ["1x", "1 ", " 1", "1.0"]) {
      assert.deepStrictEqual(reason({ ...managed, vni }), { _tag: "InvalidNetworkValue", field: "vni", value: vni, reason: "not an integer" }, vni)
    }
    assert.deepStrictEqual(reason({ ...managed, nettype: "vlan" }), { _tag: "InvalidNetworkValue", field: "nettype", value: "vlan", reason: "not managed or bridged" })
    assert.deepStrictEqual(reason({ ...managed, domain: "" }), { _tag: "InvalidNetworkValue", field: "domain", value: "", reason: "empty or contains whitespace" })
    assert.deepStrictEqual(reason({ ...managed, ip4_gateway: "x" }), { _tag: "InvalidNetworkValue", field: "ip4_gateway", value: "x", reason: "not an IPv4 address" })
    assert.deepStrictEqual(reason({ ...managed, ip6_gateway: "x" }), { _tag: "InvalidNetworkValue", field: "ip6_gateway", value: "x", reason: "not an IPv6 address" })
    assert.deepStrictEqual(reason({ vni: "1", nettype: "managed", ip4_gateway: "10.0.0.1" }), { _tag: "MissingNetworkValue", field: "ip4_network" })
    assert.deepStrictEqual(reason({ vni: "1", nettype: "managed", dhcp4: true }), { _tag: "MissingNetworkValue", field: "ip4_network" })
    assert.isTrue(Result.isSuccess(buildNetwork("n".repeat(1024), { vni: "1", nettype: "managed" })))
  })

  it("a network without IPv6 has no IPv6 DHCP", () => {
    const network = Result.getOrThrow(buildNetwork("n", { vni: "1", nettype: "managed", ip4_network: "10.0.0.0/24", ip4_gateway: "10.0.0.1" }))
    assert.deepStrictEqual([network.ip6.network, network.ip6.gateway, network.ip6.dhcpFlag], [null, null, false])
  })

  it("orders VNIs numerically, then keys written as text, by text", () => {
    const keys = ["a1", "2", "10", "1a", "0100", "100", "b", "9"]
    assert.deepStrictEqual([...keys].sort((a, b) => compareVni(Vni.make(a), Vni.make(b))), ["2", "9", "10", "0100", "100", "1a", "a1", "b"])
    for (const k of keys) assert.strictEqual(compareVni(Vni.make(k), Vni.make(k)), 0, k)
    assert.deepStrictEqual([compareVni(Vni.make("1a"), Vni.make("1")), compareVni(Vni.make("1"), Vni.make("1a"))], [1, -1])
    assert.deepStrictEqual([compareVni(Vni.make("100"), Vni.make("0100")), compareVni(Vni.make("b"), Vni.make("a1"))], [1, 1])
  })

  it("finds a network by VNI when the reference is all digits, else by description, each falling back to the other", () => {
    const text = new NetworkEntity({ ...Result.getOrThrow(buildNetwork("labnet", { vni: "7", nettype: "managed" })), vni: Vni.make("x7") })
    const digits = Result.getOrThrow(buildNetwork("42", { vni: "8", nettype: "managed" }))
    const seven = Result.getOrThrow(buildNetwork("seven", { vni: "700", nettype: "managed" }))
    const snapshot = snapshotOf([text, digits, seven])
    const found = (ref: string) => findNetwork(snapshot, ref)?.description ?? "none"
    assert.deepStrictEqual(["700", "seven", "x7", "labnet", "42", "8", "7a", "a7", "70"].map(found), ["seven", "seven", "labnet", "labnet", "42", "42", "none", "none", "none"])
    // A reference that is one network's VNI key and another's description: all digits reads as a VNI first.
    const keyed = (description: string, vni: string) =>
      new NetworkEntity({ ...Result.getOrThrow(buildNetwork(description, { vni: "1", nettype: "managed" })), vni: Vni.make(vni) })
    const both = snapshotOf([keyed("42", "1"), keyed("byvni", "42"), keyed("a1", "2"), keyed("bykey", "a1"), keyed("1a", "3"), keyed("bykey2", "1a")])
    assert.deepStrictEqual(["42", "a1", "1a"].map((ref): string | undefined => findNetwork(both, ref)?.description), ["byvni", "a1", "1a"])
  })
})
