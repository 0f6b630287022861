import { assert, describe, it } from "@effect/vitest"
import { fuzz } from "./Fuzz.ts"
import { dumpChroot, startZkApi, treeProblems } from "./support.ts"

// PVC_FUZZ_REQUESTS raises the count for the long run (`pnpm fuzz:long`); PVC_FUZZ_SEED replays a run.
const TOTAL = Number(process.env["PVC_FUZZ_REQUESTS"] ?? 100_000)
const SEED = Number(process.env["PVC_FUZZ_SEED"] ?? Date.now() % 2 ** 31)

describe("hostile input on every route, over HTTP, on ZooKeeper", () => {
  it(`${TOTAL} generated requests: no 5xx, no hang, failures are {message}, the tree stays valid`, async () => {
    const api = await startZkApi()
    try {
      const report = await fuzz(api.url, { total: TOTAL, batch: 50, seed: SEED })
      const tree = await dumpChroot(api.chroot)
      const problems = treeProblems(tree)
      console.log(`fuzz: seed=${SEED} requests=${report.requests} seconds=${(report.millis / 1000).toFixed(1)} ` +
        `rate=${(report.requests / (report.millis / 1000)).toFixed(0)}/s slowest_ms=${report.slowestMillis.toFixed(0)} ` +
        `statuses=${JSON.stringify(report.statuses)} znodes=${tree.size}`)
      assert.deepStrictEqual(report.problems.slice(0, 20), [])
      assert.isAtLeast(report.requests, TOTAL)
      assert.deepStrictEqual(problems.slice(0, 20), [])
      // The run must reach the use-cases (200 and 510), not only routing failures.
      assert.isAbove(report.statuses["200"] ?? 0, TOTAL / 20)
      assert.isAbove(report.statuses["510"] ?? 0, TOTAL / 20)
    } finally {
      await api.close()
    }
  }, 3_600_000)
})
