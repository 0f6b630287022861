import { assert, describe, it } from "@effect/vitest"
import { ClusterStore, put } from "@pvc/core"
import { makeNode, makeVm } from "@pvc/testkit"
import { Effect, Exit, Fiber, Layer } from "effect"
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { layer } from "../src/ClusterStoreZk.ts"
import { INIT_KEYS } from "../src/Layout.ts"
import { layerConfig } from "../src/ZkConfig.ts"
import { rawClient, testZk, zkRaw } from "./support.ts"

// This test stops and restarts a ZooKeeper of its own (scripts/zookeeper.sh), not the shared one.
testZk()

const script = resolve(import.meta.dirname, "../../../scripts/zookeeper.sh")
const zkctl = (command: "start" | "stop", dir: string) =>
  Effect.promise(() => promisify(execFile)(script, [command, dir]).then((r) => r.stdout))

const uuidOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`
const VM_KEYS = ["", "/consolelog", "/failedreason", "/lastnode", "/node", "/rbdlist", "/state", "/xml"]

interface Outcome {
  readonly uuid: string
  readonly result: "ok" | string
  readonly millis: number
}

const waitFor = (what: string, done: () => boolean, timeoutMillis = 30_000) =>
  Effect.gen(function*() {
    const start = Date.now()
    while (!done()) {
      if (Date.now() - start > timeoutMillis) return yield* Effect.die(new Error(`timed out waiting for ${what}`))
      yield* Effect.sleep(50)
    }
  })

describe("ZooKeeper store under faults", () => {
  it.live("commits during a ZooKeeper outage either land whole or fail with StoreUnavailable", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "pvc-zk-fault-"))
      yield* Effect.addFinalizer(() =>
        zkctl("stop", dir).pipe(Effect.andThen(Effect.sync(() => rmSync(dir, { recursive: true, force: true }))))
      )
      const address = (yield* zkctl("start", dir)).trim().split("=")[1]!
      const client = yield* Effect.promise(() => rawClient("", address))
      yield* Effect.promise(() => zkRaw(client).create(INIT_KEYS))
      client.close()

      const config = layerConfig({ coordinators: [address], sessionTimeout: 8_000, requestTimeout: 2_000 })
      yield* Effect.gen(function*() {
        const store = yield* ClusterStore
        const outcomes: Array<Outcome> = []
        let running = true
        const loop = yield* Effect.gen(function*() {
          for (let i = 1; running; i++) {
            const started = Date.now()
            const exit = yield* Effect.exit(
              Effect.flatMap(store.snapshot, (base) =>
                store.commit({ base, changes: [put(makeVm(`vm${i}`, uuidOf(i), "hv1", { state: "start" }))], guards: [] }))
            )
            outcomes.push({
              uuid: uuidOf(i),
              result: Exit.isSuccess(exit) ? "ok" : Exit.isFailure(exit) ? failureTag(exit) : "?",
              millis: Date.now() - started
            })
            yield* Effect.sleep(10)
          }
        }).pipe(Effect.forkChild)
        const successes = () => outcomes.filter((o) => o.result === "ok").length

        yield* waitFor("commits before the outage", () => successes() >= 20)
        yield* zkctl("stop", dir)
        const duringOutage = outcomes.length
        yield* Effect.sleep(1_500)
        yield* zkctl("start", dir)
        const okBefore = successes()
        yield* waitFor("commits after the restart", () => successes() >= okBefore + 20)
        running = false
        yield* Fiber.join(loop)

        const failures = outcomes.filter((o) => o.result !== "ok")
        assert.isAbove(failures.length, 0, "some commits ran into the outage")
        assert.isAbove(outcomes.length, duringOutage)
        for (const f of failures) {
          assert.strictEqual(f.result, "StoreUnavailable", `commit of ${f.uuid}`)
          assert.isBelow(f.millis, 2_500, `failing commit of ${f.uuid} failed fast`)
        }
        // Nothing half-written: every VM in ZooKeeper has all its keys; every success is there.
        const daemon = zkRaw(yield* Effect.promise(() => rawClient("", address)))
        const stored = new Set(yield* Effect.promise(() => daemon.children("/domains")))
        for (const uuid of stored) {
          const keys = (yield* Effect.promise(() => daemon.dump(`/domains/${uuid}`))).map(([p]) => p)
          assert.deepStrictEqual(keys, VM_KEYS.map((k) => `/domains/${uuid}${k}`))
        }
        for (const o of outcomes) if (o.result === "ok") assert.isTrue(stored.has(o.uuid), `committed ${o.uuid}`)
        // The store serves again and agrees with ZooKeeper.
        const snap = yield* store.snapshot
        assert.deepStrictEqual(new Set([...snap.vms.keys()]), stored)
      }).pipe(Effect.provide(layer.pipe(Layer.provide(config))))
    }).pipe(Effect.scoped), 120_000)

  it.live("a lost session is replaced: the store reloads and follows ZooKeeper again", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "pvc-zk-expiry-"))
      yield* Effect.addFinalizer(() =>
        zkctl("stop", dir).pipe(Effect.andThen(Effect.sync(() => rmSync(dir, { recursive: true, force: true }))))
      )
      const address = (yield* zkctl("start", dir)).trim().split("=")[1]!
      const config = layerConfig({ coordinators: [address], sessionTimeout: 6_000, requestTimeout: 2_000 })
      yield* Effect.gen(function*() {
        const store = yield* ClusterStore
        yield* Effect.flatMap(store.snapshot, (base) => store.commit({ base, changes: [put(makeNode("hv1"))], guards: [] }))
        // A server that lost its data knows nothing of our session: it is expired on reconnect.
        yield* zkctl("stop", dir)
        rmSync(join(dir, "data"), { recursive: true, force: true })
        const failed = yield* Effect.flip(store.snapshot)
        assert.strictEqual(failed._tag, "StoreUnavailable")
        yield* zkctl("start", dir)
        const daemon = zkRaw(yield* Effect.promise(() => rawClient("", address)))
        yield* Effect.promise(() => daemon.create([["/nodes", ""], ["/nodes/hv2", "hypervisor"], ["/nodes/hv2/daemonstate", "run"]]))
        let names: ReadonlyArray<string> = []
        yield* waitFor("the reloaded mirror", () => names.includes("hv2"), 30_000).pipe(
          Effect.raceFirst(Effect.forever(Effect.gen(function*() {
            const snap = yield* Effect.option(store.snapshot)
            if (snap._tag === "Some") names = [...snap.value.nodes.keys()]
            yield* Effect.sleep(100)
          })))
        )
        assert.deepStrictEqual(names, ["hv2"])
        yield* Effect.flatMap(store.snapshot, (base) => store.commit({ base, changes: [put(makeNode("hv3"))], guards: [] }))
        assert.isDefined((yield* Effect.promise(() => daemon.get("/nodes/hv3/daemonstate"))))
      }).pipe(Effect.provide(layer.pipe(Layer.provide(config))))
    }).pipe(Effect.scoped), 120_000)
})

const failureTag = (exit: Exit.Exit<unknown, { readonly _tag: string }>): string => {
  if (Exit.isSuccess(exit)) return "ok"
  const failure = exit.cause.reasons.find((r) => r._tag === "Fail")
  return failure !== undefined && failure._tag === "Fail" ? failure.error._tag : "defect"
}
