import { execFileSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { DomainXml } from "@pvc/core"
import { Effect } from "effect"
import { domainXmlSuite } from "../../testkit/src/contracts/DomainXmlContract.ts"
import { layer, layerSchemaValidated, makeTestDriverSession, memoryMiB, virtXmlValidate } from "../src/index.ts"
import { tempFile } from "../src/VirtXmlValidate.ts"
import { acceptedXmls } from "./fixtures/DomainXmlFixtures.ts"

// Hard requirement: virsh and virt-xml-validate (with xmllint) from scripts/libvirt-deps.sh.
execFileSync("virsh", ["--version"])
execFileSync("sh", ["-c", "command -v virt-xml-validate && command -v xmllint"])

const mibOf = (xml: string) => {
  const m = /<memory(?:\s+unit=['"]([^'"]*)['"])?\s*>([^<]*)</.exec(xml)
  return m === null ? undefined : memoryMiB(m[2]!, m[1])
}

const parse = (xml: string) => Effect.provide(DomainXml.use((codec) => codec.parse(xml)), layer)

describe("every XML the codec accepts in the tests is accepted by real libvirt", () => {
  for (const [name, xml] of acceptedXmls()) {
    it.live(`${name}: virsh define --validate and start on test:///, then virt-xml-validate`, () =>
      Effect.scoped(Effect.gen(function*() {
        const domain = yield* parse(xml)
        const virsh = yield* makeTestDriverSession
        const file = yield* tempFile("domain.xml", domain.xml)
        const defined = yield* virsh.run(`define --validate ${file}`)
        assert.deepStrictEqual(defined.errors, [], domain.xml)
        const started = yield* virsh.run(`start ${domain.uuid}`)
        assert.deepStrictEqual(started.errors, [], domain.xml)
        const dumped = yield* virsh.run(`dumpxml ${domain.uuid}`)
        const again = yield* parse(dumped.output.join("\n"))
        assert.strictEqual(again.uuid, domain.uuid)
        assert.deepStrictEqual(again.rbdList, domain.rbdList)
        // libvirt writes KiB back: the same MiB as libvirt read ours (the JSON form follows the unit).
        assert.strictEqual(mibOf(dumped.output.join("\n")), mibOf(domain.xml))
        assert.isUndefined(yield* virtXmlValidate(domain.xml))
      })))
  }
})

describe("schema-validated codec", () => {
  it.effect("refuses what libvirt's RelaxNG schema refuses", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(DomainXml.use((codec) =>
        codec.parse("<domain type='kvm'><name>s</name><memory>1</memory><os><type>hvm</type></os><bogus/></domain>")
      ))
      assert.strictEqual(error._tag, "InvalidDomainXml")
      assert.include(error.reason, "libvirt schema")
    }).pipe(Effect.provide(layerSchemaValidated)))
})

// each run starts virt-xml-validate (about 0.2 s)
domainXmlSuite("codec with virt-xml-validate", layerSchemaValidated, { numRuns: 15 })
