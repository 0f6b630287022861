import { type ClusterStore, type Entity, CephStorage, type CephCommand, VmStopTimeout } from "@pvc/core"
import { layer as DomainXmlLive } from "@pvc/adapters-libvirt"
import { layer as RegexEngineLive } from "@pvc/adapters-re2js"
import { layerMemory } from "@pvc/testkit"
import { Effect, Layer, ManagedRuntime } from "effect"
import { HttpServer } from "effect/http"
import { request as httpRequest } from "node:http"
import { type ApiConfig, defaultConfig } from "../../src/config/ApiConfig.ts"
import { layerServer, type TlsFiles } from "../../src/server/Server.ts"

/** Ceph that accepts every command and records it (the cluster state is the store's business). */
export const makeCephRecorder = () => {
  const commands: Array<CephCommand> = []
  const layer = Layer.succeed(CephStorage)({
    run: (command) => Effect.sync(() => void commands.push(command))
  })
  return { commands, layer }
}

export interface Api {
  readonly url: string
  readonly close: () => Promise<void>
}

export interface ApiOptions {
  readonly config?: Partial<ApiConfig>
  readonly entities?: ReadonlyArray<Entity>
  readonly ceph?: Layer.Layer<CephStorage, never, ClusterStore>
  readonly tls?: TlsFiles
  /** Bound of the undefine/remove wait, seconds. */
  readonly stopTimeoutSeconds?: number
}

/** The real server on a loopback port, over the in-memory store. */
export const startApi = async (options: ApiOptions = {}): Promise<Api> => {
  const config: ApiConfig = { ...defaultConfig, listenPort: 0, ...options.config }
  const layer = layerServer(config, options.tls).pipe(
    Layer.provide(
      Layer.mergeAll(DomainXmlLive, RegexEngineLive, options.ceph ?? makeCephRecorder().layer).pipe(
        Layer.provideMerge(layerMemory(options.entities ?? []))
      )
    ),
    Layer.provide(Layer.succeed(VmStopTimeout)(options.stopTimeoutSeconds ?? 30))
  )
  const runtime = ManagedRuntime.make(layer)
  const server = await runtime.runPromise(Effect.service(HttpServer.HttpServer))
  const address = server.address
  if (!("port" in address)) throw new Error("expected an IP address")
  const scheme = options.tls === undefined ? "http" : "https"
  return { url: `${scheme}://127.0.0.1:${address.port}`, close: () => runtime.dispose() }
}

export interface Reply {
  readonly status: number
  readonly contentType: string | null
  readonly text: string
  readonly body: unknown
  readonly headers: Headers
}

/** One request; `form` goes in an urlencoded body. */
export const call = async (
  api: Api,
  method: string,
  path: string,
  options: { readonly form?: Record<string, string>; readonly headers?: Record<string, string> } = {}
): Promise<Reply> => {
  const init: RequestInit = { method, redirect: "manual", headers: { ...options.headers } }
  if (options.form !== undefined) init.body = new URLSearchParams(options.form)
  const response = await fetch(`${api.url}${path}`, init)
  const text = await response.text()
  let body: unknown = undefined
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: response.status, contentType: response.headers.get("content-type"), text, body, headers: response.headers }
}

export const messageOf = (reply: Reply): string =>
  typeof reply.body === "object" && reply.body !== null && "message" in reply.body ? String(reply.body.message) : ""

/** GET with an urlencoded body, which fetch refuses to send (the manual allows it). */
export const getWithForm = (api: Api, path: string, form: Record<string, string>): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString()
    const request = httpRequest(`${api.url}${path}`, {
      method: "GET",
      headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) }
    }, (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (text += chunk))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }))
    })
    request.on("error", reject)
    request.end(body)
  })
