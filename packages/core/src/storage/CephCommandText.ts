import { CephCommand } from "../ports/CephStorage.ts"

/** A command as the `/ceph/cmd` pipe carries it (zk-layout §5.1), e.g. `pool_add vms,256`. */
export const cephCommandText = (command: CephCommand): string =>
  CephCommand.$match(command, {
    OsdAdd: ({ device, node, weight }) => `osd_add ${node},${device},${weight}`,
    OsdRemove: ({ id }) => `osd_remove ${id}`,
    OsdIn: ({ id }) => `osd_in ${id}`,
    OsdOut: ({ id }) => `osd_out ${id}`,
    OsdSet: ({ option }) => `osd_set ${option}`,
    OsdUnset: ({ option }) => `osd_unset ${option}`,
    PoolAdd: ({ name, pgs }) => `pool_add ${name},${pgs}`,
    PoolRemove: ({ name }) => `pool_remove ${name}`,
    VolumeAdd: ({ bytes, name, pool }) => `volume_add ${pool},${name},${bytes}B`,
    VolumeRemove: ({ name, pool }) => `volume_remove ${pool},${name}`,
    SnapshotAdd: ({ name, pool, volume }) => `snapshot_add ${pool},${volume},${name}`,
    SnapshotRemove: ({ name, pool, volume }) => `snapshot_remove ${pool},${volume},${name}`
  })
