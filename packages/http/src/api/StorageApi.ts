import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { CephJson, OsdJson, PoolJson, SnapshotJson, VolumeJson } from "../views/StorageView.ts"
import { Authentication } from "./Authentication.ts"
import { mandatory, Message, optional, PvcFailure } from "./Wire.ts"

const Ceph = CephJson.annotate({ identifier: "Ceph" })
const Osd = OsdJson.annotate({ identifier: "Osd" })
const Pool = PoolJson.annotate({ identifier: "Pool" })
const Volume = VolumeJson.annotate({ identifier: "Volume" })
const Snapshot = SnapshotJson.annotate({ identifier: "Snapshot" })

const ceph = "/api/v1/storage/ceph"
const osd = { osd: Schema.String }
const pool = { pool: Schema.String }
const volume = { pool: Schema.String, volume: Schema.String }
const snapshot = { pool: Schema.String, volume: Schema.String, snapshot: Schema.String }
const confirm = { flag_yes_i_really_mean_it: optional }

export class StorageApi extends HttpApiGroup.make("storage").add(
  HttpApiEndpoint.get("ceph", ceph, { success: Ceph, error: PvcFailure }),
  HttpApiEndpoint.get("status", `${ceph}/status`, { success: Ceph, error: PvcFailure }),
  HttpApiEndpoint.get("df", `${ceph}/df`, { success: Ceph, error: PvcFailure }),
  HttpApiEndpoint.get("osds", `${ceph}/osd`, {
    query: { limit: optional },
    success: Schema.Array(Osd),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("osd", `${ceph}/osd/:osd`, { params: osd, success: Schema.Array(Osd), error: PvcFailure }),
  HttpApiEndpoint.post("osdSet", `${ceph}/osd/set`, { query: { option: mandatory }, success: Message, error: PvcFailure }),
  HttpApiEndpoint.post("osdUnset", `${ceph}/osd/unset`, {
    query: { option: optional },
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("osdAdd", `${ceph}/osd/:node/add`, {
    params: { node: Schema.String },
    query: { device: mandatory, weight: mandatory },
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("osdRemove", `${ceph}/osd/:osd/remove`, {
    params: osd,
    query: confirm,
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("osdIn", `${ceph}/osd/:osd/in`, { params: osd, success: Message, error: PvcFailure }),
  HttpApiEndpoint.post("osdOut", `${ceph}/osd/:osd/out`, { params: osd, success: Message, error: PvcFailure }),
  HttpApiEndpoint.get("pools", `${ceph}/pool`, {
    query: { limit: optional },
    success: Schema.Array(Pool),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("pool", `${ceph}/pool/:pool`, { params: pool, success: Schema.Array(Pool), error: PvcFailure }),
  HttpApiEndpoint.post("poolAdd", `${ceph}/pool/:pool/add`, {
    params: pool,
    query: { pgs: mandatory },
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("poolRemove", `${ceph}/pool/:pool/remove`, {
    params: pool,
    query: confirm,
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.get("volumes", `${ceph}/volume`, {
    query: { pool: optional, limit: optional },
    success: Schema.Array(Volume),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("volume", `${ceph}/volume/:pool/:volume`, {
    params: volume,
    success: Schema.Array(Volume),
    error: PvcFailure
  }),
  HttpApiEndpoint.post("volumeAdd", `${ceph}/volume/:pool/:volume/add`, {
    params: volume,
    query: { size: mandatory },
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("volumeRemove", `${ceph}/volume/:pool/:volume/remove`, {
    params: volume,
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.get("snapshots", `${ceph}/volume/snapshot`, {
    query: { pool: optional, volume: optional, limit: optional },
    success: Schema.Array(Snapshot),
    error: PvcFailure
  }),
  HttpApiEndpoint.get("snapshot", `${ceph}/volume/snapshot/:pool/:volume/:snapshot`, {
    params: snapshot,
    success: Schema.Array(Snapshot),
    error: PvcFailure
  }),
  HttpApiEndpoint.post("snapshotAdd", `${ceph}/volume/snapshot/:pool/:volume/:snapshot/add`, {
    params: snapshot,
    success: Message,
    error: PvcFailure
  }),
  HttpApiEndpoint.post("snapshotRemove", `${ceph}/volume/snapshot/:pool/:volume/:snapshot/remove`, {
    params: snapshot,
    success: Message,
    error: PvcFailure
  })
).middleware(Authentication) {}
