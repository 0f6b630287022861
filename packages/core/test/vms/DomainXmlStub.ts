import { Effect, Layer } from "effect"
import { VmName, VmUuid } from "../../src/domain/Ids.ts"
import { RbdDisk } from "../../src/domain/Vm.ts"
import { DomainDefinition, VmDetails } from "../../src/domain/VmDetails.ts"
import { DomainXml, InvalidDomainXml } from "../../src/ports/DomainXml.ts"

// A stand-in for the libvirt codec: `<name>`, `<uuid>` and `<rbd>pool/volume</rbd>` elements only.

const element = (xml: string, tag: string): ReadonlyArray<string> =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1]!)

export const stubXml = (name: string, uuid?: string, disks: ReadonlyArray<string> = []): string =>
  `<domain><name>${name}</name>${uuid === undefined ? "" : `<uuid>${uuid}</uuid>`}${
    disks.map((d) => `<rbd>${d}</rbd>`).join("")
  }</domain>`

export const stubDefinition = (name: string, uuid: string, xml: string, disks: ReadonlyArray<string> = []) =>
  new DomainDefinition({
    uuid: VmUuid.make(uuid),
    name: VmName.make(name),
    xml,
    rbdList: disks.map((d) => RbdDisk.make(d)),
    details: new VmDetails({
      name: VmName.make(name),
      uuid: VmUuid.make(uuid),
      description: "N/A",
      memory: 1024,
      vcpu: "1",
      vcpuTopology: "N/A",
      networks: [],
      type: "hvm",
      arch: "x86_64",
      machine: "pc",
      console: "pty",
      emulator: "/usr/bin/kvm",
      features: [],
      disks: [],
      controllers: []
    })
  })

const parse = (xml: string): Effect.Effect<DomainDefinition, InvalidDomainXml> =>
  Effect.suspend(() => {
    const [name] = element(xml, "name")
    if (!xml.startsWith("<domain>") || name === undefined || name === "") {
      return Effect.fail(new InvalidDomainXml({ reason: "no <name>" }))
    }
    const given = element(xml, "uuid")[0]
    const uuid = given ?? `generated-${name}`
    const stored = given === undefined ? xml.replace("</name>", `</name><uuid>${uuid}</uuid>`) : xml
    return Effect.succeed(stubDefinition(name, uuid, stored, element(xml, "rbd")))
  })

export const layerDomainXmlStub: Layer.Layer<DomainXml> = Layer.succeed(DomainXml, DomainXml.of({ parse }))
