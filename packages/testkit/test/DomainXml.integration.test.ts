import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Entity } from "@pvc/core"
import * as fc from "fast-check"
import { arbCluster } from "../src/arbitraries/index.ts"
import { demoCluster } from "../src/demo/index.ts"

// libvirt's own schema check (scripts/libvirt-deps.sh installs it); hard-fails when it is missing.
const validate = (xmls: ReadonlyArray<string>) => {
  const dir = mkdtempSync(join(tmpdir(), "pvc-domainxml-"))
  try {
    return xmls.flatMap((xml, i) => {
      const file = join(dir, `${i}.xml`)
      writeFileSync(file, xml)
      try {
        execFileSync("virt-xml-validate", [file, "domain"], { stdio: "pipe" })
        return []
      } catch (error) {
        return [`${xml.slice(0, 120)}…: ${String((error as { stderr?: unknown }).stderr ?? error)}`]
      }
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const xmlsOf = (entities: ReadonlyArray<Entity>) => entities.flatMap((e) => (e._tag === "Vm" ? [e.xml] : []))

describe("generated domain XML is valid libvirt XML", () => {
  it("for the demo cluster", () => {
    assert.deepStrictEqual(validate(xmlsOf(demoCluster())), [])
  })

  it("for generated clusters", () => {
    const xmls = fc.sample(arbCluster({ minVms: 1 }), { numRuns: 15, seed: 11 }).flatMap(xmlsOf)
    assert.isAbove(xmls.length, 15)
    assert.deepStrictEqual(validate(xmls), [])
  })
})
