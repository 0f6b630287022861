import { execFileSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { domainDriverSuite } from "../../testkit/src/contracts/DomainDriverContract.ts"
import { layer, makeTestDriverSession, makeVirshDomainDriver, makeVirshSession } from "../src/index.ts"

// Hard requirement: these tests prove behaviour against real libvirt (scripts/libvirt-deps.sh installs it).
execFileSync("virsh", ["--version"])

domainDriverSuite("virsh on libvirt's test driver", Effect.map(makeTestDriverSession, makeVirshDomainDriver), layer)

describe("virsh session", () => {
  it.live("keeps its state on one connection across commands", () =>
    Effect.scoped(Effect.gen(function*() {
      const virsh = yield* makeTestDriverSession
      assert.deepStrictEqual((yield* virsh.run("list --all --name")).output, [])
      const reply = yield* virsh.run("domstate no-such-domain")
      assert.match(reply.errors.join(" "), /failed to get domain/)
      const uri = yield* virsh.run("uri")
      assert.match(uri.output[0] ?? "", /^test:\/\//)
    })))

  it.live("answers concurrent commands each with its own reply", () =>
    Effect.scoped(Effect.gen(function*() {
      const virsh = yield* makeTestDriverSession
      const replies = yield* Effect.all(
        Array.from({ length: 30 }, (_, i) => virsh.run(i % 2 === 0 ? `echo reply-${i}` : `domstate missing-${i}`)),
        { concurrency: "unbounded" }
      )
      replies.forEach((reply, i) => {
        if (i % 2 === 0) assert.deepStrictEqual(reply, { output: [`reply-${i}`], errors: [] })
        else assert.match(reply.errors.join(" "), new RegExp(`missing-${i}'`))
      })
    })))

  it.live("reports an unreachable hypervisor as DomainDriverUnavailable", () =>
    Effect.scoped(Effect.gen(function*() {
      const error = yield* Effect.flip(makeVirshSession("test:///no/such/node.xml"))
      assert.strictEqual(error._tag, "DomainDriverUnavailable")
    })))

  it.live("refuses command text that could smuggle a second command", () =>
    Effect.scoped(Effect.gen(function*() {
      const virsh = yield* makeTestDriverSession
      const exit = yield* Effect.exit(virsh.run("list; destroy x"))
      assert.isTrue(exit._tag === "Failure")
    })))
})
