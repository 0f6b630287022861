import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { contains, formatIpv4, parseCidr, parseIpv4 } from "../../src/networks/IpAddress.ts"
import {
  decideAddReservation,
  decideRemoveReservation,
  leasesOf,
  parseMac,
  reservationsOf,
  reserve
} from "../../src/networks/DhcpRules.ts"
import type { Revision } from "../../src/cluster/ClusterSnapshot.ts"
import type { Entity } from "../../src/cluster/Entity.ts"
import { EntityIndex } from "../../src/cluster/EntityIndex.ts"
import { MacAddress, Vni } from "../../src/domain/Ids.ts"
import { buildNetwork } from "../../src/networks/NetworkRules.ts"
import { DhcpLease, DhcpReservation } from "../../src/domain/Network.ts"

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

  const other = Result.getOrThrow(
    buildNetwork("other", { vni: "6", nettype: "managed", ip4_network: "10.5.0.0/22", ip4_gateway: "10.5.0.1" })
  )
  const stored = (vni: "5" | "6", mac: string, ipAddress: string) =>
    new DhcpReservation({ vni: Vni.make(vni), mac: MacAddress.make(mac), ipAddress, hostname: null })
  const cluster = (entities: ReadonlyArray<Entity>) =>
    EntityIndex.of([network, other, ...entities].map((e, i) => [e, String(i) as Revision] as const)).toSnapshot()
  const refusal = <A, E extends object>(result: Result.Result<A, E>) =>
    Result.isFailure(result) ? { ...(result.failure as object) } : "accepted"

  it("a reservation or lease on another network blocks nothing here", () => {
    const snapshot = cluster([
      stored("6", "52:54:00:ab:cd:ef", "10.5.0.20"),
      new DhcpLease({ vni: Vni.make("6"), mac: MacAddress.make("52:54:00:ab:cd:01"), ipAddress: "10.5.0.21", hostname: "h", expiry: "0", clientId: "*" })
    ])
    assert.deepStrictEqual(reservationsOf(snapshot, network), [])
    assert.deepStrictEqual(leasesOf(snapshot, network), [])
    assert.strictEqual(leasesOf(snapshot, other).length, 1)
    const decided = Result.getOrThrow(decideAddReservation("net", "52:54:00:AB:CD:EF", { ipaddress: "10.5.0.20", hostname: "" })(snapshot))
    assert.deepStrictEqual({ ...decided.outcome.reservation }, { ...stored("5", "52:54:00:ab:cd:ef", "10.5.0.20") })
    assert.deepStrictEqual(decided.changes.map((c) => c.entity), [decided.outcome.reservation])
  })

  it("a stored reservation with an unreadable address neither blocks nor breaks a new one", () => {
    const snapshot = cluster([stored("5", "52:54:00:00:00:01", "junk")])
    assert.isTrue(Result.isSuccess(decideAddReservation("net", "52:54:00:00:00:02", { ipaddress: "10.5.0.30" })(snapshot)))
  })

  it("keeps a hostname, removes by a MAC in any case (hex letters), and refuses with the field and network", () => {
    const snapshot = cluster([stored("5", "52:54:00:ab:cd:ef", "10.5.0.20")])
    const named = Result.getOrThrow(reserve(network, [], "52:54:00:00:00:03", { ipaddress: "10.5.0.40", hostname: "db1" }))
    assert.strictEqual(named.hostname, "db1")
    const removed = Result.getOrThrow(decideRemoveReservation("net", "52:54:00:AB:CD:EF")(snapshot))
    assert.strictEqual(removed.outcome.reservation.mac, "52:54:00:ab:cd:ef")
    assert.deepStrictEqual(refusal(decideRemoveReservation("net", "52:54:00:ab:cd:00")(snapshot)), { _tag: "ReservationNotFound", network: "net", mac: "52:54:00:ab:cd:00" })
    assert.deepStrictEqual(refusal(reserve(network, [], "52:54:00:00:00:04", {})), { _tag: "MissingNetworkValue", field: "ipaddress" })
    assert.deepStrictEqual(refusal(reserve(network, [], "52:54:00:00:00:04", { ipaddress: "10.5.0" })), { _tag: "InvalidNetworkValue", field: "ipaddress", value: "10.5.0", reason: "not an IPv4 address" })
    assert.deepStrictEqual(refusal(reserve(network, [], "52:54:00:00:00:04", { ipaddress: "10.6.0.1" })), { _tag: "AddressOutsideNetwork", field: "ipaddress", address: "10.6.0.1", network: "10.5.0.0/22" })
    for (const bad of ["x52:54:00:00:00:04", "52:54:00:00:00:04x", "52:54:00:00:00", "52-54-00-00-00-04"]) {
      assert.deepStrictEqual(refusal(parseMac(bad)), { _tag: "InvalidMacAddress", mac: bad }, bad)
    }
  })
})
