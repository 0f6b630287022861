import { assert, it } from "@effect/vitest"
import { Effect, Logger, References } from "effect"
import { HttpServerRequest, HttpServerResponse } from "effect/http"
import { pipeline } from "../../src/server/Pipeline.ts"

/** Runs `app` through the pipeline for one GET, collecting the levels of what it logs. */
const serve = (app: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest>) =>
  Effect.gen(function*() {
    const levels: Array<string> = []
    const logger = Logger.make((options) => levels.push(options.logLevel))
    const response = yield* pipeline(app).pipe(
      Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(new Request("http://api/api/v1/vm"))),
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
    return { response, levels }
  })

it.effect("an interrupted handler (client gone, server stopping) is answered without an error log", () =>
  Effect.gen(function*() {
    const { levels, response } = yield* serve(Effect.interrupt)
    assert.strictEqual(response.status, 503)
    assert.notInclude(levels, "Error")
  }))

it.effect("a defect is logged as an error and answered 500", () =>
  Effect.gen(function*() {
    const { levels, response } = yield* serve(Effect.die(new Error("boom")))
    assert.strictEqual(response.status, 500)
    assert.include(levels, "Error")
  }))
