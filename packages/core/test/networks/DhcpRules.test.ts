import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { contains, formatIpv4, parseCidr, parseIpv4 } from "../../src/networks/IpAddress.ts"
import { parseMac, reserve } from "../../src/networks/DhcpRules.ts"
import { buildNetwork } from "../../src/networks/NetworkRules.ts"
import type { DhcpReservation } from "../../src/domain/Network.ts"

const network = Result.getOrThrow(
  buildNetwork("net", { vni: "5", nettype: "managed", ip4_network: "10.5.0.0/22", ip4_gateway: "10.5.0.1" })
)
const cidr = parseCidr("10.5.0.0/22", 4)
const net = "network" in cidr ? cidr.network : undefined

const arbMac = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }).map((bytes) =>
  bytes.map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":")
)
const arbIp = fc.oneof(
  fc.integer({ min: 0x0a050000, max: 0x0a0503ff }),
  fc.integer({ min: 0, max: 0xffffffff })
).map((n) => formatIpv4(BigInt(n)))

describe("DhcpRules", () => {
  test.prop([fc.array(fc.tuple(arbMac, arbIp), { maxLength: 25 })])(
    "reservations are always inside the network, unique by MAC and by address",
    (requests) => {
      let reservations: ReadonlyArray<DhcpReservation> = []
      for (const [mac, ip] of requests) {
        const result = reserve(network, reservations, mac, { ipaddress: ip })
        if (Result.isSuccess(result)) reservations = [...reservations, result.success]
      }
      for (const r of reservations) assert.isTrue(contains(net!, parseIpv4(r.ipAddress)!))
      assert.strictEqual(new Set(reservations.map((r) => r.mac)).size, reservations.length)
      assert.strictEqual(new Set(reservations.map((r) => r.ipAddress)).size, reservations.length)
    }
  )

  test.prop([arbMac])("MACs are stored lower-case", (mac) => {
    assert.strictEqual(Result.getOrThrow(parseMac(mac)), mac.toLowerCase())
  })

  it("refuses bad MACs, missing, bad, outside and taken addresses", () => {
    const first = Result.getOrThrow(reserve(network, [], "52:54:00:00:00:01", { ipaddress: "10.5.0.10", hostname: "a" }))
    assert.strictEqual(first.hostname, "a")
    const tag = (mac: string, ipaddress: string | undefined) => {
      const result = reserve(network, [first], mac, { ipaddress })
      return Result.isFailure(result) ? result.failure._tag : "ok"
    }
    assert.strictEqual(tag("52:54:00:00:00", "10.5.0.11"), "InvalidMacAddress")
    assert.strictEqual(tag("52-54-00-00-00-02", "10.5.0.11"), "InvalidMacAddress")
    assert.strictEqual(tag("52:54:00:00:00:02", undefined), "MissingNetworkValue")
    assert.strictEqual(tag("52:54:00:00:00:02", "10.5.0.300"), "InvalidNetworkValue")
    assert.strictEqual(tag("52:54:00:00:00:02", "10.6.0.1"), "AddressOutsideNetwork")
    assert.strictEqual(tag("52:54:00:00:00:01", "10.5.0.11"), "MacAlreadyReserved")
    assert.strictEqual(tag("52:54:00:00:00:02", "10.5.0.10"), "AddressAlreadyReserved")
    assert.strictEqual(tag("52:54:00:00:00:02", "10.5.0.11"), "ok")
    const bridged = Result.getOrThrow(buildNetwork("vlan", { vni: "7", nettype: "bridged" }))
    const noIp4 = reserve(bridged, [], "52:54:00:00:00:02", { ipaddress: "10.5.0.11" })
    assert.strictEqual(Result.isFailure(noIp4) && noIp4.failure._tag, "NoIpv4Network")
  })
})
