import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonlPrefix, jsonlText, type ExportRow } from '../../../src-main/services/dataset-export-format'
import { JsonlByteWriter } from '../../../src-main/services/dataset-export-jsonl-bytes'
import { PrefixTable } from '../../../src-main/services/dataset-export-prefixes'

/**
 * The export writes lines as bytes (dataset-export-jsonl-bytes.ts); jsonlText is the definition
 * of a line. Any difference would change exported files, so every kind of value is tried.
 */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', 'plain words', 'a"b', 'back\\slash', 'tab\there', '\u0000\u001f\u007f', '\u2028\u2029', 'lone \ud800 high', 'lone \udc00 low', 'pair 😀', 'é ü €', '\ufffd'),
)
const sixDecimals = fc.tuple(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: 0, max: 6 })).map(([k, d]) => k / 10 ** d)
const score = fc.option(fc.oneof(fc.double({ noNaN: true }), sixDecimals, fc.constantFrom(0, -0, 5, 1e9, 0.1 + 0.2)), { nil: null })
const time = fc.oneof(
  fc.double({ min: 0, max: 1e7, noNaN: true }),
  fc.integer({ min: 0, max: 400_000_000 }).map((ms) => ms / 1000),
  fc.constantFrom(0, 0.0005, 59.9995, 3599.9996, 360000.5, 4e12, 1e20, 1e300),
)
const extra = fc.option(
  fc.oneof(
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    fc.record({ Caption_Original: text, status: text, keep: fc.integer() }, { requiredKeys: ['keep'] }),
  ).map((o) => JSON.stringify(o)),
  { nil: null },
)
const review = fc.option(
  fc.record({ status: fc.constantFrom('pending', 'accepted', 'rejected'), reviewer: fc.option(text, { nil: null }), decidedAt: fc.option(text, { nil: null }) }),
  { nil: null },
)

function viaBytes(sourceId: string, row: Omit<ExportRow, 'sourceId'>, writer = new JsonlByteWriter(64)): string {
  const prefix = Buffer.from(jsonlPrefix(sourceId), 'utf8')
  writer.line(prefix, 0, prefix.length, row.startS, row.endS, row.caption, row.captionOriginal, row.similarity, row.aesthetic, row.review, row.extraJson)
  return writer.buf.subarray(0, writer.pos).toString('hex')
}
const viaText = (sourceId: string, r: Omit<ExportRow, 'sourceId'>) =>
  Buffer.from(jsonlText(jsonlPrefix(sourceId), r.startS, r.endS, r.caption, r.captionOriginal, r.similarity, r.aesthetic, r.review, r.extraJson), 'utf8').toString('hex')

describe('JSONL lines written as bytes', () => {
  it('equal jsonlText encoded as UTF-8 for any captions, scores, times, review fields and extra fields', () => {
    fc.assert(fc.property(text, time, time, fc.option(text, { nil: null }), fc.option(text, { nil: null }), score, score, review, extra,
      (sourceId, startS, endS, caption, captionOriginal, similarity, aesthetic, rev, extraJson) => {
        const row = { startS, endS, caption, captionOriginal, similarity, aesthetic, review: rev, extraJson }
        expect(viaBytes(sourceId, row)).toBe(viaText(sourceId, row))
      }), { numRuns: 20_000 })
  })

  it('keep appending line after line, growing the buffer, and reject the times formatTimestamp rejects', () => {
    const writer = new JsonlByteWriter(16)
    const rows = Array.from({ length: 200 }, (_, i) => ({
      startS: i * 1.5, endS: i * 1.5 + 1, caption: `caption ${i} ${'x'.repeat(i)}`, captionOriginal: null,
      similarity: i / 7, aesthetic: null, review: null, extraJson: i % 2 ? `{"n":${i}}` : null,
    }))
    let expected = ''
    for (const r of rows) {
      viaBytes('vid', r, writer)
      expected += Buffer.from(jsonlText(jsonlPrefix('vid'), r.startS, r.endS, r.caption, null, r.similarity, null, null, r.extraJson)).toString('hex')
    }
    expect(writer.buf.subarray(0, writer.pos).toString('hex')).toBe(expected)
    for (const bad of [-1, NaN, Infinity]) {
      expect(() => viaBytes('v', { ...rows[0], startS: bad })).toThrow(RangeError)
    }
  })

  it('the prefix table holds each video once, by id, densely or in a map for huge ids', () => {
    for (const maxVideoId of [1000, 2 ** 30]) {
      const looked: number[] = []
      const table = new PrefixTable(maxVideoId, (id) => {
        looked.push(id)
        return `yt-"${id}"-ü`
      })
      table.addAll([[3, 'three']])
      const prefixOf = (id: number) => {
        const at = table.offset(id)
        return table.pool.subarray(at, at + table.lastLength).toString('utf8')
      }
      for (let round = 0; round < 2; round++) {
        for (const id of [7, 999, 1]) expect(prefixOf(id)).toBe(jsonlPrefix(`yt-"${id}"-ü`))
        expect(prefixOf(3)).toBe(jsonlPrefix('three'))
      }
      // Enough videos to outgrow the first pool: earlier prefixes stay where they were found.
      for (let id = 10; id < 990; id++) prefixOf(id)
      expect(prefixOf(7)).toBe(jsonlPrefix('yt-"7"-ü'))
      expect(looked.slice(0, 3)).toEqual([7, 999, 1])
      expect(new Set(looked).size).toBe(looked.length)
    }
  })
})
