import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

/*
 * The first read of a large tree (100k+ znodes) promotes a lot of short-lived request objects to
 * V8's old space, which then grows to several times the live data before V8 collects it: the
 * process peaks near 600 MB for ~80 MB of live state at 10,000 VMs. A full collection every few
 * thousand reads during that load keeps the peak near the live size. `gc` is exposed at runtime
 * (the documented `--expose-gc` flag, set through `v8.setFlagsFromString`) so that no launch flag
 * is needed.
 */
let gc: (() => void) | undefined | null

export const collectGarbage = (): void => {
  if (gc === undefined) {
    try {
      setFlagsFromString("--expose-gc")
      gc = runInNewContext("gc") as () => void
    } catch {
      gc = null
    }
  }
  gc?.()
}
