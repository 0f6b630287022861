import { assert, describe, it } from "@effect/vitest"
import type { DomainDefinition, InvalidDomainXml } from "@pvc/core"
import { Result } from "effect"
import * as fc from "fast-check"
import { decodeDomainXml } from "../src/DomainXmlCodec.ts"
import { memoryJson, memoryMiB } from "../src/MemoryUnits.ts"
import { arbDomainXml, demoXml, minimalXml } from "./fixtures/DomainXmlFixtures.ts"

const fixedUuid = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
const decode = (xml: string) => decodeDomainXml(xml, () => fixedUuid)

const accepted = (xml: string): DomainDefinition => {
  const result = decode(xml)
  if (Result.isFailure(result)) assert.fail(`refused: ${result.failure.reason}`)
  return result.success
}

const refused = (xml: string): InvalidDomainXml => {
  const result = decode(xml)
  if (Result.isSuccess(result)) assert.fail("accepted")
  assert.strictEqual(result.failure._tag, "InvalidDomainXml")
  return result.failure
}

const plain = (domain: DomainDefinition) => ({
  ...domain.details,
  name: String(domain.details.name),
  uuid: String(domain.details.uuid),
  networks: domain.details.networks.map((n) => [n.type, n.mac, n.source, n.model]),
  disks: domain.details.disks.map((d) => [d.type, d.name, d.dev, d.bus]),
  controllers: domain.details.controllers.map((c) => [c.type, c.model])
})

describe("DomainXml codec: details", () => {
  it("reads every detail of a demo VM", () => {
    const domain = accepted(demoXml)
    assert.strictEqual(domain.xml, demoXml)
    assert.deepStrictEqual(domain.rbdList.map(String), ["vms/demo-web_disk0", "ssd/demo-web_data"])
    assert.deepStrictEqual(plain(domain), {
      name: "demo-web",
      uuid: "3c1f2a90-1b2c-4d5e-8f90-a1b2c3d4e5f6",
      description: "Web & app server <prod> été",
      memory: 4096,
      vcpu: "4",
      vcpuTopology: "1/2/2",
      networks: [["bridge", "52:54:00:ab:cd:01", "vmbr100", "virtio"], ["bridge", "52:54:00:ab:cd:02", "vmbr200", "e1000"]],
      type: "hvm",
      arch: "x86_64",
      machine: "pc-i440fx-2.12",
      console: "pty",
      emulator: "/usr/bin/kvm",
      features: ["acpi", "apic", "pae"],
      disks: [
        ["rbd", "vms/demo-web_disk0", "sda", "scsi"],
        ["rbd", "ssd/demo-web_data", "sdb", "scsi"],
        ["file", "/var/lib/libvirt/images/seed.qcow2", "vda", "virtio"]
      ],
      controllers: [["scsi", "virtio-scsi"], ["usb", "none"], ["ide", "none"]]
    })
  })

  it("gives the documented defaults when optional parts are absent", () => {
    const domain = accepted("<domain><name>bare</name></domain>")
    assert.deepStrictEqual(plain(domain), {
      name: "bare",
      uuid: fixedUuid,
      description: "N/A",
      memory: "N/A",
      vcpu: "N/A",
      vcpuTopology: "N/A",
      networks: [],
      type: "",
      arch: "",
      machine: "",
      console: "",
      emulator: "",
      features: [],
      disks: [],
      controllers: []
    })
    assert.deepStrictEqual(domain.rbdList, [])
  })

  it("tolerates devices without their optional children", () => {
    const domain = accepted(
      "<domain><name>d</name><devices><disk type='network'/><disk/><interface type='network'>" +
        "<source network='default'/></interface><interface/><controller/><console/></devices></domain>"
    )
    assert.deepStrictEqual(plain(domain).disks, [["", "", "", ""], ["file", "", "", ""]])
    assert.deepStrictEqual(plain(domain).networks, [["network", "", "default", ""], ["", "", "", ""]])
    assert.deepStrictEqual(plain(domain).controllers, [["", "none"]])
    assert.strictEqual(domain.details.console, "")
  })

  it("lists only RBD network disks in rbdList", () => {
    const domain = accepted(
      "<domain><name>d</name><devices>" +
        "<disk type='network'><source protocol='nbd' name='export'/></disk>" +
        "<disk type='network'><source protocol='rbd' name='vms/d_0'/></disk>" +
        "<disk type='file'><source file='/x/rbd'/></disk>" +
        "<disk type='volume'><source pool='p' volume='v'/></disk>" +
        "</devices></domain>"
    )
    assert.deepStrictEqual(domain.rbdList.map(String), ["vms/d_0"])
    assert.deepStrictEqual(plain(domain).disks.map((d) => d[0] + ":" + d[1]), ["nbd:export", "rbd:vms/d_0", "file:/x/rbd", "volume:p/v"])
  })

  it("generated domains with any optional part missing are read as generated", () => {
    fc.assert(fc.property(arbDomainXml(false), ({ xml, expected }) => {
      const domain = accepted(xml)
      const details = plain(domain)
      assert.strictEqual(domain.uuid, expected.uuid ?? fixedUuid)
      assert.deepStrictEqual(domain.rbdList.map(String), [...expected.rbdList])
      assert.deepStrictEqual(
        {
          name: details.name, description: details.description, memory: details.memory, vcpu: details.vcpu,
          vcpuTopology: details.vcpuTopology, type: details.type, arch: details.arch, features: details.features,
          disks: details.disks, networks: details.networks, controllers: details.controllers,
          console: details.console, emulator: details.emulator
        },
        {
          name: expected.name, description: expected.description, memory: expected.memory, vcpu: expected.vcpu,
          vcpuTopology: expected.vcpuTopology, type: expected.type, arch: expected.arch, features: [...expected.features],
          disks: expected.disks.map((d) => [...d]), networks: expected.networks.map((n) => [...n]),
          controllers: expected.controllers.map((c) => [...c]), console: expected.console, emulator: expected.emulator
        }
      )
    }), { numRuns: 300 })
  })

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      decode(text)
      decode(`<domain><name>x</name>${text}</domain>`)
    }), { numRuns: 500 })
  })
})

describe("DomainXml codec: memory", () => {
  const memoryOf = (value: string, unit: string | undefined) => {
    const attr = unit === undefined ? "" : ` unit='${unit}'`
    return accepted(`<domain><name>m</name><memory${attr}>${value}</memory></domain>`).details.memory
  }

  // zk-layout §3: an int for exactly `KiB` (truncated) and `GiB`, the text as written otherwise.
  const shown: ReadonlyArray<readonly [string, string | undefined, number | string]> = [
    ["2048", "MiB", "2048"],
    ["2097152", undefined, "2097152"],
    ["1048576", "KiB", 1024],
    ["2048000", "KiB", 2000],
    ["1048575", "KiB", 1023],
    ["1536", "KiB", 1],
    ["512", "KiB", 0],
    ["4", "GiB", 4096],
    [" 4 ", "GiB", 4096],
    ["1048576", "k", "1048576"],
    ["1024", "M", "1024"],
    ["4", "G", "4"],
    ["1", "TiB", "1"],
    ["1073741824", "bytes", "1073741824"],
    ["lots", "KiB", "lots"],
    ["-5", "GiB", "-5"],
    ["99999999999999999999", "GiB", "99999999999999999999"]
  ]
  for (const [value, unit, json] of shown) {
    it(`<memory unit=${unit ?? "(none)"}>${value}</memory> is shown as ${JSON.stringify(json)}`, () => {
      assert.strictEqual(memoryOf(value, unit), json)
      assert.strictEqual(memoryJson(value, unit), json)
    })
  }

  it("KiB is whole MiB rounded down, never up", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (kib) =>
      memoryJson(String(kib), "KiB") === Math.floor(kib / 1024)))
  })

  it("any unit but KiB and GiB shows the text as written", () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 2 ** 30 }),
      fc.constantFrom(undefined, "MiB", "M", "k", "b", "KB"),
      (n, unit) => memoryJson(String(n), unit) === String(n)
    ))
  })

  const converted: ReadonlyArray<readonly [string, string | undefined, number]> = [
    ["1048576", undefined, 1024],
    ["1048576", "KiB", 1024],
    ["1024", "M", 1024],
    ["1", "TiB", 1048576],
    ["1073741824", "bytes", 1024],
    ["1024000", "KB", 977],
    ["2", "GB", 1907],
    [" 2048 ", " mib ", 2048]
  ]
  for (const [value, unit, mib] of converted) {
    it(`memoryMiB: ${value} ${unit ?? "(no unit)"} is ${mib} MiB as libvirt reads it`, () => {
      assert.strictEqual(memoryMiB(value, unit), mib)
    })
  }

  it("whole MiB in binary units convert exactly", () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 2 ** 30 }),
      fc.constantFrom(["KiB", 1024], ["MiB", 1], ["k", 1024], ["M", 1], ["bytes", 1024 * 1024]),
      (mib, [unit, perMib]) => memoryMiB(String(mib * perMib), unit) === mib
    ))
  })
})

describe("DomainXml codec: UUID", () => {
  it("inserts a generated UUID before <name>, indented like it, changing nothing else", () => {
    const original = demoXml.replace("  <uuid>3c1f2a90-1b2c-4d5e-8f90-a1b2c3d4e5f6</uuid>\n", "")
    const domain = accepted(original)
    assert.strictEqual(domain.uuid, fixedUuid)
    assert.include(domain.xml, `\n  <uuid>${fixedUuid}</uuid>\n  <name>demo-web</name>\n`)
    assert.strictEqual(domain.xml.replace(`<uuid>${fixedUuid}</uuid>\n  `, ""), original)
    assert.strictEqual(accepted(domain.xml).xml, domain.xml)
  })

  it("inserts into a one-line document", () => {
    assert.strictEqual(
      accepted(minimalXml).xml,
      minimalXml.replace("<name>", `<uuid>${fixedUuid}</uuid><name>`)
    )
  })

  it("keeps a given UUID and the XML as they are, the UUID lower-cased", () => {
    const xml = "<domain><name>u</name><uuid>3C1F2A90-1B2C-4D5E-8F90-A1B2C3D4E5F6</uuid></domain>"
    const domain = accepted(xml)
    assert.strictEqual(domain.uuid, "3c1f2a90-1b2c-4d5e-8f90-a1b2c3d4e5f6")
    assert.strictEqual(domain.xml, xml)
  })

  it("refuses a malformed UUID", () => {
    assert.include(refused("<domain><name>u</name><uuid>nope</uuid></domain>").reason, "not a UUID")
    assert.include(refused("<domain><name>u</name><uuid/></domain>").reason, "not a UUID")
  })
})

describe("DomainXml codec: refusals", () => {
  it("explains malformed XML with its position", () => {
    assert.match(refused("<domain><name>a</name>").reason, /not well-formed XML \(line 1/)
    assert.match(refused("<domain><name>a</nam></domain>").reason, /not well-formed/)
  })

  it("refuses other documents and missing names", () => {
    assert.include(refused("<network><name>n</name></network>").reason, "<network>, not <domain>")
    assert.include(refused("<domain type='kvm'/>").reason, "no <name>")
    assert.include(refused("<domain><name>a/b</name></domain>").reason, "'/'")
    assert.include(refused("<domain><name/></domain>").reason, "empty")
  })

  it("refuses a DOCTYPE, entity declarations and undeclared entities", () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`).join("") +
      `]><domain><name>&lol9;</name></domain>`
    assert.include(refused(laughs).reason, "DTD")
    assert.include(refused(`<!DOCTYPE domain SYSTEM "http://example.invalid/d.dtd"><domain><name>a</name></domain>`).reason, "DTD")
    assert.include(refused(`<!doctype domain><domain><name>a</name></domain>`).reason, "DTD")
    assert.include(refused("<domain><name>&xxe;</name></domain>").reason, "undeclared entity")
    assert.include(refused("<domain><name>a</name><description a='&x;'/></domain>").reason, "undeclared entity")
    refused("<domain><name>a</name><metadata>&amp &lt;</metadata></domain>")
  })

  it("accepts references in CDATA as plain text", () => {
    assert.strictEqual(
      accepted("<domain><name>c</name><description><![CDATA[a &x; <b>]]></description></domain>").details.description,
      "a &x; <b>"
    )
  })

  it("refuses prototype-polluting element names without crashing", () => {
    refused("<domain><name>p</name><__proto__><polluted>1</polluted></__proto__></domain>")
    assert.strictEqual(({} as Record<string, unknown>)["polluted"], undefined)
  })

  it("refuses huge input quickly", () => {
    const huge = `<domain><name>h</name><description>${"x".repeat(1024 * 1024)}</description></domain>`
    const started = performance.now()
    assert.include(refused(huge).reason, "larger than 1048576 bytes")
    assert.isBelow(performance.now() - started, 250)
  })

  it("refuses deep nesting quickly", () => {
    const depth = 50_000
    const deep = `<domain><name>d</name>${"<a>".repeat(depth)}${"</a>".repeat(depth)}</domain>`
    const started = performance.now()
    assert.include(refused(deep).reason, "nested")
    assert.isBelow(performance.now() - started, 2000)
    const moderate = `<domain><name>d</name><metadata>${"<a>".repeat(40)}${"</a>".repeat(40)}</metadata></domain>`
    accepted(moderate)
  })

  it("reads 40 000 elements just below the size limit within a few seconds (cold parser)", () => {
    const many = `<domain><name>m</name><devices>${"<controller type='usb'/>".repeat(40_000)}</devices></domain>`
    const started = performance.now()
    const result = decode(many)
    assert.isTrue(Result.isSuccess(result))
    assert.isBelow(performance.now() - started, 3000)
  })
})
