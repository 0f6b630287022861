import { fc } from "@fast-check/vitest"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { PvcApi } from "@pvc/http/api"
import { demoCluster } from "@pvc/testkit"
import { Effect, Exit } from "effect"
import { OpenApi } from "effect/http-api"
import { type Api, startApi } from "../../http/test/support/Harness.ts"
import { type Client, layer, PvcClient, PvcFailure } from "../src/index.ts"

type Parameter = { name: string; in: string; required?: boolean; schema?: { enum?: Array<string> } }
type Operation = { operationId: string; parameters?: Array<Parameter> }
type Method = (request: unknown) => Effect.Effect<unknown, unknown>

const document = OpenApi.fromApi(PvcApi) as unknown as { paths: Record<string, Record<string, Operation>> }
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })))

const valueOf = (parameter: Parameter): string => parameter.schema?.enum?.[0] ?? "1"

/** A request for the operation: arbitrary path values, every mandatory value present. */
const requestFor = (op: Operation, name: string) => {
  const parameters = op.parameters ?? []
  const params = Object.fromEntries(parameters.filter((p) => p.in === "path").map((p) => [p.name, name]))
  const query = Object.fromEntries(parameters.filter((p) => p.in === "query" && p.required === true).map((p) => [p.name, valueOf(p)]))
  return { params, query }
}

describe("every route of the OpenAPI document is reachable through the client", () => {
  let api: Api
  let client: Client
  beforeAll(async () => {
    api = await startApi({ entities: demoCluster() })
    client = await Effect.runPromise(Effect.service(PvcClient).pipe(Effect.provide(layer({ url: api.url }))))
  })
  afterAll(() => api.close())

  const methodOf = (operationId: string): Method => {
    const [group, name] = operationId.split(".") as [string, string]
    const method = (client as unknown as Record<string, Record<string, Method>>)[group]?.[name]
    assert.isFunction(method, operationId)
    return method!
  }

  it("has one client method per operation (63)", () => {
    assert.strictEqual(operations.length, 63)
    for (const { op } of operations) methodOf(op.operationId)
  })

  it("each answers with its declared success or a declared refusal (510), never an unknown route or answer", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), async ({ key, op }, name) => {
        const exit = await Effect.runPromiseExit(methodOf(op.operationId)(requestFor(op, name)))
        if (Exit.isFailure(exit)) {
          const reason = exit.cause.reasons[0]
          assert.instanceOf(reason?._tag === "Fail" ? reason.error : reason, PvcFailure, `${key} (${name}): ${String(exit.cause)}`)
        }
      }),
      { numRuns: 300 }
    )
  })
})
