import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { MediaStatus } from '../../../src-main/api/contract'
import { resolveMediaPath } from '../../../src-main/core/media-access'
import type { ProjectContext } from '../../../src-main/core/project-context'
import { probeVideo, readFrames, videoStreamTiming, writePlaybackProxy } from '../../../src-main/media/ffmpeg'
import { mediaResponse } from '../../../src-main/media/media-response'
import { proxyFile, proxyFolder, readyProxy, type ProxyManifest } from '../../../src-main/media/proxy-cache'
import { MediaProxyService } from '../../../src-main/services/media-proxy.service'
import { writeLegacyAvi } from '../../support/media-corpus'
import { SHARED_VIDEOS, tempDir, tempProject } from '../../support/temp-project'

/** Real footage made unplayable for browsers, once for the file: MS-MPEG4 + MP3 in AVI. */
const corpus = tempDir('vicurate-proxy-corpus-')
let AVI = ''
beforeAll(() => {
  AVI = writeLegacyAvi(join(corpus.dir, 'legacy.avi'))
  return () => corpus.cleanup()
})

/** Registers a file as ingest does (real path inside a video root, its probe stored). */
async function register(ctx: ProjectContext, file: string, probe?: object | null): Promise<number> {
  const path = realpathSync(file)
  const p = probe === undefined ? await probeVideo(path) : probe
  const s = statSync(path)
  return ctx.repos.videos.insert({
    sourceId: `${basename(path)}-${s.ino}`, path, rootId: ctx.repos.videos.ensureRoot(dirname(path)), sizeBytes: s.size, mtimeMs: s.mtimeMs,
    durationS: 5, fps: 30, width: 960, height: 540, codec: null, hasAudio: true, probeJson: p === null ? null : JSON.stringify(p),
  })
}

/** A service whose transcodes are counted (the real adapter underneath unless told otherwise). */
function service(ctx: ProjectContext, transcode: typeof writePlaybackProxy = writePlaybackProxy) {
  const spy = vi.fn(transcode)
  const probe = vi.fn(probeVideo)
  return { proxies: new MediaProxyService(ctx, { transcode: spy, probe, progressIntervalMs: 0 }), transcodes: spy, probes: probe }
}

function events(ctx: ProjectContext): MediaStatus[] {
  const seen: MediaStatus[] = []
  ctx.bus.subscribe((name, payload) => {
    if (name === 'media:status') seen.push(payload as MediaStatus)
  })
  return seen
}

const manifest = (ctx: ProjectContext, id: number) => JSON.parse(readFileSync(join(proxyFolder(ctx.dataDir), `${id}.json`), 'utf8')) as ProxyManifest

async function frameTimes(file: string): Promise<number[]> {
  const times: number[] = []
  await readFrames(file, { maxWidth: 32 }, (f) => void times.push(f.ptsS))
  return times
}

describe('playback proxies', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())
  const project = () => {
    const p = tempProject()
    cleanup = p.cleanup
    return p
  }

  it('transcodes an AVI once into an H.264 + AAC mp4 that the media routes then serve', async () => {
    const { ctx } = project()
    const id = await register(ctx, AVI)
    const seen = events(ctx)
    const { proxies, transcodes, probes } = service(ctx)
    // Before the proxy exists the route still resolves the source (the player does not ask yet).
    expect(resolveMediaPath(ctx, `/video/${id}`)).toBe(realpathSync(AVI))

    const first = await proxies.prepare(id)
    expect(first).toMatchObject({ videoId: id, state: 'preparing', proxy: true, reason: 'browsers cannot open the AVI container' })
    const done = await proxies.settled(id)!
    expect(done).toMatchObject({ videoId: id, state: 'ready', proxy: true, revision: expect.any(String) })
    // The stored probe decided it: no second ffprobe of the source.
    expect(probes).not.toHaveBeenCalled()
    expect(seen.at(-1)).toEqual(done)
    expect(seen.some((e) => e.state === 'preparing' && e.progress !== null && e.progress > 0 && e.progress < 1)).toBe(true)

    const out = proxyFile(ctx.dataDir, id)
    const streams = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width:format=format_name', '-of', 'json', out]).toString()
    expect(JSON.parse(streams)).toMatchObject({ streams: [{ codec_name: 'h264', width: 960 }, { codec_name: 'aac' }], format: { format_name: expect.stringContaining('mp4') } })
    // faststart: the index (moov) comes before the media data, so playback starts at once.
    const head = readFileSync(out).subarray(0, 64 * 1024).toString('latin1')
    expect(head.indexOf('moov')).toBeGreaterThan(-1)
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat'))

    expect(resolveMediaPath(ctx, `/video/${id}`)).toBe(out)
    const res = mediaResponse(ctx, `/video/${id}`, 'bytes=0-99')
    expect(res.status).toBe(206)
    expect(res.headers.get('content-type')).toBe('video/mp4')
    expect(await proxies.prepare(id)).toEqual(done)
    expect(transcodes).toHaveBeenCalledTimes(1)
  })

  it('keeps every frame at its source time, so clip bounds land on the same frames', async () => {
    const { ctx } = project()
    const id = await register(ctx, AVI)
    const { proxies } = service(ctx)
    await proxies.prepare(id)
    expect(await proxies.settled(id)).toMatchObject({ state: 'ready' })
    const source = await frameTimes(AVI)
    const proxy = await frameTimes(proxyFile(ctx.dataDir, id))
    const frame = 1 / 29.97
    expect(proxy.length).toBe(source.length)
    // Not merely within a frame: each frame keeps its exact time (1 ms is the tolerance of mp4 rounding).
    expect(Math.max(...proxy.map((t, i) => Math.abs(t - source[i]!)))).toBeLessThan(0.001)
    const [a, b] = await Promise.all([videoStreamTiming(AVI), videoStreamTiming(proxyFile(ctx.dataDir, id))])
    expect(Math.abs(a.durationS - b.durationS)).toBeLessThan(frame)
    expect(manifest(ctx, id)).toMatchObject({ frames: source.length, firstFrameS: 0, sourceFirstFrameS: 0 })
  })

  it('keeps a video stream that starts after the audio at its offset', async () => {
    const { ctx } = project()
    // HEVC in MKV (browsers here play its sound over a black frame), video 0.5 s behind the audio.
    const mkv = join(corpus.dir, 'late-video.mkv')
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-itsoffset', '0.5', '-i', join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4'),
      '-f', 'lavfi', '-i', 'sine=frequency=330:duration=6.5', '-map', '0:v', '-map', '1:a', '-t', '3', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-c:a', 'aac', mkv])
    const id = await register(ctx, mkv)
    const { proxies } = service(ctx)
    expect(await proxies.prepare(id)).toMatchObject({ state: 'preparing', reason: 'browsers cannot decode HEVC (H.265) video' })
    expect(await proxies.settled(id)).toMatchObject({ state: 'ready' })
    const m = manifest(ctx, id)
    // About 0.5 s after the audio (the muxer adds a few ms of its own); the proxy keeps the gap exactly.
    expect(m.sourceFirstFrameS).toBeGreaterThanOrEqual(0.5)
    expect(m.sourceFirstFrameS).toBeLessThan(0.56)
    expect(m.firstFrameS).toBeCloseTo(m.sourceFirstFrameS, 3)
    const source = await frameTimes(mkv)
    const proxy = await frameTimes(proxyFile(ctx.dataDir, id))
    expect(proxy[0]).toBeCloseTo(source[0]!, 3)
  })

  it('answers concurrent requests for one video with one transcode', async () => {
    const { ctx } = project()
    const id = await register(ctx, AVI)
    const { proxies, transcodes } = service(ctx)
    const answers = await Promise.all(Array.from({ length: 6 }, () => proxies.prepare(id)))
    expect(answers.map((a) => a.state)).toEqual(Array(6).fill('preparing'))
    expect((await proxies.settled(id))?.state).toBe('ready')
    expect(transcodes).toHaveBeenCalledTimes(1)
  })

  it('writes the proxy beside its final name and renames it into place only when complete', async () => {
    const { ctx } = project()
    const id = await register(ctx, AVI)
    const out = proxyFile(ctx.dataDir, id)
    const during: { final: boolean; partials: string[] }[] = []
    const { proxies } = service(ctx, (src, dst, opts) =>
      writePlaybackProxy(src, dst, {
        ...opts,
        onProgress: (f) => {
          during.push({ final: existsSync(out), partials: readdirSync(dirname(out)).filter((n) => n.includes('.partial')) })
          opts.onProgress?.(f)
        },
      }),
    )
    await proxies.prepare(id)
    await proxies.settled(id)
    expect(during.length).toBeGreaterThan(0)
    expect(during.filter((d) => d.final && d.partials.length > 0)).toEqual([])
    expect(during[0]).toEqual({ final: false, partials: [expect.stringMatching(new RegExp(`^${id}\\.mp4\\..*\\.partial\\.mp4$`))] })
    expect(readdirSync(dirname(out)).sort()).toEqual([`${id}.json`, `${id}.mp4`])
  })

  it('leaves nothing behind when the transcode is cancelled, and starts again on the next request', async () => {
    const { ctx } = project()
    const id = await register(ctx, AVI)
    const { proxies, transcodes } = service(ctx, (src, dst, opts) =>
      writePlaybackProxy(src, dst, { ...opts, onProgress: (f) => (f > 0 ? proxies.dispose() : undefined) }),
    )
    await proxies.prepare(id)
    expect(await proxies.settled(id)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/cancelled/) })
    expect(readdirSync(proxyFolder(ctx.dataDir))).toEqual([])
    expect(resolveMediaPath(ctx, `/video/${id}`)).toBe(realpathSync(AVI))
    expect((await proxies.prepare(id)).state).toBe('preparing')
    expect(transcodes).toHaveBeenCalledTimes(2)
    proxies.dispose()
    await proxies.settled(id)
  })

  it('fails a damaged file with a clear reason, remembered until the file changes', async () => {
    const { ctx, dir } = project()
    // Ingested while whole, damaged since: the header survives, every packet is garbage.
    const probe = await probeVideo(AVI)
    const bytes = readFileSync(AVI)
    const damaged = join(dir, 'damaged.avi')
    writeFileSync(damaged, Buffer.concat([bytes.subarray(0, 8192), Buffer.alloc(bytes.length - 8192, 0x5a)]))
    const id = await register(ctx, damaged, probe)
    const { proxies, transcodes } = service(ctx)
    await proxies.prepare(id)
    const failed = await proxies.settled(id)
    expect(failed).toMatchObject({ state: 'failed', proxy: true, reason: 'no picture could be decoded from the source (the file is damaged or not a video)' })
    expect(await proxies.prepare(id)).toEqual(failed)
    expect(transcodes).toHaveBeenCalledTimes(1)
    expect(readyProxy(ctx.dataDir, id, realpathSync(damaged))).toBeNull()

    // Not a video at all any more: ffmpeg's own reason.
    writeFileSync(damaged, 'this is not a video\n')
    utimesSync(damaged, new Date(), new Date(Date.now() + 5000))
    expect((await proxies.prepare(id)).state).toBe('preparing')
    expect(await proxies.settled(id)).toMatchObject({ state: 'failed', reason: 'ffmpeg could not transcode it: Invalid data found when processing input' })
    expect(transcodes).toHaveBeenCalledTimes(2)
  })

  it('serves sources browsers play as they are, probing old records once for their audio codec', async () => {
    const { ctx } = project()
    const { proxies, transcodes, probes } = service(ctx)
    const mp4 = await register(ctx, join(SHARED_VIDEOS, 'flower.mp4'))
    expect(await proxies.prepare(mp4)).toEqual({ videoId: mp4, state: 'ready', proxy: false, reason: null, progress: null, revision: null })
    expect(probes).not.toHaveBeenCalled()

    const { audioCodec: _dropped, ...old } = await probeVideo(join(SHARED_VIDEOS, 'cockatoo.mp4'))
    const legacy = await register(ctx, join(SHARED_VIDEOS, 'cockatoo.mp4'), old)
    expect((await proxies.prepare(legacy)).state).toBe('ready')
    expect((await proxies.prepare(legacy)).state).toBe('ready')
    expect(probes).toHaveBeenCalledTimes(1)
    expect(transcodes).not.toHaveBeenCalled()
    expect(resolveMediaPath(ctx, `/video/${mp4}`)).toBe(realpathSync(join(SHARED_VIDEOS, 'flower.mp4')))
  })

  it('says why when the source is missing, and refuses unknown videos', async () => {
    const { ctx, dir } = project()
    const gone = join(dir, 'gone.avi')
    writeFileSync(gone, 'x')
    const id = await register(ctx, gone, { formatName: 'avi', codec: 'msmpeg4v3', hasAudio: false })
    execFileSync('rm', [gone])
    const { proxies } = service(ctx)
    expect(await proxies.prepare(id)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/media file is missing/) })
    await expect(proxies.prepare(4242)).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('playback proxy cache cap', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('removes the least recently played proxies beyond the cap, never the new one, and makes them again on demand', async () => {
    const t = tempProject()
    cleanup = t.cleanup
    const { ctx, dir } = t
    const ids: number[] = []
    for (const name of ['a.avi', 'b.avi', 'c.avi']) {
      writeFileSync(join(dir, name), readFileSync(AVI))
      ids.push(await register(ctx, join(dir, name)))
    }
    const [a, b, c] = ids
    const { proxies, transcodes } = service(ctx)
    for (const id of [a, b]) {
      await proxies.prepare(id)
      expect(await proxies.settled(id)).toMatchObject({ state: 'ready', proxy: true })
    }
    const size = (id: number) => statSync(proxyFile(ctx.dataDir, id)).size
    // Room for about two proxies; `a` was played again after `b` was made, so `b` is the oldest.
    ctx.repos.settings.set('media.proxyCacheGb', ((size(a) + size(b)) * 1.2) / 1e9)
    utimesSync(proxyFile(ctx.dataDir, b), new Date(Date.now() - 60_000), statSync(proxyFile(ctx.dataDir, b)).mtime)
    expect(await proxies.prepare(a)).toMatchObject({ state: 'ready', proxy: true })
    await proxies.prepare(c)
    expect(await proxies.settled(c)).toMatchObject({ state: 'ready', proxy: true })
    expect(readdirSync(proxyFolder(ctx.dataDir)).sort()).toEqual([`${a}.json`, `${a}.mp4`, `${c}.json`, `${c}.mp4`].sort())
    expect(readyProxy(ctx.dataDir, b, realpathSync(join(dir, 'b.avi')))).toBeNull()
    expect(transcodes).toHaveBeenCalledTimes(3)
    expect((await proxies.prepare(b)).state).toBe('preparing')
    await proxies.settled(b)
    expect(transcodes).toHaveBeenCalledTimes(4)
  })
})
