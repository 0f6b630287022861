import { it } from "@fast-check/vitest"
import * as fc from "fast-check"
import { expect } from "vitest"
import type { VmUuid } from "../../src/domain/Ids.ts"
import type { Vm } from "../../src/domain/Vm.ts"
import { compareNames } from "../../src/nodes/NodeSelector.ts"
import { sortedVms } from "../../src/vms/VmLookup.ts"
import { vm } from "../nodes/Builders.ts"

type Step =
  | { readonly op: "state"; readonly at: number }
  | { readonly op: "rename"; readonly at: number; readonly name: string }
  | { readonly op: "add"; readonly name: string }
  | { readonly op: "remove"; readonly at: number }

const arbName = fc.stringMatching(/^[a-c][0-9]{0,3}$/)
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant("state" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("rename" as const), at: fc.nat(), name: arbName }),
  fc.record({ op: fc.constant("add" as const), name: arbName }),
  fc.record({ op: fc.constant("remove" as const), at: fc.nat() })
)

const expected = (vms: ReadonlyMap<VmUuid, Vm>) =>
  [...vms.values()].sort((a, b) => compareNames(a.name, b.name) || compareNames(a.uuid, b.uuid))

let uuids = 0
const newVm = (name: string, state: "start" | "stop" = "stop") => vm({ name, node: "hv1", state, uuid: `u${++uuids}` })

const apply = (vms: ReadonlyMap<VmUuid, Vm>, step: Step): Map<VmUuid, Vm> => {
  const next = new Map(vms)
  const list = [...vms.values()]
  const target = list.length === 0 ? undefined : list[("at" in step ? step.at : 0) % list.length]!
  switch (step.op) {
    case "add": {
      const added = newVm(step.name)
      next.set(added.uuid, added)
      break
    }
    case "remove":
      if (target !== undefined) next.delete(target.uuid)
      break
    case "state":
      if (target !== undefined) next.set(target.uuid, vm({ name: target.name, node: "hv1", uuid: target.uuid, state: target.state === "stop" ? "start" : "stop" }))
      break
    case "rename":
      if (target !== undefined) next.set(target.uuid, vm({ name: step.name, node: "hv1", uuid: target.uuid }))
  }
  return next
}

it.prop([fc.array(arbName, { maxLength: 20 }), fc.array(arbStep, { maxLength: 30 })])(
  "sortedVms of every snapshot in a sequence of changes is the VMs sorted by name, then UUID",
  (names, steps) => {
    let vms: ReadonlyMap<VmUuid, Vm> = new Map(names.map((n) => newVm(n)).map((v) => [v.uuid, v]))
    expect(sortedVms(vms)).toEqual(expected(vms))
    for (const step of steps) {
      vms = apply(vms, step)
      const sorted = sortedVms(vms)
      expect(sorted.map((v) => v.uuid)).toEqual(expected(vms).map((v) => v.uuid))
      sorted.forEach((v) => expect(v).toBe(vms.get(v.uuid)))
    }
  }
)
