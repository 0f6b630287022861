import { assert, describe, it } from "@effect/vitest"
import { dumpChroot, send, startZkApi, treeProblems } from "./support.ts"

describe("reliability harness", () => {
  it("serves a seeded ZooKeeper cluster and its tree is valid", async () => {
    const api = await startZkApi()
    try {
      const reply = await send(api.url, "GET", "/api/v1/vm")
      assert.strictEqual(reply.status, 200)
      for (const p of ["/api/v1", "/api/v1/vm?limit=x", "/api/v1/node", "/api/v1/vm", "/api/v1"]) {
        const started = performance.now()
        const n = 3000
        await Promise.all(Array.from({ length: 16 }, async (_, w) => {
          for (let i = w; i < n; i += 16) await send(api.url, "GET", p)
        }))
        console.log(`${p} reads/s ${(n / ((performance.now() - started) / 1000)).toFixed(0)}`)
      }
      const problems = treeProblems(await dumpChroot(api.chroot))
      assert.deepStrictEqual(problems.filter((p) => !p.includes("outside")).slice(0, 5), []); assert.deepStrictEqual(problems, [])
    } finally {
      await api.close()
    }
  }, 60_000)
})
