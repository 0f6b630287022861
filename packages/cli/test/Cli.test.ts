import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { demoCluster, domainXml } from "@pvc/testkit"
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "yaml"
import { type Api, call, startApi } from "../../http/test/support/Harness.ts"
import { pvc, type Run } from "./support.ts"

const TOKEN = "cli-test-token"
const ok = (run: Run, label: string) => {
  assert.strictEqual(run.code, 0, `${label}: ${run.stderr}`)
  return run.stdout
}
const header = (stdout: string) => stdout.split("\n")[0]!.split(/\s{2,}/)
const firstColumn = (stdout: string) => stdout.trim().split("\n").slice(1).map((line) => line.split(/\s+/)[0])

describe("pvc over real HTTP (embedded API, in-memory demo cluster)", () => {
  let api: Api
  let at: (args: ReadonlyArray<string>, env?: Record<string, string | undefined>) => Promise<Run>
  let dir: string
  beforeAll(async () => {
    api = await startApi({ entities: demoCluster() })
    at = (args, env) => pvc(["--url", api.url, ...args], env)
    dir = mkdtempSync(join(tmpdir(), "pvc-cli-"))
  })
  afterAll(async () => {
    await api.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("lists as aligned tables", async () => {
    const [vms, nodes, networks, leases, acls, osds, pools, volumes, snapshots] = await Promise.all([
      at(["vm", "list"]), at(["node", "list"]), at(["network", "list"]), at(["network", "dhcp", "list", "100"]),
      at(["network", "acl", "list", "100"]), at(["storage", "osd", "list"]), at(["storage", "pool", "list"]),
      at(["storage", "volume", "list"]), at(["storage", "volume", "snapshot", "list"])
    ])
    assert.deepStrictEqual(header(ok(vms, "vm list")), ["NAME", "STATE", "NODE", "MIGRATED", "VCPU", "MEM MiB", "UUID", "DESCRIPTION"])
    assert.deepStrictEqual(firstColumn(vms.stdout), ["build1", "db1", "legacy1", "mail1", "proxy1", "web1", "web2"])
    assert.match(vms.stdout, /^web1 +start +hv1 +no +2 +2048 /m)
    assert.deepStrictEqual(firstColumn(ok(nodes, "node list")), ["hv1", "hv2", "hv3"])
    assert.match(nodes.stdout, /^hv1 {3}run {5}primary /m)
    assert.deepStrictEqual(firstColumn(ok(networks, "network list")), ["100", "200"])
    assert.deepStrictEqual(header(ok(leases, "dhcp list")), ["HOSTNAME", "IP4", "MAC", "TIMESTAMP"])
    assert.include(leases.stdout, "10.100.0.101")
    assert.deepStrictEqual(header(ok(acls, "acl list")), ["DIRECTION", "ORDER", "DESCRIPTION", "RULE"])
    assert.deepStrictEqual(firstColumn(ok(osds, "osd list")), ["0", "1", "2"])
    assert.deepStrictEqual(firstColumn(ok(pools, "pool list")), ["backup", "vms"])
    assert.include(ok(volumes, "volume list"), "web1_disk0")
    assert.include(ok(snapshots, "snapshot list"), "before-upgrade")
  })

  it("--json prints the API's JSON unchanged; --yaml the same values", async () => {
    for (const [args, path] of [
      [["vm", "list"], "/api/v1/vm"],
      [["node", "info", "hv1"], "/api/v1/node/hv1"],
      [["storage", "osd", "list"], "/api/v1/storage/ceph/osd"],
      [["network", "acl", "list", "100"], "/api/v1/network/100/acl"]
    ] as const) {
      const direct = (await call(api, "GET", path)).body
      assert.deepStrictEqual(JSON.parse(ok(await at([...args, "--json"]), path)), direct, path)
      assert.deepStrictEqual(parse(ok(await at(["--yaml", ...args]), path)), direct, path)
    }
  })

  it("--json of every other list and info command is the API's JSON", async () => {
    const pairs = [
      [["node", "list"], "/api/v1/node"], [["vm", "info", "db1"], "/api/v1/vm/db1"], [["network", "list"], "/api/v1/network"],
      [["network", "info", "200"], "/api/v1/network/200"], [["network", "dhcp", "list", "100"], "/api/v1/network/100/dhcp"],
      [["storage", "pool", "list"], "/api/v1/storage/ceph/pool"], [["storage", "volume", "list"], "/api/v1/storage/ceph/volume"],
      [["storage", "volume", "snapshot", "list"], "/api/v1/storage/ceph/volume/snapshot"],
      [["storage", "status"], "/api/v1/storage/ceph/status"], [["storage", "df"], "/api/v1/storage/ceph/df"]
    ] as const
    const runs = await Promise.all(pairs.map(([args]) => at([...args, "--json"])))
    for (const [i, [, path]] of pairs.entries()) {
      assert.deepStrictEqual(JSON.parse(ok(runs[i]!, path)), (await call(api, "GET", path)).body, path)
    }
    const refused = await at(["vm", "start", "nope", "--json"])
    assert.deepStrictEqual([refused.code, refused.stdout], [1, ""])
  })

  it("info, dump, status and df", async () => {
    const [vm, vmLong, node, network, dump, status, df] = await Promise.all([
      at(["vm", "info", "web1"]), at(["vm", "info", "web1", "--long"]), at(["node", "info", "hv2"]), at(["network", "info", "100"]),
      at(["vm", "dump", "web1"]), at(["storage", "status"]), at(["storage", "df"])
    ])
    assert.match(ok(vm, "vm info"), /^state: +start$/m)
    assert.notMatch(vm.stdout, /^emulator:/m)
    assert.match(ok(vmLong, "vm info --long"), /^emulator: +\/usr\/bin\/kvm$/m)
    assert.match(ok(node, "node info"), /^coordinator_state: +secondary$/m)
    assert.match(ok(network, "network info"), /^description: +cluster-net$/m)
    assert.match(ok(dump, "vm dump"), /^<domain[\s\S]*<name>web1<\/name>/)
    assert.include(ok(status, "status"), "HEALTH_OK")
    assert.isNotEmpty(ok(df, "df").trim())
  })

  it("VM state changes print the API's message and change the cluster", async () => {
    assert.match(ok(await at(["vm", "stop", "web2"]), "stop"), /web2/)
    assert.match(ok(await at(["vm", "list", "--state", "stop"]), "list stopped"), /^web2 /m)
    ok(await at(["vm", "start", "web2"]), "start")
    ok(await at(["vm", "migrate", "web2", "--node", "hv3", "--force"]), "migrate")
    assert.match(ok(await at(["vm", "list", "--node", "hv3"]), "list hv3"), /^web2 +\S+ +hv3 +from hv2/m)
    ok(await at(["vm", "unmigrate", "web2"]), "unmigrate")
    ok(await at(["vm", "move", "proxy1", "--selector", "vms"]), "move")
    ok(await at(["vm", "restart", "web1"]), "restart")
    ok(await at(["vm", "shutdown", "db1"]), "shutdown")
  })

  it("define and modify read the XML file; undefine; remove asks for --yes", async () => {
    const file = join(dir, "cli1.xml")
    writeFileSync(file, domainXml({ name: "cli1", uuid: "11111111-2222-4333-8444-5555555555cc", memoryMiB: 512, vcpus: 1 }))
    assert.match(ok(await at(["vm", "define", file, "--node", "hv2"]), "define"), /Added new VM 'cli1'/)
    writeFileSync(file, domainXml({ name: "cli1", uuid: "11111111-2222-4333-8444-5555555555cc", memoryMiB: 1024, vcpus: 2 }))
    assert.match(ok(await at(["vm", "modify", "cli1", file]), "modify"), /Modified VM 'cli1'/)
    const refused = await at(["vm", "remove", "cli1"])
    assert.strictEqual(refused.code, 2)
    assert.match(refused.stderr, /without --yes/)
    ok(await at(["vm", "stop", "cli1"]), "stop")
    ok(await at(["vm", "remove", "cli1", "--yes"]), "remove --yes")
    assert.notInclude(ok(await at(["vm", "list"]), "list"), "cli1")
    writeFileSync(file, domainXml({ name: "cli2", uuid: "11111111-2222-4333-8444-5555555555cd", memoryMiB: 512, vcpus: 1 }))
    ok(await at(["vm", "define", file]), "define cli2")
    ok(await at(["vm", "stop", "cli2"]), "stop cli2")
    ok(await at(["vm", "undefine", "cli2"]), "undefine")
    assert.notInclude(ok(await at(["vm", "list"]), "list"), "cli2")
    const missing = await at(["vm", "define", join(dir, "nope.xml")])
    assert.strictEqual(missing.code, 2)
  })

  it("node actions", async () => {
    for (const action of ["flush", "unflush", "ready"]) ok(await at(["node", action, "hv3"]), action)
    assert.match(ok(await at(["node", "primary", "hv2"]), "primary"), /hv2/)
    ok(await at(["node", "secondary", "hv2"]), "secondary")
    const refused = await at(["node", "flush", "nope"])
    assert.strictEqual(refused.code, 1)
    assert.match(refused.stderr, /^pvc: .*nope/)
  })

  it("networks, leases and ACLs", async () => {
    ok(await at(["network", "add", "cli-net", "--vni", "300", "--type", "managed", "--domain", "cli.local", "--ip4-network", "10.30.0.0/24", "--ip4-gateway", "10.30.0.1", "--dhcp4", "--dhcp4-start", "10.30.0.100", "--dhcp4-end", "10.30.0.200"]), "network add")
    assert.match(ok(await at(["network", "list"]), "list"), /^300 +cli-net +managed +cli\.local +10\.30\.0\.0\/24 +10\.30\.0\.1 +True/m)
    ok(await at(["network", "modify", "300", "--domain", "cli2.local"]), "modify")
    ok(await at(["network", "dhcp", "add", "300", "52:54:00:00:00:30", "--ip", "10.30.0.30", "--hostname", "h30"]), "dhcp add")
    assert.include(ok(await at(["network", "dhcp", "list", "300", "--static"]), "dhcp list"), "10.30.0.30")
    ok(await at(["network", "dhcp", "remove", "300", "52:54:00:00:00:30"]), "dhcp remove")
    ok(await at(["network", "acl", "add", "300", "allow-ssh", "--direction", "in", "--rule", "tcp dport 22 counter accept", "--order", "1"]), "acl add")
    assert.include(ok(await at(["network", "acl", "list", "300", "--direction", "in"]), "acl list"), "allow-ssh")
    ok(await at(["network", "acl", "remove", "300", "allow-ssh", "--direction", "in"]), "acl remove")
    assert.strictEqual((await at(["network", "remove", "300"])).code, 2)
    ok(await at(["network", "remove", "300", "--yes"]), "network remove")
  })

  it("storage: OSDs, pools, volumes, snapshots", async () => {
    ok(await at(["storage", "osd", "set", "noout"]), "osd set")
    ok(await at(["storage", "osd", "unset", "noout"]), "osd unset")
    ok(await at(["storage", "osd", "out", "1"]), "osd out")
    ok(await at(["storage", "osd", "in", "1"]), "osd in")
    const add = await at(["storage", "osd", "add", "hv1", "/dev/sdc", "--weight", "1.5"])
    assert.include([0, 1], add.code, add.stderr)
    assert.strictEqual((await at(["storage", "osd", "remove", "2"])).code, 2)
    ok(await at(["storage", "osd", "remove", "2", "--yes"]), "osd remove")
    ok(await at(["storage", "pool", "add", "clipool", "--pgs", "32"]), "pool add")
    ok(await at(["storage", "volume", "add", "vms", "vol1", "--size", "1G"]), "volume add")
    ok(await at(["storage", "volume", "snapshot", "add", "vms", "web1_disk0", "snap1"]), "snapshot add")
    assert.strictEqual((await at(["storage", "volume", "snapshot", "remove", "vms", "db1_disk0", "before-upgrade"])).code, 2)
    ok(await at(["storage", "volume", "snapshot", "remove", "vms", "db1_disk0", "before-upgrade", "--yes"]), "snapshot remove")
    assert.strictEqual((await at(["storage", "volume", "remove", "backup", "db1_dump"])).code, 2)
    ok(await at(["storage", "volume", "remove", "backup", "db1_dump", "--yes"]), "volume remove")
    assert.strictEqual((await at(["storage", "pool", "remove", "backup"])).code, 2)
    ok(await at(["storage", "pool", "remove", "backup", "--yes"]), "pool remove")
  })

  it("info of an unknown object: `pvc: no ...` on stderr, exit 1; --json/--yaml print [] and exit 1", async () => {
    for (const [args, line] of [
      [["vm", "info", "nosuch"], "pvc: no VM 'nosuch'\n"],
      [["vm", "info", "nosuch", "--long"], "pvc: no VM 'nosuch'\n"],
      [["node", "info", "nosuch"], "pvc: no node 'nosuch'\n"],
      [["network", "info", "999"], "pvc: no network '999'\n"],
      [["network", "dhcp", "info", "100", "nosuch"], "pvc: no DHCP lease 'nosuch' in network '100'\n"],
      [["network", "acl", "info", "100", "nosuch"], "pvc: no ACL 'nosuch' in network '100'\n"],
      [["storage", "osd", "info", "99"], "pvc: no OSD '99'\n"],
      [["storage", "pool", "info", "nosuch"], "pvc: no pool 'nosuch'\n"],
      [["storage", "volume", "info", "vms", "nosuch"], "pvc: no volume 'vms/nosuch'\n"],
      [["storage", "volume", "snapshot", "info", "vms", "nosuch", "x"], "pvc: no snapshot 'vms/nosuch@x'\n"]
    ] as const) {
      const table = await at(args)
      assert.deepStrictEqual([table.code, table.stdout, table.stderr], [1, "", line], args.join(" "))
      const json = await at(["--json", ...args])
      assert.deepStrictEqual([json.code, JSON.parse(json.stdout), json.stderr], [1, [], line], `--json ${args.join(" ")}`)
      const yaml = await at(["--yaml", ...args])
      assert.deepStrictEqual([yaml.code, parse(yaml.stdout), yaml.stderr], [1, [], line], `--yaml ${args.join(" ")}`)
    }
    ok(await at(["node", "info", "hv1"]), "an existing node still exits 0")
  })

  it("info of existing leases, ACLs, OSDs, pools, volumes and snapshots prints the record", async () => {
    const first = async <A>(args: ReadonlyArray<string>) => (JSON.parse(ok(await at([...args, "--json"]), args.join(" "))) as ReadonlyArray<A>)[0]!
    const lease = await first<{ mac_address: string }>(["network", "dhcp", "list", "100"])
    const acl = await first<{ description: string }>(["network", "acl", "list", "100"])
    const volume = await first<{ pool: string; name: string }>(["storage", "volume", "list"])
    const snapshot = await first<{ pool: string; volume: string; snapshot: string }>(["storage", "volume", "snapshot", "list"])
    assert.match(ok(await at(["network", "dhcp", "info", "100", lease.mac_address]), "dhcp info"), new RegExp(`^mac_address: +${lease.mac_address}$`, "m"))
    assert.match(ok(await at(["network", "acl", "info", "100", acl.description]), "acl info"), new RegExp(`^description: +${acl.description}$`, "m"))
    assert.match(ok(await at(["storage", "osd", "info", "1"]), "osd info"), /^id: +1$/m)
    assert.match(ok(await at(["storage", "pool", "info", "vms"]), "pool info"), /^name: +vms$/m)
    assert.match(ok(await at(["storage", "volume", "info", volume.pool, volume.name]), "volume info"), new RegExp(`^name: +${volume.name}$`, "m"))
    assert.match(
      ok(await at(["storage", "volume", "snapshot", "info", snapshot.pool, snapshot.volume, snapshot.snapshot]), "snapshot info"),
      new RegExp(`^snapshot: +${snapshot.snapshot}$`, "m")
    )
  })

  it("exit codes: 1 refused by the API, 2 usage, 3 unreachable (one line)", async () => {
    const refused = await at(["vm", "start", "nope"])
    assert.deepStrictEqual([refused.code, refused.stdout, refused.stderr], [1, "", "pvc: VM 'nope' not found.\n"])
    for (const args of [["vm", "list", "--bogus"], ["vm", "info"], ["vm", "list", "--state", "running"], ["network", "add", "x", "--vni", "ten", "--type", "managed"], ["nope"]]) {
      const run = await at(args)
      assert.strictEqual(run.code, 2, args.join(" "))
      assert.isNotEmpty(run.stderr, args.join(" "))
    }
    const unreachable = await pvc(["--url", "http://127.0.0.1:9", "vm", "list"])
    assert.strictEqual(unreachable.code, 3)
    assert.strictEqual(unreachable.stderr.trim().split("\n").length, 1)
    assert.match(unreachable.stderr, /^pvc: cannot reach the API at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/)
  })

  it("--wait and --watch are refused cleanly until the API has an event stream", async () => {
    const before = ok(await at(["vm", "info", "proxy1"]), "before")
    for (const args of [["vm", "stop", "proxy1", "--wait", "10"], ["vm", "list", "--watch"], ["node", "list", "--watch"]]) {
      const run = await at(args)
      assert.strictEqual(run.code, 2, args.join(" "))
      assert.match(run.stderr, /event stream/)
    }
    assert.strictEqual(ok(await at(["vm", "info", "proxy1"]), "after"), before)
  })

  it("PVC_URL, stored clusters (file 0600), --cluster and PVC_CLUSTER", async () => {
    const config = join(dir, "xdg")
    assert.deepStrictEqual(firstColumn(ok(await pvc(["node", "list"], { PVC_URL: api.url }), "PVC_URL")), ["hv1", "hv2", "hv3"])
    ok(await pvc(["cluster", "add", "demo", "--url", api.url, "--token", "t0"], { XDG_CONFIG_HOME: config }), "cluster add")
    assert.strictEqual(statSync(join(config, "pvc", "clusters.json")).mode & 0o777, 0o600)
    assert.match(ok(await pvc(["cluster", "list"], { XDG_CONFIG_HOME: config }), "cluster list"), /^demo +http:\/\/127\.0\.0\.1:\d+ +yes$/m)
    ok(await pvc(["--cluster", "demo", "vm", "info", "web1"], { XDG_CONFIG_HOME: config }), "--cluster")
    ok(await pvc(["vm", "info", "web1"], { XDG_CONFIG_HOME: config, PVC_CLUSTER: "demo" }), "PVC_CLUSTER")
    assert.strictEqual((await pvc(["--cluster", "other", "vm", "list"], { XDG_CONFIG_HOME: config })).code, 2)
    ok(await pvc(["cluster", "remove", "demo"], { XDG_CONFIG_HOME: config }), "cluster remove")
    assert.notInclude(ok(await pvc(["cluster", "list"], { XDG_CONFIG_HOME: config }), "list"), "demo")
  })

  it("prints bash and zsh completion scripts", async () => {
    assert.match(ok(await pvc(["--completions", "bash"]), "bash"), /complete .*pvc/)
    assert.match(ok(await pvc(["--completions", "zsh"]), "zsh"), /#compdef pvc/)
  })
})

describe("pvc with authentication", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({
      entities: demoCluster(),
      config: { auth: { enabled: true, secretKey: "a-long-secret-key", tokens: [{ description: "cli", token: TOKEN }] } }
    })
  })
  afterAll(() => api.close())

  it("without a token: exit 1, Authentication required; --token and PVC_TOKEN work", async () => {
    const denied = await pvc(["--url", api.url, "vm", "list"])
    assert.deepStrictEqual([denied.code, denied.stderr], [1, "pvc: Authentication required\n"])
    const wrong = await pvc(["--url", api.url, "--token", "nope", "vm", "list"])
    assert.deepStrictEqual([wrong.code, wrong.stderr], [1, "pvc: Authentication failed\n"])
    assert.include(ok(await pvc(["--url", api.url, "--token", TOKEN, "vm", "list"]), "--token"), "web1")
    ok(await pvc(["--url", api.url, "vm", "stop", "mail1"], { PVC_TOKEN: TOKEN }), "PVC_TOKEN post")
  })
})
