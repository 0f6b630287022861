import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { readFileSync } from "node:fs"
import { makeTokenMatcher } from "../src/auth/Tokens.ts"
import { parseCommand } from "../src/config/Args.ts"
import { type ApiConfig, parseConfig, parseCoordinators } from "../src/config/ApiConfig.ts"

const SAMPLE = readFileSync(new URL("./fixtures/pvc-api.sample.yaml", import.meta.url), "utf8")

const VALID = `
pvc:
  coordinators:
    - hv1
    - hv2
  api:
    listen_address: 0.0.0.0
    listen_port: 7370
    authentication:
      enabled: true
      secret_key: "s3cret"
      tokens:
        - description: "testing"
          token: "abc-123"
    ssl:
      enabled: false
      cert_file: ""
      key_file: ""
`

const parse = (text: string): ApiConfig => Effect.runSync(parseConfig("pvc-api.yaml", text))

const refusal = (text: string): string => {
  const error = Effect.runSync(Effect.flip(parseConfig("pvc-api.yaml", text)))
  assert.strictEqual(error._tag, "ConfigInvalid")
  assert.match(error.message, /^pvc-api\.yaml: .*; correct the file$/)
  return error.message
}

describe("pvc-api.yaml", () => {
  it("the sample shipped with PVC is read unchanged", () => {
    const config = parse(SAMPLE)
    assert.deepStrictEqual(config.coordinators, ["pvc-hv1:2181", "pvc-hv2:2181", "pvc-hv3:2181"])
    assert.strictEqual(config.chroot, undefined)
    assert.strictEqual(config.listenAddress, "127.0.0.1")
    assert.strictEqual(config.listenPort, 7370)
    assert.deepStrictEqual(config.auth, {
      enabled: false,
      secretKey: "aSuperLong&SecurePasswordString",
      tokens: [{ description: "testing", token: "" }]
    })
    assert.deepStrictEqual(config.ssl, { enabled: false, certFile: "", keyFile: "" })
    assert.strictEqual(config.logLevel, "Debug")
    assert.deepStrictEqual(config.warnings, [])
  })

  it("the sample with authentication switched on starts; its empty token never authenticates", () => {
    const config = parse(SAMPLE.replace("enabled: False\n            secret_key", "enabled: True\n            secret_key"))
    assert.isTrue(config.auth.enabled)
    const match = makeTokenMatcher(config.auth.tokens)
    assert.isFalse(match(""))
    assert.isFalse(match("testing"))
    assert.strictEqual(config.warnings.length, 2)
    assert.include(config.warnings[0], "tokens[0]")
    assert.include(config.warnings[1], "401")
  })

  it("an empty secret key with authentication on gets a random per-process key and a warning", () => {
    const a = parse(VALID.replace('secret_key: "s3cret"', 'secret_key: ""'))
    const b = parse(VALID.replace('secret_key: "s3cret"', "secret_key:"))
    assert.isAbove(a.auth.secretKey.length, 30)
    assert.notStrictEqual(a.auth.secretKey, b.auth.secretKey)
    assert.include(a.warnings.join("\n"), "pvc.api.authentication.secret_key")
    assert.isTrue(makeTokenMatcher(a.auth.tokens)("abc-123"))
  })

  it("YAML 1.1 booleans, bare or quoted, in every switch", () => {
    const words: Array<[string, boolean]> = [
      ["True", true], ["False", false], ["true", true], ["FALSE", false], ["yes", true], ["No", false],
      ["on", true], ["OFF", false], ['"True"', true], ['"no"', false], ["'on'", true]
    ]
    for (const [word, value] of words) {
      const config = parse(
        VALID.replace("enabled: true", `enabled: ${word}`).replace("ssl:\n      enabled: false", `ssl:\n      enabled: ${word}`)
          .replace('cert_file: ""', "cert_file: /c.pem").replace('key_file: ""', "key_file: /k.pem")
      )
      assert.strictEqual(config.auth.enabled, value, word)
      assert.strictEqual(config.ssl.enabled, value, word)
    }
  })

  it("the port as a bare or quoted number", () => {
    for (const form of ["7370", '"7370"', "' 7370 '", "0"]) {
      assert.strictEqual(parse(VALID.replace("listen_port: 7370", `listen_port: ${form}`)).listenPort, form === "0" ? 0 : 7370, form)
    }
  })

  it("coordinators with ports, a chroot, comma lists and a single string", () => {
    const coordinators = (block: string) => {
      const config = parse(VALID.replace("  coordinators:\n    - hv1\n    - hv2\n", block))
      return [config.coordinators, config.chroot] as const
    }
    assert.deepStrictEqual(coordinators("  coordinators:\n    - hv1:2182\n    - 10.0.0.2\n    - hv3/pvc\n"), [
      ["hv1:2182", "10.0.0.2:2181", "hv3:2181"],
      "/pvc"
    ])
    assert.deepStrictEqual(coordinators("  coordinators: hv1, hv2:2190/a/b/\n"), [["hv1:2181", "hv2:2190"], "/a/b"])
    assert.deepStrictEqual(coordinators("  coordinators:\n    - '[::1]:2181'\n"), [["[::1]:2181"], undefined])
    assert.deepStrictEqual(coordinators("  coordinators:\n"), [[], undefined])
    assert.deepStrictEqual(coordinators("  coordinators: []\n"), [[], undefined])
  })

  it("any list of host[:port] entries with one optional chroot round-trips", () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/)
    const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join("."))
    const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })
    const chroot = fc.option(fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => `/${l.join("/")}`), { nil: undefined })
    fc.assert(fc.property(fc.array(fc.tuple(host, port), { minLength: 1, maxLength: 5 }), chroot, (servers, root) => {
      const entries = servers.map(([h, p]) => (p === undefined ? h : `${h}:${p}`))
      const withRoot = root === undefined ? entries : [...entries.slice(0, -1), `${entries.at(-1)}${root}`]
      const parsed = parseCoordinators(withRoot)
      assert.isTrue("ok" in parsed)
      if (!("ok" in parsed)) return
      assert.deepStrictEqual(parsed.ok.hosts, servers.map(([h, p]) => `${h}:${p ?? 2181}`))
      assert.strictEqual(parsed.ok.chroot, root)
    }))
  })

  it("a really invalid file is refused with the bad key named", () => {
    assert.include(refusal(VALID.replace("7370", "seventy")), "pvc.api.listen_port")
    assert.include(refusal(VALID.replace("7370", '"73 70"')), "pvc.api.listen_port")
    assert.include(refusal(VALID.replace("7370", "70000")), "pvc.api.listen_port")
    assert.include(refusal(VALID.replace("enabled: true", "enabled: maybe")), "pvc.api.authentication.enabled")
    assert.include(refusal(VALID.replace("    listen_address: 0.0.0.0\n", "")), "pvc.api.listen_address")
    assert.include(refusal(VALID.replace('token: "abc-123"', "token: 5")), "pvc.api.authentication.tokens[0].token")
    assert.include(refusal(VALID.replace("- hv2", "- 'hv 2'")), "pvc.coordinators[1]")
    assert.include(refusal(VALID.replace("- hv2", "- hv2:99999")), "pvc.coordinators[1]")
    assert.include(refusal(VALID.replace("- hv2", "- ''")), "pvc.coordinators[1]")
    assert.include(refusal(VALID.replace("- hv1", "- hv1/a").replace("- hv2", "- hv2/b")), "pvc.coordinators")
    assert.include(refusal(VALID.replace("- hv2", "- 12")), "pvc.coordinators[1]")
  })

  it("what an enabled feature needs is checked", () => {
    assert.include(refusal(VALID.replace("ssl:\n      enabled: false", "ssl:\n      enabled: true")), "pvc.api.ssl.cert_file")
    assert.include(
      refusal(VALID.replace("ssl:\n      enabled: false", "ssl:\n      enabled: true").replace('cert_file: ""', "cert_file: /c.pem")),
      "pvc.api.ssl.key_file"
    )
  })

  it("YAML that does not parse, or an empty file, is refused in one line", () => {
    const message = refusal("pvc: [unclosed\n  x")
    assert.include(message, "not valid YAML")
    assert.include(message, "at line ")
    assert.notInclude(message, "\n")
    assert.include(refusal(""), "empty; expected a `pvc:` section")
    assert.include(refusal("# only a comment\n"), "empty")
  })
})

describe("command line", () => {
  it("the path comes from --config or PVC_CONFIG_FILE", () => {
    assert.deepStrictEqual(parseCommand(["--config", "/a.yaml"], { PVC_CONFIG_FILE: "/b.yaml" }), { _tag: "Serve", configPath: "/a.yaml" })
    assert.deepStrictEqual(parseCommand(["--config=/c.yaml"], {}), { _tag: "Serve", configPath: "/c.yaml" })
    assert.deepStrictEqual(parseCommand([], { PVC_CONFIG_FILE: "/b.yaml" }), { _tag: "Serve", configPath: "/b.yaml" })
    assert.deepStrictEqual(parseCommand([], { PVC_CONFIG_FILE: "" }), { _tag: "Serve", configPath: undefined })
  })

  it("--help, --version, and what is not understood", () => {
    assert.strictEqual(parseCommand(["--help"], {})._tag, "Help")
    assert.strictEqual(parseCommand(["-h"], {})._tag, "Help")
    assert.strictEqual(parseCommand(["--version"], {})._tag, "Version")
    for (const argv of [["--config"], ["--config="], ["--bogus"], ["extra"]]) {
      const command = parseCommand(argv, {})
      assert.strictEqual(command._tag, "Invalid", argv.join(" "))
      if (command._tag === "Invalid") assert.notInclude(command.problem, "\n")
    }
  })
})
