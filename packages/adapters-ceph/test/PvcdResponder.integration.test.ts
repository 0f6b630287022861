import { type ChildProcess, spawn } from "node:child_process"
import { availableParallelism } from "node:os"
import { assert, describe, it } from "@effect/vitest"
import { CephCommand, CephStorage } from "@pvc/core"
import { Layout } from "@pvc/adapters-zk"
import { Duration, Effect, Exit, Layer, Schedule, type Scope } from "effect"
import * as PipeStorage from "../src/PipeStorage.ts"
import * as ZkLock from "../src/ZkLock.ts"
import * as Zk from "../src/ZkOps.ts"
import { freshCluster, zkLayer } from "./support.ts"

/*
 * Conformance with pvcd (zk-layout §5.1, issue 14.1): a responder with the real kazoo lock recipe,
 * taken inside its single-threaded DataWatch callback, must never stall while pvc-api sends it
 * commands — from two API instances at once, with every CPU busy.
 */

const { Paths } = Layout
const RESPONDER = new URL("./pvcd_responder.py", import.meta.url).pathname
const HEARTBEAT = "/responder-heartbeat"

interface Responder {
  readonly events: Array<{ readonly event: string; readonly value?: string }>
  readonly output: () => string
  readonly process: ChildProcess
}

/** Starts the kazoo responder for `node` (Debian's python3-kazoo, hence /usr/bin/python3). */
const responder = (hosts: string, node: string): Effect.Effect<Responder, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<Responder, Error>((resume) => {
      const child = spawn("/usr/bin/python3", [RESPONDER, "--zk", hosts, "--node", node, "--heartbeat", HEARTBEAT], {
        stdio: ["pipe", "pipe", "pipe"]
      })
      let out = ""
      const r: Responder = { events: [], output: () => out, process: child }
      const timer = setTimeout(() => resume(Effect.fail(new Error(`responder not ready: ${out}`))), 30_000)
      child.stderr.on("data", (d) => (out += String(d)))
      child.stdout.on("data", (d) => {
        out += String(d)
        for (const line of String(d).split("\n")) {
          if (!line.startsWith("{")) continue
          const e = JSON.parse(line) as Responder["events"][number]
          r.events.push(e)
          if (e.event === "ready") {
            clearTimeout(timer)
            resume(Effect.succeed(r))
          }
        }
      })
      child.on("exit", (code) => {
        clearTimeout(timer)
        resume(Effect.fail(new Error(`responder exited (${code}): ${out}`)))
      })
    }),
    (r) => Effect.sync(() => r.process.kill("SIGKILL"))
  )

/** Processes that keep every CPU busy for the scope (one more than there are CPUs). */
const saturateCpus = Effect.acquireRelease(
  Effect.sync(() =>
    Array.from({ length: availableParallelism() + 1 }, () =>
      spawn("/bin/sh", ["-c", "while :; do :; done"], { stdio: "ignore" }))
  ),
  (burners) => Effect.sync(() => burners.forEach((b) => b.kill("SIGKILL")))
)

/**
 * Beats until `done` completes: writes a counter to the heartbeat key and waits for the
 * responder's callback thread to copy it to `-ack`. Returns the longest wait; fails (`stalled`)
 * when one beat is not acknowledged within `stallAfter`.
 */
const heartbeat = <A, E, R>(done: Effect.Effect<A, E, R>, stallAfter: Duration.Input) =>
  Effect.gen(function*() {
    let worst = 0
    let n = 0
    let finished = false
    const beat = Effect.gen(function*() {
      n += 1
      const started = Date.now()
      yield* Zk.setIf(HEARTBEAT, String(n))
      yield* Zk.get(`${HEARTBEAT}-ack`).pipe(
        Effect.repeat({ schedule: Schedule.spaced(Duration.millis(50)), until: (a) => a?.data === String(n) }),
        Effect.timeoutOrElse({ duration: stallAfter, orElse: () => Effect.fail(new Error(`stalled: beat ${n} not acknowledged`)) })
      )
      worst = Math.max(worst, Date.now() - started)
      yield* Effect.sleep(Duration.millis(100))
    })
    const beats = Effect.whileLoop({ while: () => !finished, body: () => beat, step: () => {} })
    const [result] = yield* Effect.all([
      Effect.ensuring(done, Effect.sync(() => (finished = true))),
      beats
    ], { concurrency: "unbounded" })
    yield* beat // one more after the load: the thread is still alive
    return { result, worstMs: worst, beats: n }
  })

const pipe = (hosts: string) =>
  PipeStorage.layerNoDeps({ deadlines: { default: Duration.seconds(90) } }).pipe(Layer.provideMerge(zkLayer(hosts)))

const OPTIONS = ["noout", "noscrub", "nodeep-scrub", "norebalance"]

describe("pvc-api next to a pvcd-behaving responder (real kazoo lock in its watch thread)", () => {
  it.live("concurrent commands from two API instances with the CPUs saturated: all complete, the responder never stalls", () =>
    Effect.gen(function*() {
      const cluster = yield* freshCluster("hv1")
      const r = yield* responder(cluster.hosts, "hv1")
      const a = yield* Layer.build(pipe(cluster.hosts))
      const b = yield* Layer.build(pipe(cluster.hosts))
      yield* saturateCpus
      const commands = OPTIONS.flatMap((option) => [
        [a, CephCommand.OsdSet({ option })] as const,
        [b, CephCommand.OsdUnset({ option })] as const
      ])
      const started = Date.now()
      const load = Effect.forEach(
        commands,
        ([ctx, c]) => CephStorage.use((s) => s.run(c)).pipe(Effect.exit, Effect.provideContext(ctx)),
        { concurrency: "unbounded" }
      )
      const { result: exits, worstMs, beats } = yield* heartbeat(load, "20 seconds").pipe(Effect.provideContext(a))
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      console.log(`pvcd conformance: ${commands.length} commands in ${seconds} s on saturated CPUs; ${beats} heartbeats, slowest ack ${worstMs} ms`)
      assert.deepStrictEqual(exits.filter(Exit.isFailure).map(String), [], r.output())
      assert.strictEqual(r.events.filter((e) => e.event === "released").length, commands.length, r.output())
      const left = yield* Zk.children(Paths.cephCmd).pipe(Effect.provideContext(a))
      assert.deepStrictEqual(left, [], "no lock child left under /ceph/cmd")
      assert.strictEqual((yield* Zk.get(Paths.cephCmd).pipe(Effect.provideContext(a)))?.data, "")
    }).pipe(Effect.scoped), 180_000)

  it.live("the check can fail: a writer holding a lock child of /ceph/cmd while its command is pending freezes the responder", () =>
    Effect.gen(function*() {
      const cluster = yield* freshCluster("hv1")
      const r = yield* responder(cluster.hosts, "hv1")
      const zk = yield* Layer.build(zkLayer(cluster.hosts))
      const frozen = Effect.gen(function*() {
        yield* Zk.ensure(Paths.cephCmd)
        // What pvc-api did before: its write lock child exists while the command is written.
        yield* Effect.scoped(Effect.gen(function*() {
          yield* ZkLock.acquire(Paths.cephCmd, "write")
          yield* Zk.setIf(Paths.cephCmd, "osd_set noout")
          yield* Zk.children(Paths.cephCmd).pipe(
            Effect.repeat({ schedule: Schedule.spaced(Duration.millis(50)), until: (kids) => kids.length >= 2 }),
            Effect.timeout("20 seconds")
          )
          // Its lock recipe now watches our node (it needs a notification to go on).
          yield* Effect.sleep(Duration.millis(500))
        }))
        return yield* heartbeat(Effect.void, "5 seconds").pipe(Effect.flip)
      })
      const error = yield* frozen.pipe(Effect.provideContext(zk))
      assert.include(error.message, "stalled")
      assert.strictEqual((yield* Zk.get(Paths.cephCmd).pipe(Effect.provideContext(zk)))?.data, "osd_set noout", "never answered")
      assert.isFalse(r.events.some((e) => e.event === "locked"), r.output())
    }).pipe(Effect.scoped), 60_000)
})
