import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  defineVm,
  dumpVm,
  getVm,
  listVms,
  migrateVm,
  modifyVm,
  moveVm,
  restartVm,
  shutdownVm,
  startVm,
  stopVm,
  unmigrateVm
} from "../../src/vms/index.ts"
import { node, uuidFor, vm } from "../nodes/Builders.ts"
import { stubXml } from "./DomainXmlStub.ts"
import { cluster, currentVm, withCluster } from "./Fixture.ts"

const names = (vms: ReadonlyArray<{ readonly name: string }>) => vms.map((v) => v.name)
const tag = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (e) => e._tag)

describe("VM queries", () => {
  it.effect("listVms sorts by name and filters by limit (name or UUID), node and state", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(names(yield* listVms()), ["batch", "db", "web"])
      assert.deepStrictEqual(names(yield* listVms({ limit: "^[bd]" })), ["batch", "db"])
      assert.deepStrictEqual(names(yield* listVms({ limit: uuidFor("web").slice(-6) })), ["web"])
      assert.deepStrictEqual(names(yield* listVms({ node: "hv1" })), ["batch", "web"])
      assert.deepStrictEqual(names(yield* listVms({ node: "hv1", state: "stop" })), ["batch"])
      assert.deepStrictEqual(names(yield* listVms({ node: "hv3" })), [])
      assert.deepStrictEqual(names(yield* listVms({ state: "unmigrate" })), [])
      assert.deepStrictEqual(names(yield* listVms({ limit: "b", node: "hv2" })), ["db"])
    })))

  it.effect("listVms refuses an unknown node, an unknown state and an invalid limit", () =>
    withCluster(Effect.gen(function*() {
      assert.strictEqual(yield* tag(listVms({ node: "hv9" })), "NodeNotFound")
      assert.strictEqual(yield* tag(listVms({ state: "running" })), "InvalidVmState")
      assert.strictEqual(yield* tag(listVms({ limit: "(" })), "InvalidLimit")
    })))

  it.effect("getVm matches a name or a UUID exactly", () =>
    withCluster(Effect.gen(function*() {
      assert.deepStrictEqual(names(yield* getVm("web")), ["web"])
      assert.deepStrictEqual(names(yield* getVm(uuidFor("db"))), ["db"])
      assert.deepStrictEqual(yield* getVm("we"), [])
    })))

  it.effect("dumpVm returns the stored XML, VmNotFound otherwise", () =>
    withCluster(Effect.gen(function*() {
      assert.strictEqual(yield* dumpVm("web"), "<domain><name>web</name></domain>")
      assert.strictEqual(yield* tag(dumpVm("nope")), "VmNotFound")
    })))
})

describe("VM power", () => {
  it.effect("start and stop always apply, restart and shutdown need a running VM", () =>
    withCluster(Effect.gen(function*() {
      assert.strictEqual((yield* startVm("batch")).vm.state, "start")
      assert.strictEqual((yield* restartVm("batch")).vm.state, "restart")
      assert.strictEqual((yield* stopVm(uuidFor("batch"))).vm.state, "stop")
      assert.strictEqual((yield* stopVm("batch")).vm.state, "stop")
      assert.strictEqual(yield* tag(restartVm("batch")), "VmNotRunning")
      assert.strictEqual(yield* tag(shutdownVm("batch")), "VmNotRunning")
      assert.strictEqual((yield* shutdownVm("web")).vm.state, "shutdown")
      assert.strictEqual((yield* currentVm(uuidFor("web")))?.state, "shutdown")
    })))

  it.effect("every power action of an unknown VM is VmNotFound", () =>
    withCluster(Effect.gen(function*() {
      for (const action of [startVm, restartVm, shutdownVm, stopVm]) {
        assert.strictEqual(yield* tag(action("nope")), "VmNotFound")
      }
    })))
})

describe("VM placement", () => {
  it.effect("move picks the least-allocated ready node, clears lastNode and live-migrates a running VM", () =>
    withCluster(Effect.gen(function*() {
      const { target, vm: moved } = yield* moveVm("web")
      assert.strictEqual(target, "hv2")
      assert.deepStrictEqual([moved.node, moved.lastNode, moved.state], ["hv2", null, "migrate"])
      const db = (yield* moveVm("db", { node: "hv1" })).vm
      assert.deepStrictEqual([db.node, db.lastNode, db.state], ["hv1", null, "stop"])
    })))

  it.effect("move and migrate refuse bad targets", () =>
    withCluster(Effect.gen(function*() {
      const cases = [
        [{ node: "hv9" }, "NodeNotFound"],
        [{ node: "hv3" }, "NodeNotReady"],
        [{ node: "hv4" }, "NodeNotReady"],
        [{ node: "hv1" }, "AlreadyOnNode"],
        [{ selector: "fastest" }, "InvalidSelector"]
      ] as const
      for (const [placement, expected] of cases) {
        assert.strictEqual(yield* tag(moveVm("web", placement)), expected)
        assert.strictEqual(yield* tag(migrateVm("web", { ...placement, force: false })), expected)
      }
      assert.strictEqual(yield* tag(moveVm("nope")), "VmNotFound")
      assert.strictEqual(yield* tag(migrateVm("nope", { force: false })), "VmNotFound")
      assert.strictEqual((yield* currentVm(uuidFor("web")))?.node, "hv1")
    })))

  it.effect("with no other ready node, selection fails instead of storing a node", () =>
    withCluster(
      Effect.gen(function*() {
        assert.strictEqual(yield* tag(moveVm("web", { selector: "load" })), "NoEligibleNode")
        assert.strictEqual(yield* tag(migrateVm("web", { force: false })), "NoEligibleNode")
        assert.strictEqual(yield* tag(defineVm({ xml: stubXml("new"), node: "hv2" })), "NodeNotReady")
      }),
      [node({ name: "hv1" }), node({ name: "hv2", domainState: "flush" }), vm({ name: "web", node: "hv1" })]
    ))

  it.effect("migrate records the home node; a second one needs force, which keeps it", () =>
    withCluster(Effect.gen(function*() {
      const first = yield* migrateVm("web", { node: "hv2", force: false })
      assert.deepStrictEqual([first.vm.node, first.vm.lastNode, first.vm.state], ["hv2", "hv1", "migrate"])
      assert.strictEqual(yield* tag(migrateVm("web", { node: "hv1", force: false })), "VmAlreadyMigrated")
      const forced = yield* migrateVm("web", { node: "hv1", force: true })
      assert.deepStrictEqual([forced.vm.node, forced.vm.lastNode], ["hv1", "hv1"])
      const batch = (yield* migrateVm("batch", { force: false })).vm
      assert.deepStrictEqual([batch.node, batch.lastNode, batch.state], ["hv2", "hv1", "stop"])
    })))

  it.effect("unmigrate returns to lastNode and clears it", () =>
    withCluster(Effect.gen(function*() {
      const { target, vm: back } = yield* unmigrateVm("db")
      assert.strictEqual(target, "hv1")
      assert.deepStrictEqual([back.node, back.lastNode, back.state], ["hv1", null, "stop"])
      assert.strictEqual(yield* tag(unmigrateVm("db")), "VmNotMigrated")
      assert.strictEqual(yield* tag(unmigrateVm("nope")), "VmNotFound")
    })))

  it.effect("unmigrate refuses a home node that is gone or not ready", () =>
    withCluster(
      Effect.gen(function*() {
        assert.strictEqual(yield* tag(unmigrateVm("a")), "NodeNotFound")
        assert.strictEqual(yield* tag(unmigrateVm("b")), "NodeNotReady")
      }),
      [
        node({ name: "hv1" }),
        node({ name: "hv2", domainState: "flushed" }),
        vm({ name: "a", node: "hv1", lastNode: "gone" }),
        vm({ name: "b", node: "hv1", lastNode: "hv2" })
      ]
    ))
})

describe("VM definition", () => {
  it.effect("define stores a stopped VM on the selected node, generating a missing UUID", () =>
    withCluster(Effect.gen(function*() {
      const { vm: created } = yield* defineVm({ xml: stubXml("new", undefined, ["vms/new_disk0"]) })
      assert.deepStrictEqual(
        [created.uuid, created.node, created.state, created.lastNode, created.failedReason],
        ["generated-new", "hv2", "stop", null, ""]
      )
      assert.include(created.xml, "<uuid>generated-new</uuid>")
      assert.deepStrictEqual<ReadonlyArray<string>>(created.rbdList, ["vms/new_disk0"])
      assert.strictEqual((yield* defineVm({ xml: stubXml("other"), node: "hv1", selector: "bogus" })).vm.node, "hv1")
      assert.deepStrictEqual(names(yield* getVm("generated-new")), ["new"])
    })))

  it.effect("define refuses existing names and UUIDs, bad XML and bad targets", () =>
    withCluster(Effect.gen(function*() {
      assert.strictEqual(yield* tag(defineVm({ xml: stubXml("web", "fresh") })), "VmNameExists")
      assert.strictEqual(yield* tag(defineVm({ xml: stubXml("fresh", uuidFor("web")) })), "VmUuidExists")
      assert.strictEqual(yield* tag(defineVm({ xml: "not xml" })), "InvalidDomainXml")
      assert.strictEqual(yield* tag(defineVm({ xml: stubXml("fresh"), node: "hv9" })), "NodeNotFound")
      assert.strictEqual(yield* tag(defineVm({ xml: stubXml("fresh"), selector: "x" })), "InvalidSelector")
      assert.strictEqual((yield* listVms()).length, 3)
    })))

  it.effect("modify replaces the XML, may rename, restarts only on request and when running", () =>
    withCluster(Effect.gen(function*() {
      const renamed = (yield* modifyVm("web", { xml: stubXml("www", uuidFor("web")), restart: false })).vm
      assert.deepStrictEqual([renamed.name, renamed.state, renamed.node], ["www", "start", "hv1"])
      assert.strictEqual((yield* modifyVm("www", { xml: stubXml("www", uuidFor("web")), restart: true })).vm.state, "restart")
      const batch = (yield* modifyVm("batch", { xml: stubXml("batch", uuidFor("batch")), restart: true })).vm
      assert.strictEqual(batch.state, "stop")
      assert.strictEqual(yield* dumpVm("batch"), stubXml("batch", uuidFor("batch")))
    })))

  it.effect("modify refuses a UUID change, a taken name, bad XML and an unknown VM", () =>
    withCluster(Effect.gen(function*() {
      assert.strictEqual(yield* tag(modifyVm("web", { xml: stubXml("web", "other"), restart: false })), "VmUuidChanged")
      assert.strictEqual(yield* tag(modifyVm("web", { xml: stubXml("db", uuidFor("web")), restart: false })), "VmNameExists")
      assert.strictEqual(yield* tag(modifyVm("web", { xml: "<bad", restart: false })), "InvalidDomainXml")
      assert.strictEqual(yield* tag(modifyVm("nope", { xml: stubXml("nope"), restart: false })), "VmNotFound")
      assert.deepStrictEqual(names(yield* listVms()), names(cluster.flatMap((e) => e._tag === "Vm" ? [e] : []).sort((a, b) => a.name < b.name ? -1 : 1)))
    })))
})
