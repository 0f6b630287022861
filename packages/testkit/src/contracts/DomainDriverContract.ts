import { assert, describe, it } from "@effect/vitest"
import { type DomainDefinition, type DomainDriverShape, DomainXml, VmUuid } from "@pvc/core"
import { Effect, type Layer, type Scope } from "effect"
import { domainXml } from "../demo/DomainXml.ts"

/** How drivers under test are obtained: every call gives a new, empty hypervisor. */
export type DomainDriverFactory = Effect.Effect<DomainDriverShape, unknown, Scope.Scope>

const uuids = [
  "3c1f2a90-1b2c-4d5e-8f90-a1b2c3d4e5f6",
  "7d2e3b81-2c3d-4e5f-9a01-b2c3d4e5f607",
  "0a9b8c7d-6e5f-4a3b-8c1d-e2f3a4b5c6d7"
].map((uuid) => VmUuid.make(uuid))
const [uuidA, uuidB, uuidC] = uuids as [VmUuid, VmUuid, VmUuid]

const definition = (name: string, uuid: string, memoryMiB = 512) =>
  DomainXml.use((codec) => codec.parse(domainXml({ name, uuid, memoryMiB, vcpus: 1 })))

const demoDefinition = (uuid: string) =>
  DomainXml.use((codec) =>
    codec.parse(domainXml({
      name: "demo-web",
      uuid,
      description: "web & app <server>",
      memoryMiB: 2048,
      vcpus: 2,
      rbdDisks: ["vms/demo-web_disk0", "vms/demo-web_disk1"],
      fileDisks: ["/var/lib/libvirt/images/seed.qcow2"],
      interfaces: [{ mac: "52:54:00:ab:cd:01", bridge: "vmbr100" }, { mac: "52:54:00:ab:cd:02", bridge: "vmbr200" }]
    }))
  )

const failure = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => error._tag)

const defineAndStart = (driver: DomainDriverShape, domain: DomainDefinition) =>
  Effect.andThen(driver.define(domain), driver.start(domain.uuid))

/**
 * The behaviour every `DomainDriver` must show, the in-memory fake as libvirt itself (its
 * test driver behind virsh). Definitions come from the `DomainXml` codec in `codec`.
 */
export const domainDriverSuite = (name: string, makeDriver: DomainDriverFactory, codec: Layer.Layer<DomainXml>) => {
  const test = (title: string, body: (driver: DomainDriverShape) => Effect.Effect<void, unknown, DomainXml | Scope.Scope>) =>
    it.live(title, () =>
      Effect.scoped(Effect.flatMap(makeDriver, body)).pipe(Effect.provide(codec)))
  const testTwo = (
    title: string,
    body: (from: DomainDriverShape, to: DomainDriverShape) => Effect.Effect<void, unknown, DomainXml | Scope.Scope>
  ) =>
    it.live(title, () =>
      Effect.scoped(Effect.flatMap(Effect.all([makeDriver, makeDriver]), ([from, to]) => body(from, to))).pipe(
        Effect.provide(codec)
      ))

  describe(`DomainDriver contract (${name})`, () => {
    test("a new hypervisor runs nothing", (driver) =>
      Effect.map(driver.running, (running) => assert.deepStrictEqual(running, [])))

    test("a defined domain runs once started, and only once", (driver) =>
      Effect.gen(function*() {
        yield* driver.define(yield* definition("alpha", uuidA))
        assert.deepStrictEqual(yield* driver.running, [])
        yield* driver.start(uuidA)
        assert.deepStrictEqual(yield* driver.running, [uuidA])
        assert.strictEqual(yield* failure(driver.start(uuidA)), "DomainRunning")
      }))

    test("a demo-like domain with RBD and file disks, interfaces and console is accepted", (driver) =>
      Effect.gen(function*() {
        yield* defineAndStart(driver, yield* demoDefinition(uuidB))
        assert.deepStrictEqual(yield* driver.running, [uuidB])
      }))

    test("every operation on an unknown UUID is DomainNotFound", (driver) =>
      Effect.gen(function*() {
        assert.strictEqual(yield* failure(driver.start(uuidC)), "DomainNotFound")
        assert.strictEqual(yield* failure(driver.shutdown(uuidC, "1 second")), "DomainNotFound")
        assert.strictEqual(yield* failure(driver.destroy(uuidC)), "DomainNotFound")
        assert.strictEqual(yield* failure(driver.undefine(uuidC)), "DomainNotFound")
        assert.strictEqual(yield* failure(driver.start(VmUuid.make("not-a-uuid; list"))), "DomainNotFound")
      }))

    test("a graceful shutdown stops the domain; a stopped one cannot be shut down", (driver) =>
      Effect.gen(function*() {
        yield* defineAndStart(driver, yield* definition("alpha", uuidA))
        yield* driver.shutdown(uuidA, "10 seconds")
        assert.deepStrictEqual(yield* driver.running, [])
        assert.strictEqual(yield* failure(driver.shutdown(uuidA, "1 second")), "DomainNotRunning")
      }))

    test("destroy stops at once; a stopped domain cannot be destroyed", (driver) =>
      Effect.gen(function*() {
        yield* defineAndStart(driver, yield* definition("alpha", uuidA))
        yield* driver.destroy(uuidA)
        assert.deepStrictEqual(yield* driver.running, [])
        assert.strictEqual(yield* failure(driver.destroy(uuidA)), "DomainNotRunning")
      }))

    test("undefine needs a stopped domain and forgets it", (driver) =>
      Effect.gen(function*() {
        yield* defineAndStart(driver, yield* definition("alpha", uuidA))
        assert.strictEqual(yield* failure(driver.undefine(uuidA)), "DomainRunning")
        yield* driver.destroy(uuidA)
        yield* driver.undefine(uuidA)
        assert.strictEqual(yield* failure(driver.start(uuidA)), "DomainNotFound")
        assert.strictEqual(yield* failure(driver.undefine(uuidA)), "DomainNotFound")
      }))

    test("redefining a domain (same name and UUID) updates it", (driver) =>
      Effect.gen(function*() {
        yield* driver.define(yield* definition("alpha", uuidA, 512))
        yield* driver.define(yield* definition("alpha", uuidA, 1024))
        yield* driver.start(uuidA)
        assert.deepStrictEqual(yield* driver.running, [uuidA])
      }))

    test("a second domain with a taken name is rejected", (driver) =>
      Effect.gen(function*() {
        yield* driver.define(yield* definition("alpha", uuidA))
        assert.strictEqual(yield* failure(driver.define(yield* definition("alpha", uuidB))), "DomainRejected")
      }))

    test("renaming a defined domain through define is rejected", (driver) =>
      Effect.gen(function*() {
        yield* driver.define(yield* definition("alpha", uuidA))
        assert.strictEqual(yield* failure(driver.define(yield* definition("beta", uuidA))), "DomainRejected")
      }))

    test("running lists every running domain, sorted", (driver) =>
      Effect.gen(function*() {
        yield* defineAndStart(driver, yield* definition("alpha", uuidA))
        yield* defineAndStart(driver, yield* definition("beta", uuidB))
        yield* driver.define(yield* definition("gamma", uuidC))
        assert.deepStrictEqual(yield* driver.running, [uuidA, uuidB].sort())
      }))

    testTwo("migrate moves a running domain: running on the target, gone from the source", (from, to) =>
      Effect.gen(function*() {
        yield* defineAndStart(from, yield* demoDefinition(uuidA))
        yield* from.migrate(uuidA, to)
        assert.deepStrictEqual(yield* from.running, [])
        assert.deepStrictEqual(yield* to.running, [uuidA])
        assert.strictEqual(yield* failure(from.start(uuidA)), "DomainNotFound")
        yield* to.shutdown(uuidA, "10 seconds")
        yield* to.start(uuidA)
        yield* to.migrate(uuidA, from)
        assert.deepStrictEqual(yield* from.running, [uuidA])
      }))

    testTwo("migrate needs a running domain here and none running there", (from, to) =>
      Effect.gen(function*() {
        assert.strictEqual(yield* failure(from.migrate(uuidA, to)), "DomainNotFound")
        yield* from.define(yield* definition("alpha", uuidA))
        assert.strictEqual(yield* failure(from.migrate(uuidA, to)), "DomainNotRunning")
        yield* from.start(uuidA)
        yield* defineAndStart(to, yield* definition("alpha", uuidA))
        assert.strictEqual(yield* failure(from.migrate(uuidA, to)), "DomainRunning")
        assert.deepStrictEqual(yield* from.running, [uuidA])
      }))
  })
}
