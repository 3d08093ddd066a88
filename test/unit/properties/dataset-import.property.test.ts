import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import { formatTimestamp } from '../../../src-main/media/timecode'
import { importDataset } from '../../../src-main/services/dataset-import.service'
import { tempDir } from '../../support/temp-project'

/** A line the generator made, and what the importer must do with it. */
type Line = { kind: 'valid'; text: string; key: string; caption: string } | { kind: 'invalid'; text: string } | { kind: 'blank'; text: string }

const ID = fc.stringMatching(/^[A-Za-z0-9_-]{1,11}$/)
const row = fc.record({
  YoutubeID: ID,
  startMs: fc.integer({ min: 0, max: 3_600_000 }),
  durMs: fc.integer({ min: 1, max: 600_000 }),
  Caption: fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }).filter((c) => c.trim().length > 0),
  UMT_Score: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
  extra: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }), { nil: undefined }),
})
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never

function toObject(r: Row): Record<string, unknown> {
  return {
    ...r.extra,
    YoutubeID: r.YoutubeID,
    Start_timestamp: formatTimestamp(r.startMs / 1000),
    End_timestamp: formatTimestamp((r.startMs + r.durMs) / 1000),
    Caption: r.Caption,
    ...(r.UMT_Score === undefined ? {} : { UMT_Score: r.UMT_Score }),
  }
}

const valid: fc.Arbitrary<Line> = row.map((r) => ({
  kind: 'valid',
  text: JSON.stringify(toObject(r)),
  key: `${r.YoutubeID}|${r.startMs}|${r.startMs + r.durMs}`,
  caption: r.Caption,
}))

/** A valid row broken in one way the importer must notice. */
const broken: fc.Arbitrary<Line> = fc
  .tuple(row, fc.integer({ min: 0, max: 8 }), fc.jsonValue({ maxDepth: 1 }), fc.nat())
  .map(([r, how, junk, cut]): Line => {
    const o = toObject(r)
    const text = JSON.stringify(o)
    switch (how) {
      case 0:
        delete o[['YoutubeID', 'Start_timestamp', 'End_timestamp', 'Caption'][cut % 4]]
        break
      case 1:
        o.Start_timestamp = o.End_timestamp
        break
      case 2:
        o.End_timestamp = typeof junk === 'string' ? `x${junk}` : junk
        break
      case 3:
        o.Caption = typeof junk === 'string' ? ' \t' : junk
        break
      case 4:
        o.YoutubeID = `${r.YoutubeID}/../x`
        break
      case 5:
        o.UMT_Score = typeof junk === 'number' ? String(junk) : junk === null ? 'high' : junk
        break
      case 6:
        return { kind: 'invalid', text: text.slice(0, 1 + (cut % (text.length - 1))) } // truncated
      case 7:
        return { kind: 'invalid', text: JSON.stringify(Array.isArray(junk) || junk === null || typeof junk !== 'object' ? junk : [junk]) }
      default:
        return { kind: 'invalid', text: `${text}}` }
    }
    return { kind: 'invalid', text: JSON.stringify(o) }
  })

/** Arbitrary text, as long as it is neither blank nor a JSON object (which might be a valid row). */
const noise: fc.Arbitrary<Line> = fc
  .string({ maxLength: 40, unit: 'binary' })
  .filter((t) => !/[\r\n]/.test(t) && t.trim().length > 0 && !t.trim().startsWith('{') && t.charCodeAt(0) !== 0xfeff)
  .map((text) => ({ kind: 'invalid', text }))

const blank: fc.Arbitrary<Line> = fc.constantFrom('', ' ', '\t', '  \t ').map((text) => ({ kind: 'blank', text }))

describe('JSONL import (properties)', () => {
  let t: ReturnType<typeof tempDir>
  let template: string
  // One migrated project copied per case: creating each from scratch would cost most of the run.
  beforeAll(() => {
    t = tempDir()
    template = join(t.dir, 'template.vicurate')
    openProject(template, { create: true }).close()
  })
  afterAll(() => t.cleanup())
  let n = 0

  it('imports every valid row once, rejects every other non-blank line by number, and never writes a partial row', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: broken, weight: 2 }, noise, blank), { maxLength: 25 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('off' as const, 'on' as const),
        async (lines, eol, trailingEol, batchSize, bulk) => {
          const file = join(t.dir, `in-${++n}.jsonl`)
          writeFileSync(file, lines.map((l) => l.text).join(eol) + (trailingEol && lines.length ? eol : ''))
          const project = join(t.dir, `p-${n}.vicurate`)
          copyFileSync(template, project)
          const ctx = openProject(project)
          try {
            const report = await importDataset(ctx, file, { batchSize, bulk })
            const blanks = lines.filter((l) => l.kind === 'blank').length
            expect(report.rows_ok + report.rows_existing + report.rows_rejected_count + blanks).toBe(lines.length)
            const invalidLines = lines.flatMap((l, i) => (l.kind === 'invalid' ? [i + 1] : []))
            expect(report.rows_rejected.map((r) => r.line)).toEqual(invalidLines)
            for (const r of report.rows_rejected) expect(r.reason).toMatch(/\S/)

            // The first occurrence of each (id, start, end) is stored, with its caption; nothing else.
            const expected = new Map<string, string>()
            for (const l of lines) if (l.kind === 'valid' && !expected.has(l.key)) expected.set(l.key, l.caption)
            expect(report.rows_ok).toBe(expected.size)
            const stored = ctx.db
              .prepare<[], { id: string; s: number; e: number; caption: string }>('SELECT v.source_id AS id, c.start_s AS s, c.end_s AS e, c.caption FROM clips c JOIN videos v ON v.id = c.video_id')
              .all()
            expect(new Map(stored.map((c) => [`${c.id}|${Math.round(c.s * 1000)}|${Math.round(c.e * 1000)}`, c.caption]))).toEqual(expected)
            expect(ctx.db.prepare('SELECT count(*) FROM videos WHERE id NOT IN (SELECT video_id FROM clips)').pluck().get()).toBe(0)
            expect(ctx.db.prepare("SELECT count(*) FROM clips_fts WHERE clips_fts MATCH 'xyzzy'").pluck().get()).toBe(0)
          } finally {
            ctx.close()
          }
        },
      ),
      { numRuns: 100 },
    )
  })
})
