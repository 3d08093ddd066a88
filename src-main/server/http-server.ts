import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { toErrorDto, ApiError } from '../api/errors'
import { assertHandlersComplete, createHandlers, dispatch, type Handlers } from '../api/handlers'
import { rendererDistDir } from '../core/app-paths'
import type { ProjectContext } from '../core/project-context'
import { allowedHostSet, hostAllowed, newToken, requestToken, TOKEN_COOKIE, tokenMatches } from './auth'
import { serveMedia } from './media-route'
import { closeStatsHost } from '../services/stats/stats-host'
import { serveStatic } from './static-files'

export interface ServeOptions {
  host?: string
  port?: number
  token?: string
  /** Folder of the built renderer (defaults to out/renderer). */
  staticDir?: string
  /** Largest accepted request body; API arguments are small JSON. */
  maxBodyBytes?: number
  /** Defaults to the project's real handlers; tests pass a recording wrapper. */
  handlers?: Handlers
}

export interface RunningServer {
  url: string
  /** The URL to open once: carries the token, which the server swaps for an HttpOnly cookie. */
  openUrl: string
  token: string
  host: string
  port: number
  close(): Promise<void>
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' })
  res.end(text)
}

/**
 * Project-file problems: busy is temporary (503, try again), read-only is refused for good until
 * the permissions change (403), a full disk is 507 Insufficient Storage; a damaged file is a
 * server-side fault (500), with a message saying how to restore.
 */
const STATUS_FOR: Record<string, number> = {
  bad_request: 400, not_found: 404, conflict: 409, too_large: 413, unavailable: 503,
  busy: 503, read_only: 403, disk_full: 507, damaged: 500,
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new ApiError('too_large', `request body over ${limit} bytes`)
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume() // discard the body so the answer can still be read by the client
      return reject(tooLarge())
    }
    const chunks: Buffer[] = []
    let size = 0
    const onData = (c: Buffer) => {
      size += c.length
      if (size <= limit) return void chunks.push(c)
      req.off('data', onData)
      req.resume()
      reject(tooLarge())
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

async function handleApi(handlers: Handlers, channel: string, req: IncomingMessage, res: ServerResponse, limit: number): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'bad_request', message: 'use POST' } })
  try {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      // A JSON content type forces a CORS preflight on cross-site requests; plain forms cannot send it.
      throw new ApiError('bad_request', 'content-type must be application/json')
    }
    const text = await readBody(req, limit)
    let args: unknown
    try {
      args = text ? JSON.parse(text) : {}
    } catch {
      throw new ApiError('bad_request', 'request body is not valid JSON')
    }
    // A client that goes away (the renderer aborts superseded filter requests) cancels the work.
    const gone = new AbortController()
    res.once('close', () => {
      if (!res.writableFinished) gone.abort()
    })
    const result = await dispatch(handlers, channel, args, { transport: 'http', signal: gone.signal })
    sendJson(res, 200, { ok: true, result })
  } catch (err) {
    const error = toErrorDto(err)
    sendJson(res, STATUS_FOR[error.code] ?? 500, { ok: false, error })
  }
}

/** Serves one project's API, events, media and the built UI on loopback (by default). */
export function startServer(ctx: ProjectContext, opts: ServeOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const token = opts.token ?? newToken()
  const staticDir = opts.staticDir ?? rendererDistDir()
  const limit = opts.maxBodyBytes ?? 1024 * 1024
  const handlers = opts.handlers ?? createHandlers(ctx)
  assertHandlersComplete(handlers)
  let allowed = new Set<string>()

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    if (!hostAllowed(req, allowed)) return sendJson(res, 403, { ok: false, error: { code: 'bad_request', message: 'host or origin not allowed' } })
    const { token: given, fromQuery } = requestToken(req, url)
    if (!tokenMatches(token, given)) {
      return sendJson(res, 401, { ok: false, error: { code: 'bad_request', message: 'missing or wrong token: open the URL that `vicurate serve` printed' } })
    }
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v)
    if (fromQuery) {
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
      // Drop the token from the address bar and history once the cookie holds it.
      if (req.method === 'GET' && !url.pathname.startsWith('/api/')) {
        url.searchParams.delete('token')
        res.writeHead(303, { location: url.pathname + url.search }).end()
        return
      }
    }
    if (url.pathname.startsWith('/api/')) return void handleApi(handlers, url.pathname.slice(5), req, res, limit)
    if (url.pathname.startsWith('/media/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end()
      return serveMedia(ctx, url.pathname.slice(6), req, res)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end()
    serveStatic(staticDir, url.pathname, res)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    if (url.pathname !== '/events' || !hostAllowed(req, allowed) || !tokenMatches(token, requestToken(req, url).token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => wss.emit('connection', ws, req))
  })
  const unsubscribe = ctx.bus.subscribe((event, payload) => {
    const msg = JSON.stringify({ event, payload })
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(msg)
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      const port = (server.address() as AddressInfo).port
      allowed = allowedHostSet(host, port)
      const hostPart = host.includes(':') ? `[${host}]` : host
      const base = `http://${hostPart}:${port}`
      resolve({
        url: base,
        openUrl: `${base}/?token=${token}`,
        token,
        host,
        port,
        close: () =>
          new Promise<void>((done) => {
            unsubscribe()
            for (const c of wss.clients) c.terminate()
            wss.close()
            server.closeAllConnections()
            server.close(() => void closeStatsHost(ctx).then(done))
          }),
      })
    })
  })
}
