import { assert, describe, it } from "@effect/vitest"
import { readReply } from "../src/VirshSession.ts"

describe("readReply", () => {
  it("drops prompts and virsh's echo of our input", () => {
    const text = "virsh # list --uuid\nabc\ndef\nvirsh # echo ::pvc'-'done-3::\n"
    assert.deepStrictEqual(readReply(text, "list --uuid", 3), { output: ["abc", "def"], errors: [] })
  })

  it("separates output that a prompt follows on the same line", () => {
    const text = "virsh # echo hi\nhivirsh # echo ::pvc'-'done-1::\n"
    assert.deepStrictEqual(readReply(text, "echo hi", 1), { output: ["hi"], errors: [] })
  })

  it("keeps continuation lines of an error message as error text", () => {
    const text = "virsh # define /t/d.xml\nerror: Failed to define domain\nerror: XML document failed to validate\n" +
      "Element domain has extra content: bogus\n\nvirsh # echo ::pvc'-'done-2::\n"
    assert.deepStrictEqual(readReply(text, "define /t/d.xml", 2), {
      output: [],
      errors: ["Failed to define domain", "XML document failed to validate", "Element domain has extra content: bogus"]
    })
  })

  it("reads output without echoed input", () => {
    assert.deepStrictEqual(readReply("virsh # running\n", "domstate x", 5), { output: ["running"], errors: [] })
  })
})
