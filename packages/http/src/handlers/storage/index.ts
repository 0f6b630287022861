import { HttpApiBuilder } from "effect/http-api"
import { PvcApi } from "../../api/PvcApi.ts"
import { osd, osdAdd, osdRemove, osds, osdSet, osdSetIn, osdSetOut, osdUnset } from "./osd.ts"
import { pool, poolAdd, poolRemove, pools } from "./pool.ts"
import { snapshot, snapshotAdd, snapshotRemove, snapshots } from "./snapshot.ts"
import { df, status } from "./status.ts"
import { volume, volumeAdd, volumeRemove, volumes } from "./volume.ts"

export const StorageHandlers = HttpApiBuilder.group(PvcApi, "storage", (handlers) =>
  handlers.handleAll({
    ceph: status,
    status,
    df,
    osds,
    osd,
    osdSet,
    osdUnset,
    osdAdd,
    osdRemove,
    osdIn: osdSetIn,
    osdOut: osdSetOut,
    pools,
    pool,
    poolAdd,
    poolRemove,
    volumes,
    volume,
    volumeAdd,
    volumeRemove,
    snapshots,
    snapshot,
    snapshotAdd,
    snapshotRemove
  }))
