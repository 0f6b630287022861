import { Result } from "effect"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import { EntityKey } from "../cluster/Entity.ts"
import type { Osd, Pool, Snapshot, Volume } from "../domain/Ceph.ts"
import { isNameTooLong, NAME_MAX_LENGTH, NodeName, OsdId, PoolName, SnapshotName, VolumeName } from "../domain/Ids.ts"
import { NodeNotFound } from "../nodes/NodeErrors.ts"
import { CephCommand } from "../ports/CephStorage.ts"
import { parseSize } from "./SizeRules.ts"
import {
  ConfirmationRequired,
  InvalidStorageValue,
  MissingStorageValue,
  OsdDeviceInUse,
  OsdNotFound,
  PoolExists,
  PoolNotFound,
  SnapshotExists,
  SnapshotNotFound,
  VolumeExists,
  VolumeNotFound
} from "./StorageErrors.ts"

/** What a storage pre-check decides: the command to run and the use-case's answer. */
export interface StorageDecision<A> {
  readonly command: CephCommand
  readonly outcome: A
}

const decision = <A>(command: CephCommand, outcome: A): StorageDecision<A> => ({ command, outcome })

const invalid = (field: string, value: string, reason: string) =>
  Result.fail(new InvalidStorageValue({ field, value, reason }))

const required = (field: string, value: string | undefined): Result.Result<string, MissingStorageValue> =>
  value === undefined || value === "" ? Result.fail(new MissingStorageValue({ field })) : Result.succeed(value)

// Names travel through ZooKeeper paths and the comma-separated, two-token command pipe.
const PIPE_SAFE = /^[^\s,/]+$/

const storageName = (field: string, value: string) =>
  !PIPE_SAFE.test(value)
    ? invalid(field, value, "empty, or contains whitespace, ',' or '/'")
    : isNameTooLong(value)
    ? invalid(field, value, `longer than ${NAME_MAX_LENGTH} characters`)
    : Result.succeed(value)

/** `pgs`: a positive integer. */
export const parsePgs = (text: string | undefined): Result.Result<number, MissingStorageValue | InvalidStorageValue> =>
  Result.flatMap(required("pgs", text), (pgs) =>
    /^[0-9]+$/.test(pgs) && Number(pgs) > 0 && Number.isSafeInteger(Number(pgs))
      ? Result.succeed(Number(pgs))
      : invalid("pgs", pgs, "not a positive integer"))

/** `flag_yes_i_really_mean_it` must be given for dangerous removals. */
export const requireConfirmation = (
  confirmed: boolean,
  operation: string,
  target: string
): Result.Result<void, ConfirmationRequired> =>
  confirmed ? Result.void : Result.fail(new ConfirmationRequired({ operation, target }))

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** OSDs in numeric id order. */
export const compareOsds = (a: Osd, b: Osd) => Number(a.id) - Number(b.id) || compareText(a.id, b.id)
export const comparePools = (a: Pool, b: Pool) => compareText(a.name, b.name)
export const compareVolumes = (a: Volume, b: Volume) => compareText(a.name, b.name) || compareText(a.pool, b.pool)
export const compareSnapshots = (a: Snapshot, b: Snapshot) =>
  compareText(a.name, b.name) || compareText(a.pool, b.pool) || compareText(a.volume, b.volume)

export const findOsd = (snapshot: ClusterSnapshot, ref: string): Osd | undefined =>
  snapshot.osds.get(OsdId.make(ref))

export const requireOsd = (snapshot: ClusterSnapshot, ref: string): Result.Result<Osd, OsdNotFound | InvalidStorageValue> => {
  if (!/^[0-9]+$/.test(ref)) return invalid("osd", ref, "not a numeric OSD id")
  const osd = findOsd(snapshot, ref)
  return osd === undefined ? Result.fail(new OsdNotFound({ osd: ref })) : Result.succeed(osd)
}

const requirePool = (snapshot: ClusterSnapshot, pool: string): Result.Result<Pool, PoolNotFound> => {
  const found = snapshot.pools.get(PoolName.make(pool))
  return found === undefined ? Result.fail(new PoolNotFound({ pool })) : Result.succeed(found)
}

const requireVolume = (snapshot: ClusterSnapshot, pool: string, volume: string) =>
  Result.flatMap(requirePool(snapshot, pool), () => {
    const found = snapshot.volumes.get(EntityKey.volume(pool, volume))
    return found === undefined ? Result.fail(new VolumeNotFound({ pool, volume })) : Result.succeed(found)
  })

const OSD_OPTION = /^[a-z][a-z_-]*$/

const osdOption = (option: string | undefined) =>
  Result.flatMap(required("option", option), (o) => OSD_OPTION.test(o) ? Result.succeed(o) : invalid("option", o, "not an OSD flag name"))

export const decideOsdSet = (option: string | undefined) =>
  Result.map(osdOption(option), (o) => decision(CephCommand.OsdSet({ option: o }), { option: o }))

export const decideOsdUnset = (option: string | undefined) =>
  Result.map(osdOption(option), (o) => decision(CephCommand.OsdUnset({ option: o }), { option: o }))

export interface AddOsdFields {
  readonly device?: string | undefined
  readonly weight?: string | undefined
}

export const decideAddOsd = (snapshot: ClusterSnapshot, nodeRef: string, fields: AddOsdFields) =>
  Result.gen(function*() {
    const node = snapshot.nodes.get(NodeName.make(nodeRef))
    if (node === undefined) return yield* Result.fail(new NodeNotFound({ node: nodeRef }))
    const device = yield* required("device", fields.device)
    if (!/^\/dev\/[^\s,]+$/.test(device)) return yield* invalid("device", device, "not a block device path")
    const weight = yield* required("weight", fields.weight)
    if (!/^[0-9]+(\.[0-9]+)?$/.test(weight)) return yield* invalid("weight", weight, "not a non-negative number")
    const existing = [...snapshot.osds.values()].find((osd) => osd.node === node.name && osd.device === device)
    if (existing !== undefined) {
      return yield* Result.fail(new OsdDeviceInUse({ node: node.name, device, osd: existing.id }))
    }
    return decision(CephCommand.OsdAdd({ node: node.name, device, weight }), { node: node.name, device })
  })

export const decideRemoveOsd = (snapshot: ClusterSnapshot, ref: string, confirmed: boolean) =>
  Result.gen(function*() {
    yield* requireConfirmation(confirmed, "osd remove", ref)
    const osd = yield* requireOsd(snapshot, ref)
    return decision(CephCommand.OsdRemove({ id: osd.id }), { id: osd.id })
  })

export const decideOsdIn = (snapshot: ClusterSnapshot, ref: string) =>
  Result.map(requireOsd(snapshot, ref), (osd) => decision(CephCommand.OsdIn({ id: osd.id }), { id: osd.id }))

export const decideOsdOut = (snapshot: ClusterSnapshot, ref: string) =>
  Result.map(requireOsd(snapshot, ref), (osd) => decision(CephCommand.OsdOut({ id: osd.id }), { id: osd.id }))

export const decideAddPool = (snapshot: ClusterSnapshot, name: string, pgsText: string | undefined) =>
  Result.gen(function*() {
    const pool = PoolName.make(yield* storageName("pool", name))
    const pgs = yield* parsePgs(pgsText)
    if (snapshot.pools.has(pool)) return yield* Result.fail(new PoolExists({ pool }))
    return decision(CephCommand.PoolAdd({ name: pool, pgs }), { pool: name, pgs })
  })

export const decideRemovePool = (snapshot: ClusterSnapshot, name: string, confirmed: boolean) =>
  Result.gen(function*() {
    yield* requireConfirmation(confirmed, "pool remove", name)
    const pool = yield* requirePool(snapshot, name)
    return decision(CephCommand.PoolRemove({ name: pool.name }), { pool: name })
  })

export const decideAddVolume = (snapshot: ClusterSnapshot, pool: string, name: string, sizeText: string | undefined) =>
  Result.gen(function*() {
    const existingPool = yield* requirePool(snapshot, pool)
    const volume = VolumeName.make(yield* storageName("volume", name))
    const size = yield* required("size", sizeText)
    const bytes = yield* parseSize(size)
    if (snapshot.volumes.has(EntityKey.volume(pool, volume))) {
      return yield* Result.fail(new VolumeExists({ pool, volume }))
    }
    return decision(CephCommand.VolumeAdd({ pool: existingPool.name, name: volume, bytes }), {
      pool,
      name,
      size,
      bytes
    })
  })

export const decideRemoveVolume = (snapshot: ClusterSnapshot, pool: string, name: string) =>
  Result.map(requireVolume(snapshot, pool, name), (volume) =>
    decision(CephCommand.VolumeRemove({ pool: volume.pool, name: volume.name }), { pool, name }))

export const decideAddSnapshot = (snapshot: ClusterSnapshot, pool: string, volume: string, name: string) =>
  Result.gen(function*() {
    const existing = yield* requireVolume(snapshot, pool, volume)
    const snap = SnapshotName.make(yield* storageName("snapshot", name))
    if (snapshot.snapshots.has(EntityKey.snapshot(pool, volume, snap))) {
      return yield* Result.fail(new SnapshotExists({ pool, volume, snapshot: name }))
    }
    return decision(CephCommand.SnapshotAdd({ pool: existing.pool, volume: existing.name, name: snap }), {
      pool,
      volume,
      name
    })
  })

export const decideRemoveSnapshot = (snapshot: ClusterSnapshot, pool: string, volume: string, name: string) =>
  Result.gen(function*() {
    yield* requireVolume(snapshot, pool, volume)
    const found = snapshot.snapshots.get(EntityKey.snapshot(pool, volume, name))
    if (found === undefined) return yield* Result.fail(new SnapshotNotFound({ pool, volume, snapshot: name }))
    return decision(CephCommand.SnapshotRemove({ pool: found.pool, volume: found.volume, name: found.name }), {
      pool,
      volume,
      name
    })
  })
