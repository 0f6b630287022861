import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import { listVms } from "../../src/vms/index.ts"
import { node, vm } from "../nodes/Builders.ts"
import { layerCluster } from "./Fixture.ts"

const nodes = Array.from({ length: 16 }, (_, i) => node({ name: `hv${i}` }))
const vms = Array.from({ length: 10_000 }, (_, i) =>
  vm({ name: `vm${String((i * 7919) % 10_000).padStart(5, "0")}`, uuid: `uuid-${i}`, node: `hv${i % 16}` }))

const averageMs = <A, E, R>(times: number, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const started = performance.now()
    for (let i = 0; i < times; i++) yield* effect
    return (performance.now() - started) / times
  })

it.live("listVms over 10,000 VMs: sorted once per snapshot, filters and repeated limits cheap", () =>
  Effect.gen(function*() {
    const first = yield* listVms()
    assert.strictEqual(first.length, 10_000)
    assert.strictEqual(first[0]!.name, "vm00000")
    assert.strictEqual((yield* listVms({ node: "hv3", state: "stop" })).length, 625)
    assert.strictEqual((yield* listVms({ limit: "^vm0012" })).length, 10)
    assert.strictEqual((yield* listVms({ limit: "uuid-99$" })).length, 1)
    const plain = yield* averageMs(20, listVms())
    const filtered = yield* averageMs(20, listVms({ node: "hv3", state: "stop" }))
    const limited = yield* averageMs(5, listVms({ limit: "^vm0012" }))
    assert.isBelow(plain, 10, `plain ${plain} ms`)
    assert.isBelow(filtered, 10, `filtered ${filtered} ms`)
    assert.isBelow(limited, 50, `repeated limit ${limited} ms`)
  }).pipe(Effect.provide(layerCluster([...nodes, ...vms]))))
