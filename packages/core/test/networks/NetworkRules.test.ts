import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { formatIpv4 } from "../../src/networks/IpAddress.ts"
import {
  buildNetwork,
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
