import { realpathSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { MediaStatus } from '../../../src-main/api/contract'
import { probeVideo } from '../../../src-main/media/ffmpeg'
import { startServer } from '../../../src-main/server/http-server'
import { disposeMediaProxies } from '../../../src-main/services/media-proxy.service'
import { writeLegacyAvi } from '../../support/media-corpus'
import { tempProject } from '../../support/temp-project'

describe('browser mode with a source browsers cannot play', () => {
  let cleanup: () => Promise<void> | void = () => {}
  afterEach(async () => cleanup())

  it('prepares a proxy on request, announces it over the WebSocket, then serves it at the same media URL', async () => {
    const p = tempProject()
    const avi = realpathSync(writeLegacyAvi(join(p.dir, 'legacy.avi')))
    const probe = await probeVideo(avi)
    const s = statSync(avi)
    const videoId = p.ctx.repos.videos.insert({
      sourceId: 'legacy', path: avi, rootId: p.ctx.repos.videos.ensureRoot(dirname(avi)), sizeBytes: s.size, mtimeMs: s.mtimeMs,
      durationS: probe.durationS, fps: probe.fps, width: probe.width, height: probe.height, codec: probe.codec, hasAudio: probe.hasAudio, probeJson: JSON.stringify(probe),
    })
    const server = await startServer(p.ctx)
    cleanup = async () => {
      disposeMediaProxies(p.ctx)
      await server.close()
      p.cleanup()
    }
    const auth = { authorization: `Bearer ${server.token}` }
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: auth })
    await new Promise((resolve) => ws.on('open', resolve))
    const ready = new Promise<MediaStatus>((resolve) =>
      ws.on('message', (m) => {
        const { event, payload } = JSON.parse(String(m)) as { event: string; payload: MediaStatus }
        if (event === 'media:status' && payload.state !== 'preparing') resolve(payload)
      }),
    )
    const prepare = () =>
      fetch(`${server.url}/api/media:prepare`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ videoId }) }).then((r) => r.json())
    expect(await prepare()).toMatchObject({ ok: true, result: { videoId, state: 'preparing', proxy: true, reason: 'browsers cannot open the AVI container' } })

    const done = await ready
    expect(done).toMatchObject({ videoId, state: 'ready', proxy: true, revision: expect.any(String) })
    expect(await prepare()).toEqual({ ok: true, result: done })
    // The renderer adds the revision to bust caches; the route ignores the query.
    const res = await fetch(`${server.url}/media/video/${videoId}?rev=${done.revision}`, { headers: { ...auth, range: 'bytes=0-1023' } })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-type')).toBe('video/mp4')
    expect(Buffer.from(await res.arrayBuffer()).subarray(4, 8).toString('latin1')).toBe('ftyp')
    ws.close()
  })
})
