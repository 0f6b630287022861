import { Effect, Layer } from "effect"
import type { Entity } from "../../src/cluster/Entity.ts"
import type { NodeName, VmUuid } from "../../src/domain/Ids.ts"
import type { DomainXml } from "../../src/ports/DomainXml.ts"
import type { RegexEngine } from "../../src/ports/RegexEngine.ts"
import { ClusterStore } from "../../src/ports/ClusterStore.ts"
import { layerMemory } from "../../../testkit/src/memory/ClusterStoreMemory.ts"
import { node, uuidFor, vm } from "../nodes/Builders.ts"
import { layerRegexEngine } from "../support/RegexEngine.ts"
import { layerDomainXmlStub } from "./DomainXmlStub.ts"

/** hv1/hv2 take VMs (hv2 has less memory allocated), hv3 is flushed, hv4 dead. */
export const cluster: ReadonlyArray<Entity> = [
  node({ name: "hv1", memAllocated: 4096, runningDomains: [uuidFor("web")] }),
  node({ name: "hv2", memAllocated: 2048 }),
  node({ name: "hv3", domainState: "flushed" }),
  node({ name: "hv4", daemonState: "dead" }),
  vm({ name: "web", node: "hv1", state: "start", rbdList: ["vms/web_disk0"] }),
  vm({ name: "db", node: "hv2", state: "stop", lastNode: "hv1" }),
  vm({ name: "batch", node: "hv1", state: "stop" })
]

export const layerCluster = (
  entities: ReadonlyArray<Entity> = cluster
): Layer.Layer<ClusterStore | DomainXml | RegexEngine> => Layer.mergeAll(layerMemory(entities), layerDomainXmlStub, layerRegexEngine)

export const withCluster = <A, E>(
  effect: Effect.Effect<A, E, ClusterStore | DomainXml | RegexEngine>,
  entities: ReadonlyArray<Entity> = cluster
) => effect.pipe(Effect.provide(layerCluster(entities)))

const snapshot = Effect.gen(function*() {
  return yield* (yield* ClusterStore).snapshot
})

export const currentVm = (uuid: string) => Effect.map(snapshot, (snap) => snap.vms.get(uuid as VmUuid))

export const currentNode = (name: string) => Effect.map(snapshot, (snap) => snap.nodes.get(name as NodeName))
