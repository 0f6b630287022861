import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { contains, formatIp, formatIpv4, formatIpv6, parseCidr, parseIpv4, parseIpv6 } from "../../src/networks/IpAddress.ts"

describe("IpAddress", () => {
  it("parses IPv4 strictly", () => {
    assert.strictEqual(parseIpv4("10.0.0.1")?.value, 0x0a000001n)
    for (const bad of ["10.0.0", "10.0.0.256", "10.0.0.01", "a.b.c.d", "10.0.0.1 ", ""]) {
      assert.isUndefined(parseIpv4(bad), bad)
    }
  })

  it("parses IPv6 with compression and embedded IPv4", () => {
    assert.strictEqual(parseIpv6("::1")?.value, 1n)
    assert.strictEqual(parseIpv6("2001:db8::")?.value, 0x20010db8n << 96n)
    assert.strictEqual(parseIpv6("::ffff:10.0.0.1")?.value, (0xffffn << 32n) | 0x0a000001n)
    for (const bad of ["2001:db8:::1", "1:2:3:4:5:6:7:8:9", "12345::", "1::2::3", "g::", "1:2:3:4:5:6:7"]) {
      assert.isUndefined(parseIpv6(bad), bad)
    }
  })

  it("parses CIDRs and refuses host bits", () => {
    assert.deepStrictEqual(parseCidr("10.1.0.0/16", 4), { network: { version: 4, address: 0x0a010000n, prefix: 16 } })
    assert.deepStrictEqual(parseCidr("10.1.0.1/16", 4), { error: "host bits set" })
    assert.deepStrictEqual(parseCidr("10.1.0.0/33", 4), { error: "invalid prefix length" })
    assert.deepStrictEqual(parseCidr("10.1.0.0", 4), { error: "missing prefix length" })
    assert.deepStrictEqual(parseCidr("2001:db8::/64", 4), { error: "not an IPv4 address" })
    assert.strictEqual("network" in parseCidr("2001:db8::/64", 6), true)
  })

  it("formats IPv6 per RFC 5952", () => {
    assert.strictEqual(formatIpv6(parseIpv6("2001:0db8:0000:0000:0000:0000:0000:0001")!.value), "2001:db8::1")
    assert.strictEqual(formatIpv6(0n), "::")
    assert.strictEqual(formatIpv6(parseIpv6("1:0:0:2:0:0:0:3")!.value), "1:0:0:2::3")
    assert.strictEqual(formatIpv6(parseIpv6("1:2:3:4:5:6:0:8")!.value), "1:2:3:4:5:6:0:8")
  })

  it("breaks ties between equal zero runs with the first (RFC 5952 4.2.3), never compresses one group", () => {
    assert.strictEqual(formatIpv6(parseIpv6("1:0:0:2:0:0:3:4")!.value), "1::2:0:0:3:4")
    assert.strictEqual(formatIpv6(parseIpv6("1:0:0:0:2:0:0:0")!.value), "1::2:0:0:0")
    assert.strictEqual(formatIpv6(parseIpv6("0:0:1:0:0:0:0:2")!.value), "0:0:1::2")
    assert.strictEqual(formatIpv6(parseIpv6("0:1:0:1:0:1:0:1")!.value), "0:1:0:1:0:1:0:1")
    assert.strictEqual(formatIpv6(parseIpv6("ABCD:0:0:0:0:0:0:0")!.value), "abcd::")
  })

  it("takes /32 and /128 networks, /0, and nothing beyond the address width", () => {
    assert.deepStrictEqual(parseCidr("10.0.0.1/32", 4), { network: { version: 4, address: 0x0a000001n, prefix: 32 } })
    assert.deepStrictEqual(parseCidr("0.0.0.0/0", 4), { network: { version: 4, address: 0n, prefix: 0 } })
    assert.deepStrictEqual(parseCidr("1.0.0.0/0", 4), { error: "host bits set" })
    assert.deepStrictEqual(parseCidr("2001:db8::1/128", 6), { network: { version: 6, address: (0x20010db8n << 96n) | 1n, prefix: 128 } })
    assert.deepStrictEqual(parseCidr("2001:db8::1/127", 6), { error: "host bits set" })
    assert.deepStrictEqual(parseCidr("2001:db8::/129", 6), { error: "invalid prefix length" })
    assert.deepStrictEqual(parseCidr("10.0.0.0/", 4), { error: "invalid prefix length" })
    assert.deepStrictEqual(parseCidr("10.0.0.0/1000", 4), { error: "invalid prefix length" })
    assert.deepStrictEqual(parseCidr("10.0.0.0/+8", 4), { error: "invalid prefix length" })
    assert.deepStrictEqual(parseCidr("10.0.0.0/8", 6), { error: "not an IPv6 address" })
    const host = { version: 4 as const, address: 0x0a000001n, prefix: 32 }
    assert.isTrue(contains(host, { version: 4, value: 0x0a000001n }))
    assert.isFalse(contains(host, { version: 4, value: 0x0a000002n }))
    assert.isFalse(contains({ version: 6, address: 0n, prefix: 0 }, { version: 4, value: 0n }))
  })

  // Zero-heavy addresses, so that runs of zero groups (and ties between them) are common.
  const arbZeroHeavyV6 = fc.array(fc.constantFrom(0, 0, 0, 1, 0xabcd, 0xffff), { minLength: 8, maxLength: 8 })
    .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n))

  test.prop([arbZeroHeavyV6])("IPv6 text equals the WHATWG URL serializer's (the same RFC 5952 rules)", (v) => {
    const full = Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(":")
    assert.strictEqual(`[${formatIpv6(v)}]`, new URL(`http://[${full}]/`).hostname)
    assert.strictEqual(parseIpv6(formatIpv6(v))?.value, v)
  })

  it("embedded IPv4 only at the end, and :: only where it stands for at least one group", () => {
    assert.strictEqual(parseIpv6("1:2:3:4:5:6::7")?.value, 0x0001000200030004000500060000_0007n)
    assert.strictEqual(parseIpv6("0:0:0:0:0:ffff:10.0.0.1")?.value, (0xffffn << 32n) | 0x0a000001n)
    for (const bad of ["1:2:3:4::5:6:7:8", "::ffff:1.2.3", "1.2.3.4::", "1.2.3.4:1:2:3:4:5:6", "::1.2.3.4:5"]) {
      assert.isUndefined(parseIpv6(bad), bad)
    }
    assert.deepStrictEqual(parseCidr("/24", 4), { error: "not an IPv4 address" })
    assert.deepStrictEqual(parseCidr("10.0.0.0/8x", 4), { error: "invalid prefix length" })
    assert.strictEqual(formatIp({ version: 4, value: 0x0a000001n }), "10.0.0.1")
    assert.strictEqual(formatIp({ version: 6, value: 1n }), "::1")
  })

  const arbV4 = fc.integer({ min: 0, max: 0xffffffff }).map(BigInt)
  const arbV6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })

  test.prop([arbV4])("IPv4 formatting round-trips", (v) => {
    assert.strictEqual(parseIpv4(formatIpv4(v))?.value, v)
  })

  test.prop([arbV6])("IPv6 formatting round-trips", (v) => {
    assert.strictEqual(parseIpv6(formatIpv6(v))?.value, v)
  })

  test.prop([arbV4, fc.integer({ min: 0, max: 32 }), arbV4])("containment compares the prefix bits", (base, prefix, ip) => {
    const shift = BigInt(32 - prefix)
    const address = (base >> shift) << shift
    const network = { version: 4 as const, address, prefix }
    assert.strictEqual(contains(network, { version: 4, value: ip }), ip >> shift === address >> shift)
  })
})
