import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect, Layer, Result } from "effect"
import { layerMemory } from "../../../testkit/src/memory/ClusterStoreMemory.ts"
import type { Entity } from "../../src/cluster/Entity.ts"
import { MacAddress, Vni } from "../../src/domain/Ids.ts"
import { DhcpLease } from "../../src/domain/Network.ts"
import {
  addAcl,
  addNetwork,
  addReservation,
  buildNetwork,
  getAcl,
  getLease,
  getNetwork,
  listAcls,
  listLeases,
  listNetworks,
  modifyNetwork,
  removeAcl,
  removeNetwork,
  removeReservation
} from "../../src/networks/index.ts"
import { ClusterStore } from "../../src/ports/ClusterStore.ts"
import { layerRegexEngine } from "../support/RegexEngine.ts"
import type { RegexEngine } from "../../src/ports/RegexEngine.ts"

const net = (description: string, vni: number, extra = {}) =>
  Result.getOrThrow(buildNetwork(description, {
    vni: String(vni),
    nettype: "managed",
    ip4_network: `10.${vni}.0.0/24`,
    ip4_gateway: `10.${vni}.0.1`,
    ...extra
  }))

const lease = (vni: number, mac: string) =>
  new DhcpLease({
    vni: Vni.make(String(vni)),
    mac: MacAddress.make(mac),
    ipAddress: `10.${vni}.0.50`,
    hostname: "h",
    expiry: "0",
    clientId: "*"
  })

const seed: ReadonlyArray<Entity> = [net("beta", 20), net("alpha", 100), net("gamma", 3), lease(20, "52:54:00:00:00:09")]

const withCluster = <A, E>(effect: Effect.Effect<A, E, ClusterStore | RegexEngine>, entities: ReadonlyArray<Entity> = seed) =>
  Effect.provide(effect, Layer.merge(layerMemory(entities), layerRegexEngine))

const failureTag = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E, ClusterStore | RegexEngine>) =>
  withCluster(effect.pipe(Effect.flip, Effect.map((e) => e._tag)))

const addInput = { vni: "42", nettype: "managed", dhcp4: false }

describe("network use-cases", () => {
  it.effect("lists by VNI, filtered by description or VNI", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual((yield* listNetworks()).map((n) => n.vni), ["3", "20", "100"])
      assert.deepStrictEqual((yield* listNetworks({ limit: "^a" })).map((n) => n.description), ["alpha"])
      assert.deepStrictEqual((yield* listNetworks({ limit: "^2" })).map((n) => n.description), ["beta"])
      assert.strictEqual((yield* listNetworks({ limit: "(" }).pipe(Effect.flip))._tag, "InvalidLimit")
    })))

  it.effect("gets by description or by VNI, exactly", () =>
    withCluster(Effect.gen(function*() {
      assert.strictEqual((yield* getNetwork("alpha"))[0]?.vni, "100")
      assert.strictEqual((yield* getNetwork("100"))[0]?.description, "alpha")
      assert.deepStrictEqual(yield* getNetwork("alph"), [])
      assert.deepStrictEqual(yield* getNetwork("99999999999999999999999"), [])
    })))

  it.effect("adds a network and refuses duplicates", () =>
    withCluster(Effect.gen(function*() {
      const { network } = yield* addNetwork("delta", { ...addInput, domain: "d.example" })
      assert.strictEqual(network.domain, "d.example")
      assert.strictEqual((yield* getNetwork("42"))[0]?.description, "delta")
      assert.strictEqual((yield* addNetwork("delta", { ...addInput, vni: "43" }).pipe(Effect.flip))._tag,
        "NetworkDescriptionExists")
      assert.strictEqual((yield* addNetwork("epsilon", addInput).pipe(Effect.flip))._tag, "VniExists")
      assert.strictEqual((yield* addNetwork("bad name", { ...addInput, vni: "44" }).pipe(Effect.flip))._tag,
        "InvalidNetworkValue")
    })))

  it.effect("modifies only the given values and validates the whole", () =>
    withCluster(Effect.gen(function*() {
      const { network } = yield* modifyNetwork("alpha", { domain: "a.example" })
      assert.strictEqual(network.domain, "a.example")
      assert.strictEqual(network.ip4.gateway, "10.100.0.1")
      const refused = yield* modifyNetwork("alpha", { ip4_network: "10.200.0.0/24" }).pipe(Effect.flip)
      assert.strictEqual(refused._tag, "AddressOutsideNetwork")
      assert.strictEqual((yield* getNetwork("alpha"))[0]?.ip4.network, "10.100.0.0/24")
      assert.strictEqual((yield* modifyNetwork("nope", {}).pipe(Effect.flip))._tag, "NetworkNotFound")
      assert.strictEqual((yield* modifyNetwork("alpha", { vni: "20" }).pipe(Effect.flip))._tag, "VniExists")
      assert.strictEqual((yield* modifyNetwork("alpha", { dhcp4: true }).pipe(Effect.flip))._tag,
        "MissingNetworkValue")
    })))

  it.effect("moves leases, reservations and ACLs along with a new VNI", () =>
    withCluster(Effect.gen(function*() {
      yield* addAcl("beta", "allow", { direction: "in", rule: "accept" })
      yield* modifyNetwork("beta", { vni: "21", ip4_network: "10.20.0.0/16" })
      const snapshot = yield* (yield* ClusterStore).snapshot
      assert.isUndefined(snapshot.networks.get(Vni.make("20")))
      assert.deepStrictEqual((yield* listLeases("21")).map((l) => l.mac), ["52:54:00:00:00:09"])
      assert.deepStrictEqual((yield* listAcls("beta")).map((a) => a.vni), ["21"])
    })))

  it.effect("removes a network with its dependents", () =>
    withCluster(Effect.gen(function*() {
      const { network } = yield* removeNetwork("20")
      assert.strictEqual(network.description, "beta")
      const snapshot = yield* (yield* ClusterStore).snapshot
      assert.strictEqual(snapshot.dhcpLeases.size, 0)
      assert.strictEqual((yield* removeNetwork("beta").pipe(Effect.flip))._tag, "NetworkNotFound")
    })))
})

describe("DHCP use-cases", () => {
  it.effect("lists leases and reservations by MAC; static only on request", () =>
    withCluster(Effect.gen(function*() {
      yield* addReservation("beta", "52:54:00:00:00:0A", { ipaddress: "10.20.0.10" })
      yield* addReservation("beta", "52:54:00:00:00:01", { ipaddress: "10.20.0.11", hostname: "web" })
      assert.deepStrictEqual((yield* listLeases("beta")).map((l) => l.mac), [
        "52:54:00:00:00:01",
        "52:54:00:00:00:09",
        "52:54:00:00:00:0a"
      ])
      assert.deepStrictEqual((yield* listLeases("beta", { static: true })).map((l) => l._tag), [
        "DhcpReservation",
        "DhcpReservation"
      ])
      assert.deepStrictEqual((yield* listLeases("beta", { static: false, limit: "09$" })).map((l) => l._tag), [
        "DhcpLease"
      ])
      assert.strictEqual((yield* getLease("beta", "52:54:00:00:00:0A")).length, 1)
      assert.deepStrictEqual(yield* getLease("beta", "52:54:00:00:00:ff"), [])
      assert.strictEqual((yield* listLeases("nope").pipe(Effect.flip))._tag, "NetworkNotFound")
      assert.strictEqual((yield* getLease("nope", "x").pipe(Effect.flip))._tag, "NetworkNotFound")
    })))

  it.effect("refuses each bad reservation", () =>
    Effect.gen(function*() {
      const add = (ref: string, mac: string, ipaddress?: string) =>
        failureTag(Effect.gen(function*() {
          yield* addReservation("beta", "52:54:00:00:00:01", { ipaddress: "10.20.0.11" })
          return yield* addReservation(ref, mac, { ipaddress })
        }))
      assert.strictEqual(yield* add("nope", "52:54:00:00:00:02", "10.20.0.12"), "NetworkNotFound")
      assert.strictEqual(yield* add("beta", "zz", "10.20.0.12"), "InvalidMacAddress")
      assert.strictEqual(yield* add("beta", "52:54:00:00:00:02"), "MissingNetworkValue")
      assert.strictEqual(yield* add("beta", "52:54:00:00:00:02", "ten"), "InvalidNetworkValue")
      assert.strictEqual(yield* add("beta", "52:54:00:00:00:02", "10.21.0.12"), "AddressOutsideNetwork")
      assert.strictEqual(yield* add("beta", "52:54:00:00:00:01", "10.20.0.12"), "MacAlreadyReserved")
      assert.strictEqual(yield* add("beta", "52:54:00:00:00:02", "10.20.0.11"), "AddressAlreadyReserved")
    }))

  it.effect("refuses a reservation in a network without IPv4", () =>
    withCluster(
      Effect.gen(function*() {
        const error = yield* addReservation("v", "52:54:00:00:00:02", { ipaddress: "10.0.0.1" }).pipe(Effect.flip)
        assert.strictEqual(error._tag, "NoIpv4Network")
      }),
      [Result.getOrThrow(buildNetwork("v", { vni: "9", nettype: "managed" }))]
    ))

  it.effect("removes a reservation by MAC", () =>
    withCluster(Effect.gen(function*() {
      yield* addReservation("beta", "52:54:00:00:00:01", { ipaddress: "10.20.0.11" })
      const { reservation } = yield* removeReservation("beta", "52:54:00:00:00:01")
      assert.strictEqual(reservation.ipAddress, "10.20.0.11")
      assert.strictEqual((yield* removeReservation("beta", "52:54:00:00:00:01").pipe(Effect.flip))._tag,
        "ReservationNotFound")
      assert.strictEqual((yield* removeReservation("nope", "52:54:00:00:00:01").pipe(Effect.flip))._tag,
        "NetworkNotFound")
    })))
})

describe("ACL use-cases", () => {
  it.effect("adds at an order, renumbers per direction, lists in before out", () =>
    withCluster(Effect.gen(function*() {
      yield* addAcl("beta", "a", { direction: "in", rule: "r" })
      yield* addAcl("beta", "b", { direction: "in", rule: "r" })
      yield* addAcl("beta", "o", { direction: "out", rule: "r" })
      const { acl } = yield* addAcl("beta", "c", { direction: "in", rule: "r", order: "1" })
      assert.strictEqual(acl.order, "1")
      yield* addAcl("beta", "z", { direction: "in", rule: "r", order: "99" })
      assert.deepStrictEqual((yield* listAcls("beta")).map((a) => `${a.direction}${a.order}${a.description}`), [
        "in0a",
        "in1c",
        "in2b",
        "in3z",
        "out0o"
      ])
      assert.deepStrictEqual((yield* listAcls("beta", { direction: "out" })).map((a) => a.description), ["o"])
      assert.deepStrictEqual((yield* listAcls("beta", { limit: "^[ab]$" })).map((a) => a.description), ["a", "b"])
      assert.deepStrictEqual((yield* getAcl("beta", "c")).map((a) => a.order), ["1"])
      assert.deepStrictEqual(yield* getAcl("beta", "q"), [])
    })))

  it.effect("refuses each bad ACL", () =>
    Effect.gen(function*() {
      const add = (ref: string, description: string, fields: { direction?: string; rule?: string; order?: string }) =>
        failureTag(Effect.gen(function*() {
          yield* addAcl("beta", "taken", { direction: "out", rule: "r" })
          return yield* addAcl(ref, description, fields)
        }))
      assert.strictEqual(yield* add("nope", "x", { direction: "in", rule: "r" }), "NetworkNotFound")
      assert.strictEqual(yield* add("beta", "x", { rule: "r" }), "MissingNetworkValue")
      assert.strictEqual(yield* add("beta", "x", { direction: "up", rule: "r" }), "InvalidNetworkValue")
      assert.strictEqual(yield* add("beta", "x", { direction: "in" }), "MissingNetworkValue")
      assert.strictEqual(yield* add("beta", "x", { direction: "in", rule: "r", order: "-1" }), "InvalidNetworkValue")
      assert.strictEqual(yield* add("beta", "taken", { direction: "in", rule: "r" }), "AclExists")
      assert.strictEqual(yield* add("beta", "", { direction: "in", rule: "r" }), "InvalidNetworkValue")
      assert.strictEqual(
        yield* failureTag(listAcls("beta", { direction: "sideways" })),
        "InvalidNetworkValue"
      )
      assert.strictEqual(yield* failureTag(listAcls("nope")), "NetworkNotFound")
    }))

  it.effect("removes by description in either direction, and renumbers", () =>
    withCluster(Effect.gen(function*() {
      for (const d of ["a", "b", "c"]) yield* addAcl("beta", d, { direction: "in", rule: "r" })
      yield* addAcl("beta", "o", { direction: "out", rule: "r" })
      const { acl } = yield* removeAcl("beta", "a")
      assert.strictEqual(acl.direction, "in")
      assert.deepStrictEqual((yield* listAcls("beta", { direction: "in" })).map((a) => [a.description, a.order]), [
        ["b", "0"],
        ["c", "1"]
      ])
      assert.strictEqual((yield* removeAcl("beta", "o", { direction: "in" }).pipe(Effect.flip))._tag, "AclNotFound")
      assert.strictEqual((yield* removeAcl("beta", "o", { direction: "x" }).pipe(Effect.flip))._tag,
        "InvalidNetworkValue")
      assert.strictEqual((yield* removeAcl("nope", "o").pipe(Effect.flip))._tag, "NetworkNotFound")
      yield* removeAcl("beta", "o", { direction: "out" })
      assert.deepStrictEqual((yield* listAcls("beta", { direction: "out" })), [])
    })))
})

const arbAclOps = fc.array(
  fc.oneof(
    fc.record({
      add: fc.constantFrom("a", "b", "c", "d", "e"),
      direction: fc.constantFrom("in", "out"),
      order: fc.option(fc.nat(6).map(String), { nil: undefined })
    }),
    fc.record({ remove: fc.constantFrom("a", "b", "c", "d", "e") })
  ),
  { maxLength: 20 }
)

describe("ACL use-cases (generated)", () => {
  test.prop([arbAclOps], { numRuns: 60 })("orders per direction are 0..n-1 after any adds and removes", (ops) =>
    Effect.runPromise(withCluster(Effect.gen(function*() {
      for (const op of ops) {
        const attempt = "add" in op
          ? addAcl("beta", op.add, { direction: op.direction, rule: "r", order: op.order })
          : removeAcl("beta", op.remove)
        yield* Effect.ignore(attempt)
        for (const direction of ["in", "out"]) {
          const orders = (yield* listAcls("beta", { direction })).map((a) => a.order)
          assert.deepStrictEqual(orders, orders.map((_, i) => String(i)))
        }
      }
    }))))
})
