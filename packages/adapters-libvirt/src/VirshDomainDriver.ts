import { randomUUID } from "node:crypto"
import {
  type DomainDefinition,
  DomainDriver,
  DomainDriverUnavailable,
  type DomainDriverShape,
  DomainNotFound,
  DomainNotRunning,
  DomainRejected,
  DomainRunning,
  DomainShutdownTimedOut,
  VmUuid
} from "@pvc/core"
import { Duration, Effect, Layer, Option, Result } from "effect"
import { decodeDomainXml } from "./DomainXmlCodec.ts"
import { tempFile } from "./VirtXmlValidate.ts"
import { makeVirshSession, type VirshReply, type VirshSession } from "./VirshSession.ts"

const canonicalUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const shutOff = "shut off"
const pollInterval = Duration.millis(50)

const joined = (reply: VirshReply) => reply.errors.join("; ")

const definitionFromLibvirt = (xml: string) =>
  Result.mapError(
    decodeDomainXml(xml, randomUUID),
    (error) => new DomainDriverUnavailable({ reason: `unreadable definition from libvirt: ${error.reason}`, cause: error })
  )

/** A `DomainDriver` over one `virsh` connection. */
export const makeVirshDomainDriver = (virsh: VirshSession): DomainDriverShape => {
  const command = (line: string) =>
    Effect.flatMap(virsh.run(line), (reply) =>
      reply.errors.length === 0
        ? Effect.succeed(reply.output)
        : Effect.fail(new DomainDriverUnavailable({ reason: `virsh ${line}: ${joined(reply)}`, cause: undefined })))

  // the UUID becomes part of a command line, so anything but a plain UUID is simply unknown
  const state = (uuid: VmUuid): Effect.Effect<string, DomainNotFound | DomainDriverUnavailable> =>
    Effect.suspend(() => {
      if (!canonicalUuid.test(uuid)) return Effect.fail(new DomainNotFound({ uuid }))
      return Effect.flatMap(virsh.run(`domstate ${uuid}`), (reply): Effect.Effect<string, DomainNotFound | DomainDriverUnavailable> => {
        if (reply.errors.length === 0) return Effect.succeed((reply.output[0] ?? "").trim())
        return reply.errors.some((e) => e.includes("failed to get domain") || e.includes("Domain not found"))
          ? Effect.fail(new DomainNotFound({ uuid }))
          : Effect.fail(new DomainDriverUnavailable({ reason: joined(reply), cause: undefined }))
      })
    })

  const requireRunning = (uuid: VmUuid) =>
    Effect.flatMap(state(uuid), (s) => s === shutOff ? Effect.fail(new DomainNotRunning({ uuid })) : Effect.void)
  const requireStopped = (uuid: VmUuid) =>
    Effect.flatMap(state(uuid), (s) => s === shutOff ? Effect.void : Effect.fail(new DomainRunning({ uuid })))

  const define = (domain: DomainDefinition) =>
    Effect.scoped(
      Effect.gen(function*() {
        const file = yield* tempFile("domain.xml", domain.xml)
        const reply = yield* virsh.run(`define --validate ${file}`)
        if (reply.errors.length > 0) return yield* new DomainRejected({ uuid: domain.uuid, reason: joined(reply) })
      })
    )

  const start = (uuid: VmUuid) =>
    Effect.gen(function*() {
      yield* requireStopped(uuid)
      const reply = yield* virsh.run(`start ${uuid}`)
      if (reply.errors.length > 0) return yield* new DomainRejected({ uuid, reason: joined(reply) })
    })

  const waitShutOff = (uuid: VmUuid): Effect.Effect<void, DomainNotFound | DomainDriverUnavailable> =>
    Effect.flatMap(state(uuid), (s) =>
      s === shutOff ? Effect.void : Effect.sleep(pollInterval).pipe(Effect.andThen(waitShutOff(uuid))))

  const shutdown = (uuid: VmUuid, timeout: Duration.Input) =>
    Effect.gen(function*() {
      yield* requireRunning(uuid)
      yield* command(`shutdown ${uuid}`)
      const done = yield* Effect.timeoutOption(waitShutOff(uuid), timeout)
      if (Option.isNone(done)) {
        return yield* new DomainShutdownTimedOut({ uuid, millis: Duration.toMillis(Duration.fromInputUnsafe(timeout)) })
      }
    })

  const destroy = (uuid: VmUuid) => Effect.andThen(requireRunning(uuid), Effect.asVoid(command(`destroy ${uuid}`)))

  const undefine = (uuid: VmUuid) => Effect.andThen(requireStopped(uuid), Effect.asVoid(command(`undefine ${uuid}`)))

  const running = Effect.map(
    command("list --uuid"),
    (lines) => lines.map((line) => line.trim()).filter((line) => line !== "").sort().map((line) => VmUuid.make(line))
  )

  const migrate = (uuid: VmUuid, to: DomainDriverShape) =>
    Effect.gen(function*() {
      yield* requireRunning(uuid)
      const xml = (yield* command(`dumpxml --inactive --security-info ${uuid}`)).join("\n")
      const definition = yield* Effect.fromResult(definitionFromLibvirt(xml))
      if ((yield* to.running).includes(uuid)) return yield* new DomainRunning({ uuid })
      yield* to.define(definition)
      yield* to.start(uuid)
      yield* command(`destroy ${uuid}`)
      yield* command(`undefine ${uuid}`)
    })

  return { define, start, shutdown, destroy, undefine, running, migrate }
}

/** The driver over `virsh -c <uri>`, one connection for the layer's lifetime. */
export const layerVirsh = (uri: string): Layer.Layer<DomainDriver, DomainDriverUnavailable> =>
  Layer.effect(DomainDriver, Effect.map(makeVirshSession(uri), makeVirshDomainDriver))

/** A libvirt test-driver hypervisor that starts with no domains (`test:///<file>` with `<node/>`). */
export const makeTestDriverSession = Effect.gen(function*() {
  const file = yield* tempFile("node.xml", "<node/>\n")
  return yield* makeVirshSession(`test://${file}`)
})

/** A fresh, empty libvirt test-driver hypervisor (in-process in virsh, no daemon needed). */
export const layerTestDriver: Layer.Layer<DomainDriver, DomainDriverUnavailable> = Layer.effect(
  DomainDriver,
  Effect.map(makeTestDriverSession, makeVirshDomainDriver)
)

