import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseByteRange } from '../../../src-main/media/byte-range'
import { mediaResponse } from '../../../src-main/media/media-response'
import { formatTimestamp, parseTimestamp } from '../../../src-main/media/timecode'
import { tempProject } from '../../support/temp-project'

describe('media protocol responses (Electron path)', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('answers byte ranges for files inside video roots and 404 for anything else', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const root = join(p.dir, 'root')
    mkdirSync(root)
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    writeFileSync(join(root, 'a.webm'), bytes)
    writeFileSync(join(p.dir, 'outside.mp4'), 'x')
    symlinkSync(join(p.dir, 'outside.mp4'), join(root, 'link.mp4'))
    const rootId = p.ctx.repos.videos.ensureRoot(root)
    const v = { rootId, sizeBytes: 256, mtimeMs: 0, durationS: 1, fps: 1, width: 1, height: 1, codec: 'vp9', hasAudio: false, probeJson: null }
    const id = p.ctx.repos.videos.insert({ ...v, sourceId: 'a', path: join(root, 'a.webm') })
    const linkId = p.ctx.repos.videos.insert({ ...v, sourceId: 'l', path: join(root, 'link.mp4') })

    const whole = mediaResponse(p.ctx, `/video/${id}`, null)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('video/webm')
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes)

    const part = mediaResponse(p.ctx, `/video/${id}`, 'bytes=10-19')
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 10-19/256')
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19])

    expect(mediaResponse(p.ctx, `/video/${linkId}`, null).status).toBe(404)
    expect(mediaResponse(p.ctx, '/video/../../etc/passwd', null).status).toBe(404)
    expect(mediaResponse(p.ctx, `/video/${id}`, 'bytes=300-').status).toBe(416)
  })

  it('parses single byte ranges like browsers send them', () => {
    expect(parseByteRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 })
    expect(parseByteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseByteRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 })
    expect(parseByteRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseByteRange('items=1-2', 100)).toBeNull()
  })

  it('formats and parses HH:MM:SS.mmm timestamps', () => {
    expect(formatTimestamp(0)).toBe('00:00:00.000')
    expect(formatTimestamp(3723.4567)).toBe('01:02:03.457')
    expect(formatTimestamp(59.9996)).toBe('00:01:00.000')
    expect(parseTimestamp('01:02:03.457')).toBeCloseTo(3723.457, 6)
    expect(parseTimestamp('00:00:05')).toBe(5)
    expect(() => parseTimestamp('1:2:3')).toThrow(/malformed timestamp "1:2:3"/)
    expect(() => parseTimestamp('00:61:00.000')).toThrow(/malformed/)
    expect(() => formatTimestamp(-1)).toThrow(RangeError)
  })
})
