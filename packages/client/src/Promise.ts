import { Cause, type Effect, Exit, type Layer, ManagedRuntime } from "effect"
import type { HttpClient } from "effect/http"
import { type Client, type ClientOptions, layerHttp, make, type PvcError } from "./Client.ts"
import type { Unreachable } from "./Errors.ts"

type Promised<M> = M extends (request: infer A) => Effect.Effect<infer S, PvcError, infer _R> ? (request: A) => Promise<S> : never

/**
 * The same client without Effect: every method returns a Promise that rejects with the same typed
 * failure (`PvcFailure`, `AuthFailure`, `NoSuchEndpoint`, `Unreachable`, `UnexpectedAnswer`, all `Error`s
 * with a `_tag` and a `message`). `close()` frees its connections.
 */
export type PromiseClient = { readonly [G in keyof Client]: { readonly [M in keyof Client[G]]: Promised<Client[G][M]> } } & {
  readonly close: () => Promise<void>
}

const settle = <A>(exit: Exit.Exit<A, PvcError>): Promise<A> =>
  Exit.isSuccess(exit) ? Promise.resolve(exit.value) : Promise.reject(Cause.squash(exit.cause))

export const connect = async (options: ClientOptions = {}): Promise<PromiseClient> => {
  const http: Layer.Layer<HttpClient.HttpClient, Unreachable> = layerHttp(options)
  const runtime = ManagedRuntime.make(http)
  const client = await runtime.runPromise(make(options))
  const groups = client as unknown as Record<string, Record<string, (request?: unknown) => Effect.Effect<unknown, PvcError, HttpClient.HttpClient>>>
  const promised = Object.fromEntries(Object.entries(groups).map(([group, methods]) => [
    group,
    Object.fromEntries(Object.entries(methods).map(([name, method]) => [
      name,
      (request?: unknown) => runtime.runPromiseExit(method(request)).then(settle)
    ]))
  ]))
  return { ...promised, close: () => runtime.dispose() } as unknown as PromiseClient
}
