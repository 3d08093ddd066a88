import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startServer, type RunningServer } from '../../../src-main/server/http-server'
import { seedClips, tempProject } from '../../support/temp-project'

/** Raw request so tests can send Host/Origin headers that fetch() would not let us forge. */
function raw(server: RunningServer, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    if (body) req.write(body)
    req.end()
  })
}

describe('serve mode security', () => {
  let cleanup: () => Promise<void> = async () => {}
  afterEach(async () => cleanup())

  async function setup() {
    const p = tempProject()
    const staticDir = join(p.dir, 'ui')
    mkdirSync(join(staticDir, 'assets'), { recursive: true })
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>vicurate</title>')
    const server = await startServer(p.ctx, { staticDir, maxBodyBytes: 4096 })
    cleanup = async () => {
      await server.close()
      p.cleanup()
    }
    const auth = { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.token}` }
    return { p, server, auth, staticDir }
  }

  it('binds to loopback by default and requires the token on every request', async () => {
    const { server, auth } = await setup()
    expect(server.host).toBe('127.0.0.1')
    const host = { host: auth.host }
    expect((await raw(server, '/', host)).status).toBe(401)
    expect((await raw(server, '/media/thumb/1', host)).status).toBe(401)
    expect((await raw(server, '/api/project:info', { ...host, 'content-type': 'application/json' }, 'POST', '{}')).status).toBe(401)
    expect((await raw(server, '/', { ...host, authorization: 'Bearer wrong' })).status).toBe(401)
    expect((await raw(server, '/', auth)).status).toBe(200)
  })

  it('swaps the URL token for an HttpOnly SameSite cookie and redirects it out of the address bar', async () => {
    const { server, auth } = await setup()
    const first = await raw(server, `/?token=${server.token}`, { host: auth.host })
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/')
    const cookie = String(first.headers['set-cookie'])
    expect(cookie).toMatch(/vicurate_token=.+; HttpOnly; SameSite=Strict/)
    const page = await raw(server, '/', { host: auth.host, cookie: cookie.split(';')[0] })
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/)
  })

  it('rejects foreign Host and Origin headers (DNS rebinding, cross-site requests)', async () => {
    const { server, auth } = await setup()
    expect((await raw(server, '/', { ...auth, host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await raw(server, '/', { ...auth, origin: 'http://evil.example' })).status).toBe(403)
    expect((await raw(server, '/', { ...auth, origin: `http://localhost:${server.port}` })).status).toBe(200)
  })

  it('limits request bodies and demands JSON for API calls', async () => {
    const { server, auth } = await setup()
    const big = JSON.stringify({ reviewer: 'x'.repeat(10_000) })
    const tooBig = await raw(server, '/api/settings:update', { ...auth, 'content-type': 'application/json' }, 'POST', big)
    expect(tooBig.status).toBe(413)
    expect(tooBig.body).toMatch(/over 4096 bytes/)
    const form = await raw(server, '/api/settings:update', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, 'POST', 'a=b')
    expect(form.status).toBe(400)
    const badJson = await raw(server, '/api/settings:update', { ...auth, 'content-type': 'application/json' }, 'POST', '{nope')
    expect(JSON.parse(badJson.body)).toEqual({ ok: false, error: { code: 'bad_request', message: 'request body is not valid JSON' } })
  })

  it('never lists directories and never serves files outside the UI folder', async () => {
    const { server, auth } = await setup()
    const listing = await raw(server, '/assets/', auth)
    expect(listing.body).toContain('<title>vicurate</title>') // SPA fallback, not a listing
    const traversal = await raw(server, '/..%2f..%2fetc%2fpasswd', auth)
    expect(traversal.body).not.toContain('root:')
  })

  it('serves media only for registered videos inside video roots, following symlinks', async () => {
    const { p, server, auth } = await setup()
    const rootDir = join(p.dir, 'videos')
    const outside = join(p.dir, 'secret.mp4')
    mkdirSync(rootDir)
    writeFileSync(join(rootDir, 'ok.mp4'), Buffer.alloc(1000, 7))
    writeFileSync(outside, 'secret')
    symlinkSync(outside, join(rootDir, 'escape.mp4'))
    const rootId = p.ctx.repos.videos.ensureRoot(rootDir)
    const base = { rootId, sizeBytes: null, mtimeMs: null, durationS: 1, fps: 25, width: 1, height: 1, codec: 'h264', hasAudio: false, probeJson: null }
    const okId = p.ctx.repos.videos.insert({ ...base, sourceId: 'ok', path: join(rootDir, 'ok.mp4') })
    const escId = p.ctx.repos.videos.insert({ ...base, sourceId: 'esc', path: join(rootDir, 'escape.mp4') })
    const ranged = await raw(server, `/media/video/${okId}`, { ...auth, range: 'bytes=100-199' })
    expect(ranged.status).toBe(206)
    expect(ranged.headers['content-range']).toBe('bytes 100-199/1000')
    expect(ranged.body.length).toBe(100)
    expect((await raw(server, `/media/video/${okId}`, { ...auth, range: 'bytes=5000-' })).status).toBe(416)
    expect((await raw(server, `/media/video/${escId}`, auth)).status).toBe(404)
    expect((await raw(server, '/media/video/999', auth)).status).toBe(404)
    expect((await raw(server, '/media/video/..%2f..%2fsecret.mp4', auth)).status).toBe(404)
    seedClips(p.ctx, [{ startS: 0, endS: 1 }])
    expect((await raw(server, '/media/thumb/1', auth)).status).toBe(404)
  })

  it('pushes contract events over the WebSocket only to token holders', async () => {
    const { p, server } = await setup()
    const [clipId] = seedClips(p.ctx, [{ startS: 0, endS: 1 }])
    const denied = new WebSocket(`ws://127.0.0.1:${server.port}/events`)
    await expect(new Promise((resolve, reject) => { denied.on('open', resolve); denied.on('error', reject) })).rejects.toThrow(/403/)
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: { authorization: `Bearer ${server.token}` } })
    await new Promise((resolve) => ws.on('open', resolve))
    const message = new Promise<string>((resolve) => ws.on('message', (m) => resolve(String(m))))
    await fetch(`${server.url}/api/clips:decide`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clipId, action: 'accept' }),
    })
    expect(JSON.parse(await message)).toEqual({ event: 'clips:changed', payload: { clipIds: [clipId] } })
    ws.close()
  })
})
