import { layer as DomainXmlLive } from "@pvc/adapters-libvirt"
import { PipeStorage } from "@pvc/adapters-ceph"
import { layer as RegexEngineLive } from "@pvc/adapters-re2js"
import { layerConfig as zkConfig, layerNoDeps as ClusterStoreZk, layerZkClient } from "@pvc/adapters-zk"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Console, Effect, Exit, Layer, Logger, References, Runtime } from "effect"
import { readFileSync } from "node:fs"
import { parseCommand, USAGE } from "./config/Args.ts"
import { type ApiConfig, defaultConfig, type LogLevel, loadConfig } from "./config/ApiConfig.ts"
import { embeddedStore, layerEmbedded } from "./embedded/Embedded.ts"
import { layerServer, listenProblem, readTlsFiles } from "./server/Server.ts"

const LOG_LEVELS: ReadonlyArray<LogLevel> = ["Trace", "Debug", "Info", "Warn", "Error", "Fatal", "None"]

/** `PVC_LOG_LEVEL` overrides the file's `pvc.api.log_level`. */
const logLevel = (config: ApiConfig): LogLevel =>
  LOG_LEVELS.find((l) => l.toLowerCase() === (process.env["PVC_LOG_LEVEL"] ?? "").toLowerCase()) ?? config.logLevel

/** The embedded cluster runs the testkit's simulated node daemons unless `PVC_SIMULATE=0`. */
const SIMULATE = process.env["PVC_SIMULATE"] !== "0"

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version

/** The cluster's own ZooKeeper, one client for both: the store, and Ceph through the `/ceph/cmd` pipe the daemons answer. */
const layerZooKeeper = (config: ApiConfig) => {
  const zk = zkConfig({ coordinators: config.coordinators, chroot: config.chroot })
  return Layer.mergeAll(
    ClusterStoreZk,
    PipeStorage.layerNoDeps({ deadlines: { default: "60 seconds", osd: "15 minutes" } })
  ).pipe(Layer.provide(layerZkClient), Layer.provide(zk))
}

const backends = (config: ApiConfig) =>
  config.coordinators.length > 0
    ? { store: `ZooKeeper at ${config.coordinators.join(",")}${config.chroot ?? ""}`, layer: layerZooKeeper(config) }
    : { store: embeddedStore(SIMULATE), layer: layerEmbedded(SIMULATE) }

// Set by the signal that stops the API, for the shutdown log line.
let stopSignal: string | undefined
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => (stopSignal ??= signal))

/** Runs the API until interrupted; one log line when a shutdown starts and one when it is done. */
const serve = <A, E>(app: Layer.Layer<A, E>) =>
  Effect.scoped(Effect.gen(function*() {
    let started = false
    yield* Effect.addFinalizer(() => started ? Effect.logInfo("pvc-api stopped") : Effect.void)
    yield* Layer.build(app)
    started = true
    yield* Effect.addFinalizer(() =>
      Effect.logInfo("pvc-api shutting down").pipe(Effect.annotateLogs({ signal: stopSignal ?? "none" }))
    )
    return yield* Effect.never
  }))

const start = (path: string | undefined) =>
  Effect.gen(function*() {
    const config = path === undefined ? defaultConfig : yield* loadConfig(path)
    const tls = yield* readTlsFiles(config)
    const backend = backends(config)
    const scheme = tls === undefined ? "http" : "https"
    const app = layerServer(config, tls).pipe(Layer.provide([backend.layer, DomainXmlLive, RegexEngineLive]))
    yield* Effect.logInfo("pvc-api starting").pipe(Effect.annotateLogs({
      version: VERSION,
      config: config.source,
      listen: `${scheme}://${config.listenAddress}:${config.listenPort === 0 ? "<any free port>" : config.listenPort}`,
      store: backend.store,
      authentication: config.auth.enabled ? "enabled" : "disabled"
    }))
    for (const warning of config.warnings) yield* Effect.logWarning(warning)
    return yield* serve(app).pipe(
      Effect.catchTag("ServeError", (e) => Effect.fail(listenProblem(config, e))),
      Effect.provideService(References.MinimumLogLevel, logLevel(config))
    )
  })

/** A start that cannot succeed: one line saying what is wrong and what to do, exit code 1. */
const refuse = (message: string) =>
  Console.error(`pvc-api: refusing to start: ${message}`).pipe(Effect.andThen(Effect.sync(() => void (process.exitCode = 1))))

const program = Effect.suspend(() => {
  const command = parseCommand(process.argv.slice(2), process.env)
  switch (command._tag) {
    case "Help":
      return Console.log(USAGE)
    case "Version":
      return Console.log(`pvc-api ${VERSION}`)
    case "Invalid":
      return Console.error(`pvc-api: ${command.problem}; see pvc-api --help`).pipe(
        Effect.andThen(Effect.sync(() => void (process.exitCode = 2)))
      )
    case "Serve":
      return start(command.configPath)
  }
}).pipe(
  Effect.catchTags({
    ConfigInvalid: (e) => refuse(e.message),
    TlsFilesUnreadable: (e) => refuse(e.message),
    ListenFailed: (e) => refuse(e.message)
  }),
  Effect.provide(Logger.layer([Logger.consoleLogFmt]))
)

/** SIGTERM/SIGINT interrupt the program: the server drains and closes, and that is a clean stop (exit 0). */
const teardown: Runtime.Teardown = (exit, onExit) =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause) ? onExit(0) : Runtime.defaultTeardown(exit, onExit)

NodeRuntime.runMain(program, { teardown })
