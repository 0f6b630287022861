import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { AuthFailure, type OSD_OPTIONS, PvcApi, PvcFailure } from "../../http/src/api/index.ts"
import { Context, Duration, Effect, Layer } from "effect"
import { HttpClient, HttpClientError, HttpClientRequest, type HttpClientResponse, UrlParams } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { readFileSync } from "node:fs"
import { type ClientError, NoSuchEndpoint, UnexpectedAnswer, Unreachable } from "./Errors.ts"

export const DEFAULT_URL = "http://127.0.0.1:7370"

export interface ClientOptions {
  /** Where the API listens (default http://127.0.0.1:7370); a path prefix is kept. */
  readonly url?: string | undefined
  /** An API token, sent as the `token` value of every request. */
  readonly token?: string | undefined
  /** A PEM file of the CA(s) that signed the API's certificate. */
  readonly caFile?: string | undefined
  /** Accept any certificate (testing only). */
  readonly insecure?: boolean | undefined
  /** Bound of one request, milliseconds (default 30 s). */
  readonly timeoutMs?: number | undefined
}

type RawClient = Effect.Success<ReturnType<typeof makeRaw>>

/** A declared failure of the API or one of the client's own. */
export type PvcError = PvcFailure | AuthFailure | ClientError

/** The decoded value only (the raw client's methods may also answer the response itself). */
type Decoded<S> = Exclude<S, HttpClientResponse.HttpClientResponse | readonly [unknown, HttpClientResponse.HttpClientResponse]>

/**
 * The request values the OpenAPI document types (packages/http/src/api/Document.ts `VALUE_TYPES`).
 * The wire is unchanged: the client sends them as strings and the server validates the strings.
 */
export interface RequestValueTypes {
  readonly vni: number
  readonly order: number
  readonly pgs: number
  readonly weight: number
  readonly nettype: "managed" | "bridged"
  readonly direction: "in" | "out"
  readonly selector: "mem" | "load" | "vcpus" | "vms"
  readonly state: "start" | "restart" | "shutdown" | "stop" | "migrate" | "failed" | "delete"
  readonly option: typeof OSD_OPTIONS[number]
}

/** A query whose typed values replace the declared strings (optionality kept). */
type TypedQuery<Q> = {
  [K in keyof Q]: K extends keyof RequestValueTypes ? RequestValueTypes[K] | Exclude<Q[K], string> : Q[K]
}

/** A request whose `query` carries typed values. */
export type TypedRequest<A> = { [K in keyof A]: K extends "query" ? TypedQuery<A[K]> : A[K] }

type Typed<M> = M extends (request: infer A) => Effect.Effect<infer S, infer _E, infer R>
  ? (request: TypedRequest<A>) => Effect.Effect<Decoded<S>, PvcError, R>
  : never

/** The typed client: one method per route, grouped as the declarations are (`client.vm.list({ query: {} })`). */
export type Client = { readonly [G in keyof RawClient]: { readonly [M in keyof RawClient[G]]: Typed<RawClient[G][M]> } }

/** POST values travel in an urlencoded body (a domain XML does not fit in a URL); the token with them. */
const prepare = (token: string | undefined) => (request: HttpClientRequest.HttpClientRequest) => {
  const withToken = token === undefined ? request : HttpClientRequest.setUrlParam(request, "token", token)
  if (withToken.method !== "POST" || withToken.urlParams.params.length === 0) return withToken
  return withToken.pipe(
    HttpClientRequest.bodyUrlParams(withToken.urlParams),
    HttpClientRequest.setUrlParams(UrlParams.empty)
  )
}

const makeRaw = (options: ClientOptions) =>
  HttpApiClient.make(PvcApi, {
    baseUrl: options.url ?? DEFAULT_URL,
    transformClient: (client) =>
      client.pipe(
        HttpClient.mapRequest(prepare(options.token)),
        HttpClient.transformResponse(Effect.timeoutOrElse({
          duration: Duration.millis(options.timeoutMs ?? 30_000),
          orElse: () => Effect.die("timeout")
        }))
      )
  })

const messageOf = (body: unknown): string | undefined =>
  typeof body === "object" && body !== null && "message" in body && typeof body.message === "string" ? body.message : undefined

const statusFailure = (response: HttpClientResponse.HttpClientResponse, methodAndUrl: string) =>
  Effect.gen(function*() {
    const status = response.status
    const body = yield* response.json.pipe(Effect.orElseSucceed(() => undefined))
    const message = messageOf(body) ?? `HTTP ${status} from ${methodAndUrl}`
    return status === 404 || status === 405
      ? new NoSuchEndpoint({ status, message })
      : new UnexpectedAnswer({ status, message })
  })

/** Every failure becomes a declared API failure or a `ClientError`. */
export const classify = (url: string) => (error: unknown): Effect.Effect<never, PvcError> => {
  if (
    error instanceof PvcFailure || error instanceof AuthFailure || error instanceof NoSuchEndpoint ||
    error instanceof Unreachable || error instanceof UnexpectedAnswer
  ) return Effect.fail(error)
  if (HttpClientError.isHttpClientError(error)) {
    const reason = error.reason
    if (reason._tag === "StatusCodeError" || reason._tag === "DecodeError" && reason.response !== undefined) {
      return Effect.flatMap(statusFailure(reason.response!, reason.methodAndUrl), Effect.fail)
    }
    if (reason._tag === "TransportError" || reason._tag === "InvalidUrlError") {
      return Effect.fail(new Unreachable({ url, message: causeText(reason.cause) ?? reason.message }))
    }
    const status = "response" in reason ? reason.response.status : undefined
    return Effect.fail(new UnexpectedAnswer({ ...(status === undefined ? {} : { status }), message: reason.message }))
  }
  return Effect.fail(new UnexpectedAnswer({ message: error instanceof Error ? error.message : String(error) }))
}

const causeText = (cause: unknown): string | undefined => {
  if (!(cause instanceof Error)) return undefined
  const code = "code" in cause && typeof cause.code === "string" ? `${cause.code}: ` : ""
  return `${code}${cause.message}`
}

/** The wire form of a typed request: numbers as their decimal strings, the rest unchanged. */
export const encodeRequest = (request: unknown): unknown => {
  if (typeof request !== "object" || request === null || !("query" in request)) return request
  const query = request.query
  if (typeof query !== "object" || query === null) return request
  const encoded = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, typeof v === "number" ? String(v) : v]))
  return { ...request, query: encoded }
}

const wrap = (raw: RawClient, url: string, timeoutMs: number): Client => {
  const groups = raw as unknown as Record<string, Record<string, (request?: unknown) => Effect.Effect<unknown, unknown>>>
  const timedOut = new Unreachable({ url, message: `no answer within ${timeoutMs} ms` })
  const wrapped = Object.fromEntries(Object.entries(groups).map(([group, methods]) => [
    group,
    Object.fromEntries(Object.entries(methods).map(([name, method]) => [
      name,
      (request?: unknown) =>
        method(encodeRequest(request)).pipe(
          Effect.catchDefect((defect) => defect === "timeout" ? Effect.fail(timedOut) : Effect.die(defect)),
          Effect.catch(classify(url))
        )
    ]))
  ]))
  return wrapped as unknown as Client
}

/** The typed client over the given `HttpClient`. */
export const make = (options: ClientOptions = {}): Effect.Effect<Client, never, HttpClient.HttpClient> =>
  Effect.map(makeRaw(options), (raw) => wrap(raw, options.url ?? DEFAULT_URL, options.timeoutMs ?? 30_000))

export class PvcClient extends Context.Service<PvcClient, Client>()("pvc/client/PvcClient") {}

/** Node's http/https client with the TLS options. */
export const layerHttp = (options: ClientOptions = {}): Layer.Layer<HttpClient.HttpClient, Unreachable> =>
  Layer.unwrap(Effect.map(readCa(options), (ca) =>
    NodeHttpClient.layerNodeHttpOptions({
      ...(ca === undefined ? {} : { ca }),
      ...(options.insecure === true ? { rejectUnauthorized: false } : {})
    })))

const readCa = (options: ClientOptions) =>
  options.caFile === undefined ? Effect.succeed(undefined) : Effect.try({
    try: () => readFileSync(options.caFile!),
    catch: (e) => new Unreachable({ url: options.url ?? DEFAULT_URL, message: `cannot read the CA file: ${causeText(e)}` })
  })

/** `PvcClient` over Node's http/https. */
export const layer = (options: ClientOptions = {}): Layer.Layer<PvcClient, Unreachable> =>
  Layer.effect(PvcClient, make(options)).pipe(Layer.provide(layerHttp(options)))
