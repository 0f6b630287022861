import type { CephReport, Osd, Pool, Snapshot, Volume } from "../domain/Ceph.ts"
import type { NodeName, OsdId, PoolName, Vni, VmUuid } from "../domain/Ids.ts"
import type { Acl, DhcpLease, DhcpReservation, Network } from "../domain/Network.ts"
import type { Node, PrimaryNode } from "../domain/Node.ts"
import type { Vm } from "../domain/Vm.ts"
import type { Entity, EntityKey } from "./Entity.ts"

/** Opaque version of an entity as the store last saw it (ZooKeeper versions, a counter in memory). */
export type Revision = string & { readonly Revision: unique symbol }

/**
 * A consistent, immutable view of the whole cluster. Decisions are made against one snapshot
 * and committed as a plan based on it (see `ClusterPlan`).
 */
export interface ClusterSnapshot {
  readonly primaryNode: PrimaryNode
  readonly nodes: ReadonlyMap<NodeName, Node>
  readonly vms: ReadonlyMap<VmUuid, Vm>
  readonly networks: ReadonlyMap<Vni, Network>
  readonly dhcpLeases: ReadonlyMap<EntityKey, DhcpLease>
  readonly dhcpReservations: ReadonlyMap<EntityKey, DhcpReservation>
  readonly acls: ReadonlyMap<EntityKey, Acl>
  readonly osds: ReadonlyMap<OsdId, Osd>
  readonly pools: ReadonlyMap<PoolName, Pool>
  readonly volumes: ReadonlyMap<EntityKey, Volume>
  readonly snapshots: ReadonlyMap<EntityKey, Snapshot>
  readonly cephReport: CephReport
  /** The revision of an entity in this snapshot, undefined when it does not exist here. */
  readonly revisionOf: (key: EntityKey) => Revision | undefined
  /** The entity stored under `key` in this snapshot. */
  readonly lookup: (key: EntityKey) => Entity | undefined
}
