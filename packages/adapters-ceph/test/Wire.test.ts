import { assert, describe, it } from "@effect/vitest"
import { CephCommand, OsdId, PoolName, VolumeName } from "@pvc/core"
import { parseOsdStatusTable } from "../src/CephJson.ts"
import { decode, encode, parseSize } from "../src/CommandWire.ts"
import { blockers } from "../src/ZkLock.ts"

describe("command wire (zk-layout §5.1)", () => {
  it("encodes as the original API does and decodes back", () => {
    const cmds = [
      CephCommand.OsdOut({ id: OsdId.make("1") }),
      CephCommand.PoolAdd({ name: PoolName.make("vms"), pgs: 64 }),
      CephCommand.VolumeAdd({ pool: PoolName.make("vms"), name: VolumeName.make("d1"), bytes: 4294967296 })
    ]
    assert.deepStrictEqual(cmds.map(encode), ["osd_out 1", "pool_add vms,64", "volume_add vms,d1,4294967296B"])
    for (const c of cmds) assert.deepStrictEqual(decode(encode(c)), c)
  })
  it("ignores answers and malformed values", () => {
    assert.isUndefined(decode("success-osd_out 1"))
    assert.isUndefined(decode("osd_out"))
    assert.isUndefined(decode("osd_out 1 2"))
    assert.strictEqual(parseSize("4096M"), 4294967296)
  })
})

describe("kazoo lock ordering", () => {
  const kids = ["a__lock__0000000000", "b__rlock__0000000001", "c__lock__0000000002", "d__rlock__0000000003"]
  it("a writer waits for every lower sibling, a reader only for lower writers", () => {
    assert.deepStrictEqual(blockers(kids, "d__rlock__0000000003", "read"), ["a__lock__0000000000", "c__lock__0000000002"])
    assert.deepStrictEqual(blockers(kids, "c__lock__0000000002", "write"), ["a__lock__0000000000", "b__rlock__0000000001"])
    assert.deepStrictEqual(blockers(kids, "a__lock__0000000000", "write"), [])
  })
})

it("parses the `ceph osd status` table", () => {
  const rows = parseOsdStatusTable("ID  HOST   USED  AVAIL  WR OPS  WR DATA  RD OPS  RD DATA  STATE\n 0  vm    9216   4095M      0        0       0        0   exists,up\n")
  assert.deepStrictEqual(rows[0], { id: "0", node: "vm", used: "9216", avail: "4095M", wr_ops: "0", wr_data: "0", rd_ops: "0", rd_data: "0", state: "exists,up" })
})
