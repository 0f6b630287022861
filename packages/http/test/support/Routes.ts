import { assert } from "@effect/vitest"
import { type Api, call, messageOf, type Reply } from "./Harness.ts"

/** A successful POST: 200 with a message. */
export const expectOk = async (api: Api, path: string, form?: Record<string, string>): Promise<string> => {
  const reply = await call(api, "POST", path, form === undefined ? {} : { form })
  assert.strictEqual(reply.status, 200, `${path}: ${reply.text}`)
  assert.isString(messageOf(reply))
  return messageOf(reply)
}

/** A refused call: 510 with exactly `{message}`. */
export const expectFailure = async (
  api: Api,
  method: string,
  path: string,
  expected: string | RegExp,
  form?: Record<string, string>
): Promise<Reply> => {
  const reply = await call(api, method, path, form === undefined ? {} : { form })
  assert.strictEqual(reply.status, 510, `${method} ${path}: ${reply.text}`)
  assert.deepStrictEqual(Object.keys(reply.body as object), ["message"])
  if (typeof expected === "string") assert.strictEqual(messageOf(reply), expected)
  else assert.match(messageOf(reply), expected)
  return reply
}

export const getJson = async (api: Api, path: string): Promise<unknown> => {
  const reply = await call(api, "GET", path)
  assert.strictEqual(reply.status, 200, `${path}: ${reply.text}`)
  assert.match(reply.contentType ?? "", /application\/json/)
  return reply.body
}

export const names = (body: unknown, field = "name"): Array<unknown> =>
  (body as Array<Record<string, unknown>>).map((item) => item[field])
