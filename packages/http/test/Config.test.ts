import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { configPath, parseConfig } from "../src/config/ApiConfig.ts"

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

const refusal = (text: string): string => {
  const exit = Effect.runSyncExit(parseConfig("pvc-api.yaml", text))
  assert.isTrue(Exit.isFailure(exit), "expected the file to be refused")
  return Exit.isFailure(exit) ? String(exit.cause) : ""
}

describe("pvc-api.yaml", () => {
  it("reads the original format", () => {
    const config = Effect.runSync(parseConfig("pvc-api.yaml", VALID))
    assert.deepStrictEqual(config.coordinators, ["hv1", "hv2"])
    assert.strictEqual(config.listenAddress, "0.0.0.0")
    assert.strictEqual(config.listenPort, 7370)
    assert.deepStrictEqual(config.auth, { enabled: true, secretKey: "s3cret", tokens: [{ description: "testing", token: "abc-123" }] })
    assert.strictEqual(config.ssl.enabled, false)
  })

  it("an empty coordinators list means the embedded cluster", () => {
    const config = Effect.runSync(parseConfig("f", VALID.replace("    - hv1\n    - hv2\n", "").replace("coordinators:", "coordinators: []")))
    assert.deepStrictEqual(config.coordinators, [])
  })

  it("a bad value is refused with the key named", () => {
    assert.include(refusal(VALID.replace("7370", "seventy")), "pvc.api.listen_port")
    assert.include(refusal(VALID.replace("enabled: true", "enabled: maybe")), "pvc.api.authentication.enabled")
    assert.include(refusal(VALID.replace("    listen_address: 0.0.0.0\n", "")), "pvc.api.listen_address")
    assert.include(refusal(VALID.replace("7370", "70000")), "pvc.api.listen_port")
    assert.include(refusal(VALID.replace('token: "abc-123"', "token: 5")), "pvc.api.authentication.tokens[0].token")
  })

  it("what an enabled feature needs is checked", () => {
    assert.include(refusal(VALID.replace('secret_key: "s3cret"', 'secret_key: ""')), "pvc.api.authentication.secret_key")
    assert.include(refusal(VALID.replace("ssl:\n      enabled: false", "ssl:\n      enabled: true")), "pvc.api.ssl.cert_file")
  })

  it("YAML that does not parse is refused", () => {
    assert.include(refusal("pvc: [unclosed"), "not valid YAML")
  })

  it("the path comes from --config or PVC_CONFIG_FILE", () => {
    assert.strictEqual(configPath(["--config", "/a.yaml"], { PVC_CONFIG_FILE: "/b.yaml" }), "/a.yaml")
    assert.strictEqual(configPath(["--config=/c.yaml"], {}), "/c.yaml")
    assert.strictEqual(configPath([], { PVC_CONFIG_FILE: "/b.yaml" }), "/b.yaml")
    assert.strictEqual(configPath([], {}), undefined)
  })
})
