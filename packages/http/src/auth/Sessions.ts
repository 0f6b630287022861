import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"

/** Sessions last at most this long; a login after that is needed again. */
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60

export interface Sessions {
  /** A new signed cookie value. */
  readonly create: (nowSeconds: number) => string
  /** True for an untampered, unexpired, not logged-out cookie value. */
  readonly verify: (value: string, nowSeconds: number) => boolean
  /** Ends the session of this cookie value (logout). */
  readonly revoke: (value: string, nowSeconds: number) => void
}

/**
 * Stateless signed cookies `<expiry>.<nonce>.<hmac>` keyed by the configured `secret_key`;
 * logged-out nonces are remembered until they expire anyway.
 */
export const makeSessions = (secretKey: string, lifetimeSeconds = SESSION_LIFETIME_SECONDS): Sessions => {
  const sign = (payload: string) => createHmac("sha256", secretKey).update(payload).digest("base64url")
  const revoked = new Map<string, number>()

  const parse = (value: string, nowSeconds: number) => {
    const parts = value.split(".")
    if (parts.length !== 3) return undefined
    const [expiry = "", nonce = "", signature = ""] = parts
    const expected = Buffer.from(sign(`${expiry}.${nonce}`))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    const expires = Number(expiry)
    if (!/^\d+$/.test(expiry) || expires <= nowSeconds) return undefined
    return { nonce, expires }
  }

  const forgetExpired = (nowSeconds: number) => {
    for (const [nonce, expires] of revoked) if (expires <= nowSeconds) revoked.delete(nonce)
  }

  return {
    create: (nowSeconds) => {
      const payload = `${nowSeconds + lifetimeSeconds}.${randomBytes(16).toString("base64url")}`
      return `${payload}.${sign(payload)}`
    },
    verify: (value, nowSeconds) => {
      const session = parse(value, nowSeconds)
      return session !== undefined && !revoked.has(session.nonce)
    },
    revoke: (value, nowSeconds) => {
      forgetExpired(nowSeconds)
      const session = parse(value, nowSeconds)
      if (session !== undefined) revoked.set(session.nonce, session.expires)
    }
  }
}
