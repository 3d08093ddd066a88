import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_DOWNLOADS, fetchDemoVideos, type DemoDownload } from '../../../src-main/services/demo-downloads'
import { createDemoProject } from '../../../src-main/services/demo.service'
import { startFixtureServer, type FixtureServer } from '../../support/http-fixture-server'
import { SHARED_VIDEOS, tempDir } from '../../support/temp-project'

describe('demo sample downloads', () => {
  let server: FixtureServer | null = null
  let cleanup = () => {}
  afterEach(async () => {
    await server?.close()
    cleanup()
  })

  it('pins the published files: https URLs, sha256 and sizes of the real CC0 clips', () => {
    for (const d of DEMO_DOWNLOADS) {
      expect(d.url).toMatch(/^https:\/\//)
      expect(d.sha256).toMatch(/^[0-9a-f]{64}$/)
      // The shared assets hold the same published files: their bytes must match the pins.
      const local = readFileSync(join(SHARED_VIDEOS, d.file))
      expect(local.length).toBe(d.bytes)
    }
  })

  it('uses only verified files, credits them, and falls back to generated footage for the rest', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const flower = DEMO_DOWNLOADS.find((d) => d.file === 'flower.mp4')!
    server = await startFixtureServer({ 'flower.mp4': { body: readFileSync(join(SHARED_VIDEOS, 'flower.mp4')) }, 'tampered.mp4': { body: Buffer.from('not the published bytes') } })
    const list: DemoDownload[] = [
      { ...flower, url: server.url('flower.mp4') },
      { file: 'tampered.mp4', url: server.url('tampered.mp4'), sha256: flower.sha256, bytes: 23, credit: 'x' },
      { file: 'gone.mp4', url: server.url('gone.mp4'), sha256: flower.sha256, bytes: 10, credit: 'y' },
    ]
    const r = await fetchDemoVideos(join(t.dir, 'dl'), list)
    expect(r.downloaded.map((d) => d.file)).toEqual(['flower.mp4'])
    expect(r.skipped.map((s) => s.file)).toEqual(['tampered.mp4', 'gone.mp4'])
    expect(r.skipped[0].reason).toMatch(/sha256/)
    expect(existsSync(join(t.dir, 'dl', 'tampered.mp4'))).toBe(false)
    expect(readFileSync(join(t.dir, 'dl', 'CREDITS.txt'), 'utf8')).toContain('MDN interactive examples, CC0')

    const { ctx, report, downloads } = await createDemoProject(join(t.dir, 'demo.vicurate'), { online: true, downloads: [list[0]] })
    try {
      expect(downloads?.downloaded).toHaveLength(1)
      expect(report?.videos_failed).toEqual([])
      const sources = ctx.db.prepare('SELECT source_id FROM videos ORDER BY 1').pluck().all()
      expect(sources).toContain('flower')
    } finally {
      ctx.close()
    }
  }, 120_000)
})
