import { Effect } from "effect"
import { makeZkClient } from "/work/main/packages/adapters-zk/src/ZkClient.ts"
import { Mirror } from "/work/main/packages/adapters-zk/src/Mirror.ts"
const t0 = Date.now()
Effect.runPromise(Effect.scoped(Effect.gen(function*() {
  const zk = yield* makeZkClient({ coordinators: [process.argv[2]!], chroot: "/bench10k" })
  const m = new Mirror(zk)
  zk.onState((s) => console.log(Date.now() - t0, "state", s._tag, s.generation)); m.start()
  for (let i = 0; i < 60; i++) {
    yield* Effect.sleep(1000)
    console.log(Date.now() - t0, "loaded", m.loaded, (m as any).inflight, (m as any).tree.size, (m as any).retry.size)
    if (m.loaded) break
  }
})))
