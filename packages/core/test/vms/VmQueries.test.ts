import { assert } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect, Exit } from "effect"
import { getVm, listVms } from "../../src/vms/index.ts"
import { arbCluster, entities } from "../nodes/Builders.ts"
import { layerCluster } from "./Fixture.ts"

const arbFilters = fc.record({
  limit: fc.constantFrom("vm1", "^vm[02]$", "000vm", "zzz", "("),
  node: fc.constantFrom("hv1", "hv2", "a", "ghost", ""),
  state: fc.constantFrom("start", "stop", "migrate", "unmigrate", "bogus", "")
}, { requiredKeys: [] })

test.prop([arbCluster, arbFilters])("listVms equals a naive filter of all VMs sorted by name", (c, filters) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const exit = yield* Effect.exit(listVms(filters))
      const nodes = new Set(c.nodes.map((n) => n.name as string))
      const { limit, node, state } = filters
      if ((node ?? "") !== "" && !nodes.has(node!)) return assert.isTrue(Exit.isFailure(exit))
      if (state === "bogus" || limit === "(") return assert.isTrue(Exit.isFailure(exit))
      const re = limit === undefined ? undefined : new RegExp(`^${limit.startsWith("^") ? "" : ".*"}${limit.replace(/^\^/, "")}`)
      const expected = c.vms
        .filter((v) => !node || v.node === node)
        .filter((v) => !state || v.state === state)
        .filter((v) => re === undefined || re.test(v.name) || re.test(v.uuid))
        .map((v) => v.name)
        .sort()
      assert.deepStrictEqual(Exit.isSuccess(exit) ? exit.value.map((v) => v.name) : "failed", expected)
      for (const v of c.vms) {
        assert.deepStrictEqual((yield* getVm(v.name)).map((x) => x.uuid), [v.uuid])
        assert.deepStrictEqual((yield* getVm(v.uuid)).map((x) => x.name), [v.name])
      }
    }).pipe(Effect.provide(layerCluster(entities(c))))
  ))
