import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import { readFileSync } from "node:fs"
import { createServer as createHttpServer, type Server } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import { createSecureContext } from "node:tls"
import { OPENAPI_PATH, PvcApi } from "../api/PvcApi.ts"
import { AuthenticationLive } from "../auth/AuthenticationLive.ts"
import { layerAuthSettings } from "../auth/AuthSettings.ts"
import { type ApiConfig, systemErrorText } from "../config/ApiConfig.ts"
import { GeneralHandlers } from "../handlers/general/index.ts"
import { NetworkHandlers } from "../handlers/network/index.ts"
import { NodeHandlers } from "../handlers/node/index.ts"
import { StorageHandlers } from "../handlers/storage/index.ts"
import { VmHandlers } from "../handlers/vm/index.ts"
import { pipeline } from "./Pipeline.ts"
import { MAX_REQUEST_HEAD_BYTES, ROUTER_CONFIG } from "./RouteTable.ts"
import { layerWarmViews } from "./WarmViews.ts"

/** Every route of the manual plus the OpenAPI document derived from the same declarations. */
export const ApiRoutes = HttpApiBuilder.layer(PvcApi, { openapiPath: OPENAPI_PATH }).pipe(
  Layer.provide([GeneralHandlers, NodeHandlers, VmHandlers, NetworkHandlers, StorageHandlers]),
  Layer.provide(AuthenticationLive)
)

export const layerHttp = Layer.unwrap(Effect.gen(function*() {
  const app = yield* HttpRouter.toHttpEffect(ApiRoutes).pipe(Effect.provideService(HttpRouter.RouterConfig, ROUTER_CONFIG))
  return HttpServer.serve(pipeline(app))
}))

export class TlsFilesUnreadable extends Schema.TaggedError<TlsFilesUnreadable>()("TlsFilesUnreadable", {
  message: Schema.String
}) {}

export interface TlsFiles {
  readonly cert: Buffer
  readonly key: Buffer
}

const readPem = (key: "cert_file" | "key_file", path: string, what: string) =>
  Effect.try({
    try: () => readFileSync(path),
    catch: (e) =>
      new TlsFilesUnreadable({
        message: `pvc.api.ssl.${key}: cannot read ${path}: ${systemErrorText(e)}; give a readable PEM ${what}`
      })
  })

/** The configured certificate and key, read and checked once at start (a bad path or PEM refuses the start). */
export const readTlsFiles = (config: ApiConfig): Effect.Effect<TlsFiles | undefined, TlsFilesUnreadable> =>
  !config.ssl.enabled ? Effect.succeed(undefined) : Effect.gen(function*() {
    const cert = yield* readPem("cert_file", config.ssl.certFile, "certificate")
    const key = yield* readPem("key_file", config.ssl.keyFile, "private key")
    return yield* Effect.try({
      try: () => {
        createSecureContext({ cert, key })
        return { cert, key }
      },
      catch: (e) =>
        new TlsFilesUnreadable({
          message: `pvc.api.ssl: ${config.ssl.certFile} and ${config.ssl.keyFile} are not a usable certificate and key (${
            e instanceof Error ? e.message : String(e)
          }); give a PEM certificate and its own private key`
        })
    })
  })

/** The listener could not be opened; `message` says why and what to change. */
export class ListenFailed extends Schema.TaggedError<ListenFailed>()("ListenFailed", {
  message: Schema.String
}) {}

export const listenProblem = (config: ApiConfig, error: { readonly cause: unknown }): ListenFailed => {
  const where = `${config.listenAddress}:${config.listenPort}`
  const code = error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException).code : undefined
  const message = code === "EADDRINUSE"
    ? `${where} is already in use by another process; stop that process or choose another pvc.api.listen_port`
    : code === "EACCES"
    ? `no permission to listen on ${where}; choose a pvc.api.listen_port above 1023 or grant CAP_NET_BIND_SERVICE`
    : code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN"
    ? `${config.listenAddress} is not an address of this machine (${code}); correct pvc.api.listen_address`
    : `cannot listen on ${where}: ${systemErrorText(error.cause)}; check pvc.api.listen_address and pvc.api.listen_port`
  return new ListenFailed({ message })
}

/** Slow clients: headers must arrive within `headersMs`, the whole request within `requestMs`. */
export interface ServerTimeouts {
  readonly headersMs: number
  readonly requestMs: number
}

// A 1 MiB domain XML over a slow link still fits in two minutes; a stalled client holds a socket no longer.
export const SERVER_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 120_000 }

// node:https servers speak the node:http server interface the platform layer drives.
const makeNodeServer = (tls: TlsFiles | undefined, timeouts: ServerTimeouts): Server => {
  const options = {
    maxHeaderSize: MAX_REQUEST_HEAD_BYTES,
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs)
  }
  return tls === undefined
    ? createHttpServer(options)
    : createHttpsServer({ ...options, cert: tls.cert, key: tls.key }) as unknown as Server
}

export const layerListener = (config: ApiConfig, tls: TlsFiles | undefined, timeouts = SERVER_TIMEOUTS) =>
  NodeHttpServer.layer(() => makeNodeServer(tls, timeouts), { port: config.listenPort, host: config.listenAddress })

const logListening = Layer.effectDiscard(
  HttpServer.addressFormattedWith((address) => Effect.logInfo("listening").pipe(Effect.annotateLogs({ address })))
)

/** The API served per the configuration; the ports (store, Ceph, XML) are provided by the caller. */
export const layerServer = (config: ApiConfig, tls: TlsFiles | undefined, timeouts = SERVER_TIMEOUTS) =>
  Layer.merge(layerHttp, logListening).pipe(
    Layer.provideMerge(layerListener(config, tls, timeouts)),
    Layer.provide(layerAuthSettings(config)),
    // Built first: the listener opens once the VM list is ready to be served.
    Layer.provide(layerWarmViews)
  )
