import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runJob } from '../../../src-main/jobs/job-runner'
import { buildMediaCorpus } from '../../support/media-corpus'
import { tempProject } from '../../support/temp-project'

describe('ingest on bad and unusual media', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('handles each file or reports it with a specific reason, and the batch goes on', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const cases = buildMediaCorpus(p.dir)
    const result = await runJob(p.ctx, { name: 'ingest', data: { paths: cases.map((c) => c.file), recursive: false } })
    const report = result.report!
    for (const c of cases) {
      const failure = report.videos_failed.find((f) => f.path === c.file || f.path.endsWith(c.file.split('/').pop()!))
      if (c.note) expect(report.notes.filter((n) => n.path.endsWith(c.file.split('/').pop()!)).map((n) => n.note)).toContainEqual(expect.stringMatching(c.note))
      if (c.expect === 'ok') {
        expect({ file: c.file, failure }).toEqual({ file: c.file, failure: undefined })
      } else {
        expect({ file: c.file, reason: failure?.error ?? '(no failure reported)' }).toEqual({ file: c.file, reason: expect.stringMatching(c.expect) })
      }
    }
    expect(report.videos_ok).toBe(cases.filter((c) => c.expect === 'ok').length)
    // Nothing half-written: every registered video with clips has them all framed, and files
    // that failed before registration left no video row.
    const rows = p.ctx.db.prepare('SELECT path FROM videos').pluck().all() as string[]
    const unregistered = cases.filter((c) => c.expect !== 'ok' && /cannot read|empty|no video stream/.test(String(c.expect)))
    for (const c of unregistered) expect(rows.some((r) => r.endsWith(c.file.split('/').pop()!))).toBe(false)
    const unframed = p.ctx.db.prepare("SELECT count(*) FROM clips c LEFT JOIN clip_steps s ON s.clip_id = c.id AND s.step = 'frames' WHERE s.status IS NOT 'done'").pluck().get()
    expect(unframed).toBe(0)
    // The rotated file is stored with its display size (90° rotation swaps width and height).
    const rotated = p.ctx.db.prepare("SELECT width, height FROM videos WHERE path LIKE '%rotated.mov'").get() as { width: number; height: number }
    expect(rotated.height).toBeGreaterThan(rotated.width)
    expect(readdirSync(join(p.ctx.dataDir, 'frames')).some((f) => f.startsWith('.partial-'))).toBe(false)
  }, 180_000)
})
