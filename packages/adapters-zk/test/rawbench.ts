import { applyClientPatches } from "../src/ClientPatches.ts"
import zk from "node-zookeeper-client"
applyClientPatches()
const c = zk.createClient(process.argv[2] + "/bench10k")
const watch = process.argv[3] === "w"
c.once("connected", () => {
  c.getChildren("/domains", (_e, kids) => {
    const paths: Array<string> = []
    for (const k of kids) for (const x of ["state", "node", "lastnode", "xml", "consolelog", "failedreason", "rbdlist"]) paths.push(`/domains/${k}/${x}`)
    let i = 0, inflight = 0, done = 0
    const t0 = Date.now()
    const w = () => {}
    const sock = () => (c as any).connectionManager.socket
    const pump = () => {
      sock().cork()
      while (inflight < 1000 && i < paths.length) {
        inflight++
        const p = paths[i++]!
        const cb = () => {
          inflight--
          done++
          if (done === paths.length) {
            console.log(paths.length, "in", Date.now() - t0, "ms")
            process.exit(0)
          }
          if (inflight < 500) pump()
        }
        watch ? c.getData(p, w, cb) : c.getData(p, cb)
      }
      sock().uncork()
    }
    pump()
  })
})
c.connect()
