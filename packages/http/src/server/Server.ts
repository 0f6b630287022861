import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServer } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import { readFileSync } from "node:fs"
import { createServer as createHttpServer, type Server } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import { OPENAPI_PATH, PvcApi } from "../api/PvcApi.ts"
import { AuthenticationLive } from "../auth/AuthenticationLive.ts"
import { layerAuthSettings } from "../auth/AuthSettings.ts"
import type { ApiConfig } from "../config/ApiConfig.ts"
import { GeneralHandlers } from "../handlers/general/index.ts"
import { NetworkHandlers } from "../handlers/network/index.ts"
import { NodeHandlers } from "../handlers/node/index.ts"
import { StorageHandlers } from "../handlers/storage/index.ts"
import { VmHandlers } from "../handlers/vm/index.ts"
import { pipeline } from "./Pipeline.ts"
import { layerWarmViews } from "./WarmViews.ts"

/** Every route of the manual plus the OpenAPI document derived from the same declarations. */
export const ApiRoutes = HttpApiBuilder.layer(PvcApi, { openapiPath: OPENAPI_PATH }).pipe(
  Layer.provide([GeneralHandlers, NodeHandlers, VmHandlers, NetworkHandlers, StorageHandlers]),
  Layer.provide(AuthenticationLive)
)

export const layerHttp = Layer.unwrap(Effect.gen(function*() {
  const app = yield* HttpRouter.toHttpEffect(ApiRoutes)
  return HttpServer.serve(pipeline(app))
}))

export class TlsFilesUnreadable extends Schema.TaggedError<TlsFilesUnreadable>()("TlsFilesUnreadable", {
  message: Schema.String
}) {}

export interface TlsFiles {
  readonly cert: Buffer
  readonly key: Buffer
}

/** The configured certificate and key, read once at start (a bad path refuses the start). */
export const readTlsFiles = (config: ApiConfig): Effect.Effect<TlsFiles | undefined, TlsFilesUnreadable> =>
  !config.ssl.enabled ? Effect.succeed(undefined) : Effect.try({
    try: () => ({ cert: readFileSync(config.ssl.certFile), key: readFileSync(config.ssl.keyFile) }),
    catch: (e) =>
      new TlsFilesUnreadable({
        message: `pvc.api.ssl: cannot read the certificate or key: ${e instanceof Error ? e.message : String(e)}`
      })
  })

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
