import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { hostname, networkInterfaces } from 'node:os'

export const TOKEN_COOKIE = 'vicurate_token'

export const newToken = (): string => randomBytes(24).toString('base64url')

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === TOKEN_COOKIE) return v.join('=')
  }
  return null
}

/**
 * The token may come as `?token=` (the URL printed at start, opened once), the HttpOnly cookie
 * set in answer to it (everything the page loads after), or `Authorization: Bearer` (scripts).
 */
export function requestToken(req: IncomingMessage, url: URL): { token: string | null; fromQuery: boolean } {
  const q = url.searchParams.get('token')
  if (q) return { token: q, fromQuery: true }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7), fromQuery: false }
  return { token: cookieToken(req), fromQuery: false }
}

export function tokenMatches(expected: string, given: string | null): boolean {
  return given !== null && safeEqual(expected, given)
}

/**
 * DNS-rebinding defence: the Host header must name the address we listen on (or localhost for
 * a loopback bind), and a cross-origin request's Origin must be that same host.
 */
export function hostAllowed(req: IncomingMessage, allowedHosts: ReadonlySet<string>): boolean {
  const host = req.headers.host?.toLowerCase()
  if (!host || !allowedHosts.has(host)) return false
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    const o = new URL(origin)
    return (o.protocol === 'http:' || o.protocol === 'https:') && allowedHosts.has(o.host.toLowerCase())
  } catch {
    return false
  }
}

const bracket = (h: string): string => (h.includes(':') ? `[${h}]` : h)

/**
 * Host headers we answer to. A wildcard bind (0.0.0.0 / ::) answers to this machine's own
 * addresses and host name only, so a rebinding domain still fails the check.
 */
export function allowedHostSet(host: string, port: number): Set<string> {
  const names = new Set<string>([host])
  const loopback = ['127.0.0.1', 'localhost', '::1']
  if (loopback.includes(host)) loopback.forEach((h) => names.add(h))
  if (host === '0.0.0.0' || host === '::') {
    loopback.forEach((h) => names.add(h))
    names.add(hostname())
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address)
  }
  return new Set([...names].map((h) => `${bracket(h)}:${port}`.toLowerCase()))
}
