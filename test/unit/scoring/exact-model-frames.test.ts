import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runJob } from '../../../src-main/jobs/job-runner'
import { readFrames } from '../../../src-main/media/ffmpeg'
import { clipFramesPath, type ClipFrames } from '../../../src-main/services/frames.service'
import { loadClipFrames } from '../../../src-main/services/scoring/clip-frames-loader'
import { SHARED_VIDEOS, tempProject } from '../../support/temp-project'

describe('model frames', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('are the full-resolution decoded frames at the planned times, not the JPEG cache', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const video = join(p.dir, 'sintel.mp4')
    copyFileSync(join(SHARED_VIDEOS, 'sintel_trailer_30s.mp4'), video)
    await runJob(p.ctx, { name: 'ingest', data: { paths: [video], recursive: false } })
    const clipId = 3
    const manifest = JSON.parse(readFileSync(clipFramesPath(p.ctx, clipId), 'utf8')) as ClipFrames
    for (const which of ['viclip', 'aesthetic'] as const) {
      const frames = await loadClipFrames(p.ctx, clipId, which)
      const times = manifest[which].map((f) => manifest.times[f])
      // Reference: one plain full decode of the file, keeping the frames at those times.
      const reference = new Map<number, Uint8Array>()
      await readFrames(video, { maxWidth: 1 << 15 }, (f) => {
        for (const t of times) if (Math.abs(f.ptsS - t) < 1e-4) reference.set(t, Uint8Array.from(f.rgb))
      })
      expect(frames).toHaveLength(which === 'viclip' ? 8 : 4)
      frames.forEach((frame, i) => {
        expect({ which, i, w: frame.width, h: frame.height }).toEqual({ which, i, w: 854, h: 480 })
        expect(Buffer.compare(Buffer.from(frame.data), Buffer.from(reference.get(times[i])!))).toBe(0)
      })
    }
  }, 60_000)
})
