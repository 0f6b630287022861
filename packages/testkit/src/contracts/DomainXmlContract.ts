import { assert, describe, it } from "@effect/vitest"
import { DomainXml } from "@pvc/core"
import { Effect, type Layer } from "effect"
import * as fc from "fast-check"
import { arbMac, arbMemoryMiB, arbUuid, arbVcpus, arbVmName } from "../arbitraries/ArbEntities.ts"
import { domainXml, type DomainXmlSpec } from "../demo/DomainXml.ts"

const demoSpec: DomainXmlSpec = {
  name: "demo-web",
  uuid: "3c1f2a90-1b2c-4d5e-8f90-a1b2c3d4e5f6",
  description: "web & app <server>",
  memoryMiB: 2048,
  vcpus: 2,
  rbdDisks: ["vms/demo-web_disk0", "vms/demo-web_disk1"],
  fileDisks: ["/var/lib/libvirt/images/seed.qcow2"],
  interfaces: [{ mac: "52:54:00:ab:cd:01", bridge: "vmbr100" }]
}

const arbSpec: fc.Arbitrary<DomainXmlSpec> = fc.record({
  name: arbVmName,
  uuid: arbUuid,
  description: fc.option(fc.string({ maxLength: 40 }).map((s) => s.trim()), { nil: undefined }),
  memoryMiB: arbMemoryMiB,
  vcpus: arbVcpus,
  rbdDisks: fc.array(fc.constantFrom("vms", "ssd").chain((pool) => arbVmName.map((v) => `${pool}/${v}`)), { maxLength: 3 }),
  fileDisks: fc.array(fc.constantFrom("/srv/a.qcow2", "/srv/b.qcow2"), { maxLength: 2 }),
  interfaces: fc.array(fc.record({ mac: arbMac, bridge: fc.constantFrom("vmbr100", "vmbr200") }), { maxLength: 3 })
}).map(({ description, ...rest }) => description === undefined ? rest : { ...rest, description })

const parse = (xml: string) => DomainXml.use((codec) => codec.parse(xml))
const reason = (xml: string) => Effect.map(Effect.flip(parse(xml)), (error) => error._tag)

/** Invalid documents every `DomainXml` must refuse with `InvalidDomainXml`. */
export const invalidDomainXmls: ReadonlyArray<readonly [string, string]> = [
  ["empty input", ""],
  ["text", "not xml at all"],
  ["an unclosed element", "<domain type='kvm'><name>a</name>"],
  ["mismatched tags", "<domain><name>a</domain></name>"],
  ["a repeated attribute", "<domain type='kvm' type='xen'><name>a</name></domain>"],
  ["another document element", "<network><name>a</name></network>"],
  ["two document elements", "<domain><name>a</name></domain><domain><name>b</name></domain>"],
  ["no <name>", "<domain type='kvm'><memory>1024</memory></domain>"],
  ["an empty <name>", "<domain type='kvm'><name> </name></domain>"],
  ["an invalid <uuid>", "<domain type='kvm'><name>a</name><uuid>1234</uuid></domain>"],
  ["an undeclared entity", "<domain type='kvm'><name>a&foo;</name></domain>"],
  ["a stray ampersand", "<domain type='kvm'><name>a & b</name></domain>"],
  ["a DOCTYPE", "<!DOCTYPE domain><domain type='kvm'><name>a</name></domain>"],
  [
    "an entity expansion (billion laughs)",
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
    `<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><domain><name>&lol3;</name></domain>`
  ],
  [
    "an external entity",
    `<?xml version="1.0"?><!DOCTYPE domain [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><domain><name>&xxe;</name></domain>`
  ]
]

/** The behaviour every `DomainXml` (the codec, or a fake) must show. */
export const domainXmlSuite = (name: string, codec: Layer.Layer<DomainXml>, options: { readonly numRuns?: number } = {}) => {
  const test = (title: string, body: Effect.Effect<void, unknown, DomainXml>) =>
    it.effect(title, () => Effect.provide(body, codec))

  describe(`DomainXml contract (${name})`, () => {
    test("a demo domain gives its name, UUID, RBD list and details", Effect.gen(function*() {
      const domain = yield* parse(domainXml(demoSpec))
      assert.strictEqual(domain.name, "demo-web")
      assert.strictEqual(domain.uuid, demoSpec.uuid)
      assert.strictEqual(domain.xml, domainXml(demoSpec))
      assert.deepStrictEqual(domain.rbdList.map(String), ["vms/demo-web_disk0", "vms/demo-web_disk1"])
      assert.strictEqual(domain.details.description, "web & app <server>")
      assert.strictEqual(domain.details.memory, "2048")
      assert.strictEqual(domain.details.vcpu, "2")
      assert.deepStrictEqual(domain.details.networks.map((n) => [n.type, n.mac, n.source, n.model]), [
        ["bridge", "52:54:00:ab:cd:01", "vmbr100", "virtio"]
      ])
      assert.deepStrictEqual(domain.details.disks.map((d) => [d.type, d.name, d.dev, d.bus]), [
        ["rbd", "vms/demo-web_disk0", "sda", "scsi"],
        ["rbd", "vms/demo-web_disk1", "sdb", "scsi"],
        ["file", "/var/lib/libvirt/images/seed.qcow2", "sdc", "scsi"]
      ])
    }))

    test("a missing <uuid> is generated and written into the XML", Effect.gen(function*() {
      const withoutUuid = domainXml(demoSpec).replace(`  <uuid>${demoSpec.uuid}</uuid>\n`, "")
      const first = yield* parse(withoutUuid)
      const second = yield* parse(withoutUuid)
      assert.notStrictEqual(first.uuid, second.uuid)
      assert.include(first.xml, `<uuid>${first.uuid}</uuid>`)
      const again = yield* parse(first.xml)
      assert.strictEqual(again.uuid, first.uuid)
      assert.strictEqual(again.xml, first.xml)
    }))

    for (const [what, xml] of invalidDomainXmls) {
      test(`a document with ${what} is InvalidDomainXml`, Effect.map(reason(xml), (tag) => assert.strictEqual(tag, "InvalidDomainXml")))
    }

    it.effect("generated domains are read back as generated", () =>
      Effect.promise(() =>
        fc.assert(fc.asyncProperty(arbSpec, (spec) =>
          Effect.runPromise(Effect.provide(Effect.gen(function*() {
            const domain = yield* parse(domainXml(spec))
            assert.strictEqual(domain.uuid, spec.uuid)
            assert.strictEqual(domain.name, spec.name)
            // `unit='MiB'`: shown as the text written (zk-layout §3).
            assert.strictEqual(domain.details.memory, String(spec.memoryMiB))
            assert.strictEqual(domain.details.vcpu, String(spec.vcpus))
            assert.strictEqual(domain.details.description, spec.description ?? "N/A")
            assert.deepStrictEqual(domain.rbdList.map(String), [...(spec.rbdDisks ?? [])])
            assert.deepStrictEqual(domain.details.networks.map((n) => n.mac), (spec.interfaces ?? []).map((i) => i.mac))
          }), codec))), { numRuns: options.numRuns ?? 100 })
      ))
  })
}
