import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import type { NodeName } from "../../src/domain/Ids.ts"
import {
  compareNames,
  isReady,
  parseSelector,
  resolveTarget,
  selectNode,
  type Selector,
  selectorMetric
} from "../../src/nodes/NodeSelector.ts"
import { arbNodes, node } from "./Builders.ts"

const arbSelector = fc.constantFrom<Selector>("mem", "load", "vcpus", "vms")
const byName = (nodes: ReadonlyArray<ReturnType<typeof node>>) => new Map(nodes.map((n) => [n.name, n] as const))

describe("NodeSelector", () => {
  test.prop([arbNodes, arbSelector, fc.nat()])(
    "picks the ready node with the smallest metric, never the current one, ties to the first name",
    (nodes, selector, pick) => {
      const current = pick % (nodes.length + 1) === nodes.length ? null : nodes[pick % (nodes.length + 1)]!.name
      const eligible = nodes.filter((n) => isReady(n) && n.name !== current)
      const result = selectNode(nodes, current, selector)
      if (eligible.length === 0) {
        assert.isTrue(Result.isFailure(result))
        return
      }
      assert.isTrue(Result.isSuccess(result))
      const chosen = Result.getOrThrow(result)
      assert.notStrictEqual(chosen.name, current)
      assert.isTrue(isReady(chosen))
      for (const other of eligible) {
        const [mine, theirs] = [selectorMetric(selector, chosen), selectorMetric(selector, other)]
        assert.isTrue(mine < theirs || (mine === theirs && compareNames(chosen.name, other.name) <= 0))
      }
    }
  )

  // The figures of zk-layout §7, read here from the node's fields (not with the module's own metric).
  const figure = (selector: Selector, n: ReturnType<typeof node>): number => {
    const text = { mem: String(n.resources.memAllocated), load: n.resources.cpuLoad, vcpus: n.resources.vcpuAllocated, vms: n.resources.domainsCount }[selector]
    return /^[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$/.test(text) ? Number(text) : Number.POSITIVE_INFINITY
  }

  test.prop([arbNodes, arbSelector])(
    "the choice is minimal by the figure read independently, ties to the first name; an empty node means the selector",
    (nodes, selector) => {
      const eligible = nodes.filter((n) => n.daemonState === "run" && n.domainState === "ready")
      const expected = [...eligible].sort((a, b) => figure(selector, a) - figure(selector, b) || (a.name < b.name ? -1 : 1))[0]
      for (const placement of [{ selector }, { node: "", selector }]) {
        const result = resolveTarget(byName(nodes), { name: "vm", node: null }, placement)
        assert.strictEqual(Result.isSuccess(result) ? result.success.name : "none", expected?.name ?? "none")
      }
    }
  )

  it("load: the least loaded node wins even when its name sorts last; unreadable loads rank last", () => {
    const nodes = [
      node({ name: "hv1", cpuLoad: "2.5" }),
      node({ name: "hv2", cpuLoad: "junk" }),
      node({ name: "hv3", cpuLoad: "0.25" }),
      node({ name: "hv4", cpuLoad: "0.5", domainState: "flushed" })
    ]
    assert.strictEqual(Result.getOrThrow(selectNode(nodes, null, "load")).name, "hv3")
    assert.strictEqual(Result.getOrThrow(selectNode(nodes, "hv3" as NodeName, "load")).name, "hv1")
    assert.strictEqual(Result.getOrThrow(resolveTarget(byName(nodes), { name: "vm", node: null }, { node: "", selector: "load" })).name, "hv3")
    assert.strictEqual(Result.getOrThrow(selectNode([nodes[1]!, node({ name: "hv9", cpuLoad: "7" })], null, "load")).name, "hv9")
    assert.strictEqual(Result.getOrThrow(selectNode([node({ name: "b", cpuLoad: "x" }), node({ name: "a", cpuLoad: "y" })], null, "load")).name, "a")
  })

  test.prop([arbNodes, fc.string()])("an explicit node wins over any selector text", (nodes, selector) => {
    const target = nodes.find(isReady)
    fc.pre(target !== undefined)
    const result = resolveTarget(byName(nodes), { name: "vm", node: null }, { node: target!.name, selector })
    assert.strictEqual(Result.getOrThrow(result).name, target!.name)
  })

  it("compares names by code unit: before, after, equal", () => {
    assert.deepStrictEqual([compareNames("B", "a"), compareNames("a", "B"), compareNames("hv1", "hv1")], [-1, 1, 0])
  })

  it("parses the four selectors and defaults to mem", () => {
    for (const s of ["mem", "load", "vcpus", "vms"]) assert.strictEqual(Result.getOrThrow(parseSelector(s)), s)
    assert.strictEqual(Result.getOrThrow(parseSelector(undefined)), "mem")
    assert.strictEqual(Result.getOrThrow(parseSelector("")), "mem")
  })

  it("rejects an unknown selector", () => {
    const nodes = byName([node({ name: "hv1" })])
    const result = resolveTarget(nodes, { name: "vm", node: null }, { selector: "MEM" })
    assert.deepStrictEqual(Result.isFailure(result) && result.failure._tag, "InvalidSelector")
  })

  const failure = (placement: { node?: string; selector?: string }, current: string | null = "hv1") => {
    const nodes = byName([
      node({ name: "hv1" }),
      node({ name: "hv2", domainState: "flushed" }),
      node({ name: "hv3", daemonState: "dead" })
    ])
    const result = resolveTarget(nodes, { name: "vm", node: current as NodeName | null }, placement)
    return Result.isFailure(result) ? result.failure : undefined
  }

  it("refuses an unknown, a non-ready or the current node, and fails when nothing qualifies", () => {
    assert.strictEqual(failure({ node: "hv9" })?._tag, "NodeNotFound")
    assert.strictEqual(failure({ node: "hv2" })?._tag, "NodeNotReady")
    assert.strictEqual(failure({ node: "hv3" })?._tag, "NodeNotReady")
    assert.strictEqual(failure({ node: "hv1" })?._tag, "AlreadyOnNode")
    assert.strictEqual(failure({})?._tag, "NoEligibleNode")
    assert.strictEqual(failure({}, null), undefined)
  })

  it("selects by each metric", () => {
    const nodes = [
      node({ name: "hv1", memAllocated: 10, cpuLoad: "0.1", vcpuAllocated: "9", domainsCount: "5" }),
      node({ name: "hv2", memAllocated: 1, cpuLoad: "2.5", vcpuAllocated: "8", domainsCount: "6" }),
      node({ name: "hv3", memAllocated: 5, cpuLoad: "1.0", vcpuAllocated: "2", domainsCount: "7" }),
      node({ name: "hv4", memAllocated: 7, cpuLoad: "3.0", vcpuAllocated: "10", domainsCount: "1" })
    ]
    const pick = (s: Selector) => Result.getOrThrow(selectNode(nodes, null, s)).name
    assert.deepStrictEqual([pick("mem"), pick("load"), pick("vcpus"), pick("vms")], ["hv2", "hv1", "hv3", "hv4"])
    assert.strictEqual(Result.getOrThrow(selectNode(nodes, "hv2" as NodeName, "mem")).name, "hv3")
  })
})
