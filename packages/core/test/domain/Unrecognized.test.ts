import { assert, describe, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import { arbCluster } from "../../../testkit/src/arbitraries/ArbCluster.ts"
import { makeAcl, makeNetwork, makeNode, makeVm } from "../../../testkit/src/demo/Builders.ts"
import { StoredText } from "../../src/domain/Ids.ts"
import { unrecognizedValues } from "../../src/domain/Unrecognized.ts"

describe("unrecognizedValues", () => {
  test.prop([arbCluster()], { numRuns: 50 })("nothing the API itself writes is unrecognized", (entities) => {
    assert.deepStrictEqual(entities.flatMap(unrecognizedValues), [])
  })

  it("names each value outside the API's vocabulary", () => {
    assert.deepStrictEqual(unrecognizedValues(makeNetwork("lab", "lab-net", { type: StoredText.make("vxlan") })), [
      "VNI key 'lab' is not a number",
      "nettype 'vxlan' is not one the API writes"
    ])
    assert.deepStrictEqual(unrecognizedValues(makeNetwork("0100", "padded")), [])
    assert.deepStrictEqual(unrecognizedValues(makeVm("v", "u", "hv1", { state: StoredText.make("paused") })), [
      "state 'paused' is not one the API writes"
    ])
    assert.lengthOf(unrecognizedValues(makeNode("hv1", { daemonState: StoredText.make("fenced"), routerState: StoredText.make("x") })), 2)
    assert.deepStrictEqual(unrecognizedValues(makeAcl(1, "in", "a", "07")), [])
    assert.deepStrictEqual(unrecognizedValues(makeAcl(1, "in", "a", "-1")), ["order '-1' is not a number"])
  })
})
