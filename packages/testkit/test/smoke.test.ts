import { assert, it } from "@effect/vitest"
import { ClusterStore, Node, NodeName, NodeResources, NodeStaticData, put } from "@pvc/core"
import { Effect } from "effect"
import { layerMemory } from "../src/index.ts"

const node = (name: string) =>
  new Node({
    name: NodeName.make(name),
    daemonMode: "coordinator",
    daemonState: "run",
    routerState: "secondary",
    domainState: "ready",
    staticData: new NodeStaticData({ cpuCount: "4", kernel: "6.1", os: "GNU/Linux", arch: "x86_64" }),
    resources: new NodeResources({
      memTotal: 1, memUsed: 1, memFree: 0, memAllocated: 0, vcpuAllocated: "0", cpuLoad: "0",
      domainsCount: "0", networksCount: "0", keepalive: "0"
    }),
    runningDomains: [],
    ipmiHostname: "", ipmiUsername: "", ipmiPassword: ""
  })

it.effect("a stale plan is refused", () =>
  Effect.gen(function*() {
    const store = yield* ClusterStore
    const base = yield* store.snapshot
    yield* store.commit({ base, changes: [put(node("hv1"))], guards: [] })
    const error = yield* store.commit({ base, changes: [put(node("hv1"))], guards: [] }).pipe(Effect.flip)
    assert.strictEqual(error._tag, "StaleSnapshot")
    assert.strictEqual((yield* store.snapshot).nodes.size, 1)
  }).pipe(Effect.provide(layerMemory())))
