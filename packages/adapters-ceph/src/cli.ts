import { parseArgs } from "node:util"
import { Duration, Effect, Layer } from "effect"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { layerConfig, layerZkClient, parseCoordinators } from "@pvc/adapters-zk"
import * as Agent from "./Agent.ts"
import * as CephCli from "./CephCli.ts"
import { cephVolumeProvisioner, commandProvisioner } from "./CephOps.ts"

const usage = `usage: node packages/adapters-ceph/src/cli.ts ceph-agent --node <name> --zk <host:port,...>
  [--ceph-conf <path>]            ceph.conf of the cluster (default: $CEPH_CONF or /etc/ceph/ceph.conf)
  [--refresh <seconds>]           stats/status refresh period (default 5; 0 = off)
  [--osd-add-cmd "<argv...>"]     provision OSDs by running '<argv...> <device>' (prints the id);
  [--osd-stop-cmd "<argv...>"]    and stop them with '<argv...> <id>' (default: ceph-volume + systemd)
  [--deadline <seconds>]          per command (default 50), OSD add/remove: --osd-deadline (default 840);
                                  keep both under the API's (60 s / 15 min) so the agent answers first`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    node: { type: "string" },
    zk: { type: "string" },
    "ceph-conf": { type: "string" },
    refresh: { type: "string", default: "5" },
    "osd-add-cmd": { type: "string" },
    "osd-stop-cmd": { type: "string" },
    deadline: { type: "string", default: String(Duration.toSeconds(Agent.DEFAULT_DEADLINES.default)) },
    "osd-deadline": { type: "string", default: String(Duration.toSeconds(Agent.DEFAULT_DEADLINES.osd)) }
  }
})

if (positionals[0] !== "ceph-agent" || values.node === undefined || values.zk === undefined) {
  console.error(usage)
  process.exit(2)
}

const secs = (s: string) => Duration.seconds(Number(s))
const words = (s: string) => s.split(/\s+/).filter((w) => w !== "")
const provisioner = values["osd-add-cmd"] !== undefined && values["osd-stop-cmd"] !== undefined
  ? commandProvisioner(words(values["osd-add-cmd"]), words(values["osd-stop-cmd"]))
  : cephVolumeProvisioner

const services = Layer.mergeAll(
  CephCli.layer({ conf: values["ceph-conf"] ?? process.env["CEPH_CONF"], timeout: secs(values.deadline) }),
  layerZkClient.pipe(Layer.provide(layerConfig(parseCoordinators(values.zk))))
)

Effect.logInfo(`ceph-agent ${values.node}: watching /ceph/cmd on ${values.zk}`).pipe(
  Effect.andThen(Agent.run({
    node: values.node,
    provisioner,
    deadlines: { default: secs(values.deadline), osd: secs(values["osd-deadline"]) },
    refreshEvery: secs(values.refresh)
  })),
  Effect.provide(services),
  NodeRuntime.runMain
)
