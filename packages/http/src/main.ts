import { layer as DomainXmlLive } from "@pvc/adapters-libvirt"
import { PipeStorage } from "@pvc/adapters-ceph"
import { layerConfig as zkConfig, layerNoDeps as ClusterStoreZk, layerZkClient, parseCoordinators } from "@pvc/adapters-zk"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Console, Effect, Exit, Layer, Logger, References, Runtime } from "effect"
import { type ApiConfig, configPath, defaultConfig, type LogLevel, loadConfig } from "./config/ApiConfig.ts"
import { embeddedStore, layerEmbedded } from "./embedded/Embedded.ts"
import { layerServer, readTlsFiles } from "./server/Server.ts"

const LOG_LEVELS: ReadonlyArray<LogLevel> = ["Trace", "Debug", "Info", "Warn", "Error", "Fatal", "None"]

/** `PVC_LOG_LEVEL` overrides the file's `pvc.api.log_level`. */
const logLevel = (config: ApiConfig): LogLevel =>
  LOG_LEVELS.find((l) => l.toLowerCase() === (process.env["PVC_LOG_LEVEL"] ?? "").toLowerCase()) ?? config.logLevel

/** The embedded cluster runs the testkit's simulated node daemons unless `PVC_SIMULATE=0`. */
const SIMULATE = process.env["PVC_SIMULATE"] !== "0"

/** The cluster's own ZooKeeper, one client for both: the store, and Ceph through the `/ceph/cmd` pipe the daemons answer. */
// A `/chroot` after the last coordinator (ZooKeeper connection-string syntax) is honoured.
const layerZooKeeper = (coordinators: ReadonlyArray<string>) => {
  const zk = parseCoordinators(coordinators.join(","))
  return Layer.mergeAll(
    ClusterStoreZk,
    PipeStorage.layerNoDeps({ deadlines: { default: "60 seconds", osd: "15 minutes" } })
  ).pipe(Layer.provide(layerZkClient), Layer.provide(zkConfig(zk)))
}

const backends = (config: ApiConfig) =>
  config.coordinators.length > 0
    ? { store: `ZooKeeper at ${config.coordinators.join(",")}`, layer: layerZooKeeper(config.coordinators) }
    : { store: embeddedStore(SIMULATE), layer: layerEmbedded(SIMULATE) }

const program = Effect.gen(function*() {
  const path = configPath(process.argv.slice(2), process.env)
  const config = path === undefined ? defaultConfig : yield* loadConfig(path)
  const tls = yield* readTlsFiles(config)
  const backend = backends(config)
  const scheme = tls === undefined ? "http" : "https"
  const app = layerServer(config, tls).pipe(Layer.provide([backend.layer, DomainXmlLive]))
  yield* Effect.logInfo("pvc-api starting").pipe(Effect.annotateLogs({
    config: config.source,
    listen: `${scheme}://${config.listenAddress}:${config.listenPort === 0 ? "<any free port>" : config.listenPort}`,
    store: backend.store,
    authentication: config.auth.enabled ? "enabled" : "disabled"
  }))
  return yield* Layer.launch(app).pipe(Effect.provideService(References.MinimumLogLevel, logLevel(config)))
}).pipe(
  Effect.catchTags({
    ConfigInvalid: (e) => Console.error(`pvc-api: refusing to start: ${e.message}`).pipe(Effect.andThen(Effect.sync(() => void (process.exitCode = 1)))),
    TlsFilesUnreadable: (e) => Console.error(`pvc-api: refusing to start: ${e.message}`).pipe(Effect.andThen(Effect.sync(() => void (process.exitCode = 1))))
  }),
  Effect.provide(Logger.layer([Logger.consoleLogFmt]))
)

/** SIGTERM/SIGINT interrupt the program: the server drains and closes, and that is a clean stop (exit 0). */
const teardown: Runtime.Teardown = (exit, onExit) =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause) ? onExit(0) : Runtime.defaultTeardown(exit, onExit)

NodeRuntime.runMain(program, { teardown })
