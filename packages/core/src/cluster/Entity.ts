import type { CephReport, Osd, Pool, Snapshot, Volume } from "../domain/Ceph.ts"
import type { Acl, DhcpLease, DhcpReservation, Network } from "../domain/Network.ts"
import type { Node, PrimaryNode } from "../domain/Node.ts"
import type { Vm } from "../domain/Vm.ts"

/** Every kind of thing the cluster store holds. */
export type Entity =
  | Node
  | PrimaryNode
  | Vm
  | Network
  | DhcpLease
  | DhcpReservation
  | Acl
  | Osd
  | Pool
  | Volume
  | Snapshot
  | CephReport

/** Identity of an entity across snapshots: its kind plus its natural key, unambiguous. */
export type EntityKey = string & { readonly EntityKey: unique symbol }

const key = (...parts: ReadonlyArray<string | number>): EntityKey => JSON.stringify(parts) as EntityKey

export const EntityKey = {
  node: (name: string) => key("Node", name),
  primaryNode: key("PrimaryNode"),
  vm: (uuid: string) => key("Vm", uuid),
  network: (vni: string) => key("Network", vni),
  dhcpLease: (vni: string, mac: string) => key("DhcpLease", vni, mac),
  dhcpReservation: (vni: string, mac: string) => key("DhcpReservation", vni, mac),
  acl: (vni: string, direction: string, description: string) => key("Acl", vni, direction, description),
  osd: (id: string) => key("Osd", id),
  pool: (name: string) => key("Pool", name),
  volume: (pool: string, name: string) => key("Volume", pool, name),
  snapshot: (pool: string, volume: string, name: string) => key("Snapshot", pool, volume, name),
  cephReport: key("CephReport")
} as const

export const entityKey = (entity: Entity): EntityKey => {
  switch (entity._tag) {
    case "Node":
      return EntityKey.node(entity.name)
    case "PrimaryNode":
      return EntityKey.primaryNode
    case "Vm":
      return EntityKey.vm(entity.uuid)
    case "Network":
      return EntityKey.network(entity.vni)
    case "DhcpLease":
      return EntityKey.dhcpLease(entity.vni, entity.mac)
    case "DhcpReservation":
      return EntityKey.dhcpReservation(entity.vni, entity.mac)
    case "Acl":
      return EntityKey.acl(entity.vni, entity.direction, entity.description)
    case "Osd":
      return EntityKey.osd(entity.id)
    case "Pool":
      return EntityKey.pool(entity.name)
    case "Volume":
      return EntityKey.volume(entity.pool, entity.name)
    case "Snapshot":
      return EntityKey.snapshot(entity.pool, entity.volume, entity.name)
    case "CephReport":
      return EntityKey.cephReport
  }
}

/**
 * Entities that cannot outlive `parent`: removing a network removes its leases, reservations
 * and ACLs; removing a pool its volumes; removing a volume its snapshots (zk-layout deletes
 * are recursive).
 */
export const isDependentOf = (child: Entity, parent: Entity): boolean => {
  switch (parent._tag) {
    case "Network":
      return (child._tag === "DhcpLease" || child._tag === "DhcpReservation" || child._tag === "Acl") &&
        child.vni === parent.vni
    case "Pool":
      return (child._tag === "Volume" || child._tag === "Snapshot") && child.pool === parent.name
    case "Volume":
      return child._tag === "Snapshot" && child.pool === parent.pool && child.volume === parent.name
    default:
      return false
  }
}
