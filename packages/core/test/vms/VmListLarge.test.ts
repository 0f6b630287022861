import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import { listVms } from "../../src/vms/index.ts"
import { node, vm } from "../nodes/Builders.ts"
import { layerCluster } from "./Fixture.ts"

const nodes = Array.from({ length: 16 }, (_, i) => node({ name: `hv${i}` }))
const vms = Array.from({ length: 10_000 }, (_, i) =>
  vm({ name: `vm${String((i * 7919) % 10_000).padStart(5, "0")}`, uuid: `uuid-${i}`, node: `hv${i % 16}` }))

// Timings of these queries are measured by `pnpm bench` (vm-limit), not asserted here.
it.live("listVms over 10,000 VMs: sorted by name, filters and limits", () =>
  Effect.gen(function*() {
    const first = yield* listVms()
    assert.strictEqual(first.length, 10_000)
    assert.strictEqual(first[0]!.name, "vm00000")
    assert.strictEqual((yield* listVms({ node: "hv3", state: "stop" })).length, 625)
    assert.strictEqual((yield* listVms({ limit: "^vm0012" })).length, 10)
    assert.strictEqual((yield* listVms({ limit: "uuid-99$" })).length, 1)
    assert.deepStrictEqual(yield* listVms(), first)
  }).pipe(Effect.provide(layerCluster([...nodes, ...vms]))))
