import type * as Core from "@pvc/core"
import { Effect } from "effect"
import { PvcFailure } from "../api/Wire.ts"

/** Every typed failure a use-case can end with; adding one to core without a message fails the type-check. */
export type CoreError =
  | Core.StoreUnavailable
  | Core.StaleSnapshot
  | Core.ConflictRetriesExhausted
  | Core.WaitTimedOut
  | Core.InvalidLimit
  | Core.InvalidDomainXml
  | Core.CephCommandFailed
  | Core.CephCommandTimedOut
  | Core.NodeNotFound
  | Core.NodeNotReady
  | Core.NotCoordinator
  | Core.NodeNotRunning
  | Core.AlreadyPrimary
  | Core.NotPrimary
  | Core.InvalidSelector
  | Core.NoEligibleNode
  | Core.AlreadyOnNode
  | Core.VmNotFound
  | Core.VmNameExists
  | Core.VmUuidExists
  | Core.VmNotRunning
  | Core.VmAlreadyMigrated
  | Core.VmNotMigrated
  | Core.VmUuidChanged
  | Core.InvalidVmState
  | Core.NetworkNotFound
  | Core.MissingNetworkValue
  | Core.InvalidNetworkValue
  | Core.VniOutOfRange
  | Core.AddressOutsideNetwork
  | Core.DhcpRangeReversed
  | Core.NetworkDescriptionExists
  | Core.VniExists
  | Core.InvalidMacAddress
  | Core.NoIpv4Network
  | Core.MacAlreadyReserved
  | Core.AddressAlreadyReserved
  | Core.ReservationNotFound
  | Core.AclExists
  | Core.AclNotFound
  | Core.MissingStorageValue
  | Core.InvalidStorageValue
  | Core.ConfirmationRequired
  | Core.OsdNotFound
  | Core.OsdDeviceInUse
  | Core.PoolNotFound
  | Core.PoolExists
  | Core.VolumeNotFound
  | Core.VolumeExists
  | Core.SnapshotNotFound
  | Core.SnapshotExists
  | Core.CephDfUnavailable

/** Shared with the pipeline, which answers a missing mandatory value before any use-case runs. */
export const missingValue = (name: string): string => `Missing value '${name}'.`

type Messages = { readonly [Tag in CoreError["_tag"]]: (error: Extract<CoreError, { _tag: Tag }>) => string }

/** The manual's failure texts, composed from the errors' data (the only place prose is made). */
const messages: Messages = {
  StoreUnavailable: (e) => `The cluster state is unavailable: ${e.reason}.`,
  StaleSnapshot: () => "The cluster changed during the request; try again.",
  ConflictRetriesExhausted: (e) => `The cluster kept changing; gave up after ${e.attempts} attempts.`,
  WaitTimedOut: (e) => `Timed out after ${e.seconds} s waiting for ${e.what}.`,
  InvalidLimit: (e) => `Invalid limit '${e.limit}': ${e.reason}.`,
  InvalidDomainXml: (e) => `Invalid libvirt XML: ${e.reason}.`,
  CephCommandFailed: (e) => `ERROR: Ceph command '${e.command}' failed: ${e.reason}.`,
  CephCommandTimedOut: (e) => `ERROR: Ceph command '${e.command}' got no answer within ${e.seconds} s.`,
  NodeNotFound: (e) => `Node '${e.node}' not found.`,
  NodeNotReady: (e) =>
    `Node '${e.node}' is not ready (daemon state '${e.daemonState}', domain state '${e.domainState}').`,
  NotCoordinator: (e) => `Node '${e.node}' is not a coordinator.`,
  NodeNotRunning: (e) => `Node '${e.node}' is not running (daemon state '${e.daemonState}').`,
  AlreadyPrimary: (e) => `Node '${e.node}' is already primary.`,
  NotPrimary: (e) => `Node '${e.node}' is not primary.`,
  InvalidSelector: (e) => `Invalid selector '${e.selector}'; use one of mem, load, vcpus, vms.`,
  NoEligibleNode: (e) => `No node is eligible to host the VM (selector '${e.selector}').`,
  AlreadyOnNode: (e) => `VM '${e.vm}' is already on node '${e.node}'.`,
  VmNotFound: (e) => `VM '${e.vm}' not found.`,
  VmNameExists: (e) => `A VM named '${e.name}' already exists.`,
  VmUuidExists: (e) => `A VM with UUID '${e.uuid}' already exists.`,
  VmNotRunning: (e) => `VM '${e.vm}' is not running (state '${e.state}').`,
  VmAlreadyMigrated: (e) =>
    `VM '${e.vm}' is already migrated from node '${e.lastNode}'; use flag_force to migrate it again.`,
  VmNotMigrated: (e) => `VM '${e.vm}' is not migrated.`,
  VmUuidChanged: (e) => `The UUID of VM '${e.vm}' cannot change ('${e.uuid}' to '${e.newUuid}').`,
  InvalidVmState: (e) => `Invalid VM state '${e.state}'.`,
  NetworkNotFound: (e) => `Network '${e.network}' not found.`,
  MissingNetworkValue: (e) => missingValue(e.field),
  InvalidNetworkValue: (e) => `Invalid value '${e.value}' for '${e.field}': ${e.reason}.`,
  VniOutOfRange: (e) => `VNI ${e.vni} is out of range for a ${e.nettype} network (1 to ${e.max}).`,
  AddressOutsideNetwork: (e) => `The ${e.field} '${e.address}' is not inside network '${e.network}'.`,
  DhcpRangeReversed: (e) => `The DHCPv4 range start '${e.start}' is after its end '${e.end}'.`,
  NetworkDescriptionExists: (e) => `A network with description '${e.description}' already exists.`,
  VniExists: (e) => `A network with VNI ${e.vni} already exists.`,
  InvalidMacAddress: (e) => `Invalid MAC address '${e.mac}'.`,
  NoIpv4Network: (e) => `Network '${e.network}' has no IPv4 network for DHCP reservations.`,
  MacAlreadyReserved: (e) => `MAC address '${e.mac}' already has a reservation in network '${e.network}'.`,
  AddressAlreadyReserved: (e) =>
    `IP address '${e.address}' is already reserved for MAC '${e.mac}' in network '${e.network}'.`,
  ReservationNotFound: (e) => `No static DHCP lease for MAC address '${e.mac}' in network '${e.network}'.`,
  AclExists: (e) => `An ACL with description '${e.description}' already exists in network '${e.network}'.`,
  AclNotFound: (e) => `ACL '${e.description}' not found in network '${e.network}'.`,
  MissingStorageValue: (e) => missingValue(e.field),
  InvalidStorageValue: (e) => `Invalid value '${e.value}' for '${e.field}': ${e.reason}.`,
  ConfirmationRequired: (e) =>
    `Refusing ${e.operation} of '${e.target}' without flag_yes_i_really_mean_it.`,
  OsdNotFound: (e) => `OSD '${e.osd}' not found.`,
  OsdDeviceInUse: (e) => `Block device '${e.device}' on node '${e.node}' is already used by OSD '${e.osd}'.`,
  PoolNotFound: (e) => `RBD pool '${e.pool}' not found.`,
  PoolExists: (e) => `RBD pool '${e.pool}' already exists.`,
  VolumeNotFound: (e) => `RBD volume '${e.volume}' not found in pool '${e.pool}'.`,
  VolumeExists: (e) => `RBD volume '${e.volume}' already exists in pool '${e.pool}'.`,
  SnapshotNotFound: (e) => `RBD snapshot '${e.snapshot}' of volume '${e.volume}' not found in pool '${e.pool}'.`,
  SnapshotExists: (e) => `RBD snapshot '${e.snapshot}' of volume '${e.volume}' already exists in pool '${e.pool}'.`,
  CephDfUnavailable: () => "Ceph utilization data is not available yet (the primary has not reported it)."
}

export const toWire = (error: CoreError): PvcFailure => {
  const render = messages[error._tag] as (e: CoreError) => string
  return new PvcFailure({ message: render(error) })
}

/** Runs a use-case and turns its typed failure into the 510 wire failure. */
export const onWire = <A, E extends CoreError, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, PvcFailure, R> =>
  Effect.mapError(effect, toWire)
