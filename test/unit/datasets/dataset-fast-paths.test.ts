import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatTimestamp as coreFormat, parseTimestamp } from '../../../src-main/media/timecode'
import { parseAnnotationLine, unsafeIdReason } from '../../../src-main/services/dataset-annotation'
import { formatNumber, formatTimestamp } from '../../../src-main/services/dataset-export-format'

/**
 * The import and export replace a few general routines with faster special cases; each must give
 * exactly what the general one gives, or a round trip would change the data.
 */
describe('dataset fast paths equal the general routines', () => {
  it('formatNumber(v) === String(v) for every double, in particular scores with up to six decimals', () => {
    const sixDecimals = fc.tuple(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: 0, max: 6 })).map(([k, d]) => k / 10 ** d)
    fc.assert(fc.property(fc.oneof(fc.double(), sixDecimals, fc.integer().map((k) => k / 1e6)), (v) => {
      expect(formatNumber(v)).toBe(String(v))
    }), { numRuns: 20_000 })
    for (const v of [0, -0, 1e-6, -1e-6, 1e-7, 0.1 + 0.2, 999_999_999.999999, 1e9, -1e9, 5, 0.590382, 5.9934, Number.MIN_VALUE, NaN, Infinity]) {
      expect(formatNumber(v)).toBe(String(v))
    }
  })

  it("the export's formatTimestamp matches media/timecode's for every time", () => {
    fc.assert(fc.property(fc.oneof(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 400_000_000 }).map((ms) => ms / 1000)), (s) => {
      expect(formatTimestamp(s)).toBe(coreFormat(s))
    }), { numRuns: 20_000 })
    expect(() => formatTimestamp(-1)).toThrow(RangeError)
    expect(() => formatTimestamp(NaN)).toThrow(RangeError)
  })

  it('timestamps read digit by digit give the same seconds as parseTimestamp, and odd forms still parse or fail the same way', () => {
    const two = (n: number) => String(n).padStart(2, '0')
    const canonical = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 999 }))
      .map(([h, m, s, ms]) => `${two(h)}:${two(m)}:${two(s)}.${String(ms).padStart(3, '0')}`)
    // Under a minute the sum has the finest resolution: a wrong millisecond formula shows there.
    const short = fc.integer({ min: 0, max: 59_999 }).map((ms) => `00:00:${two(Math.floor(ms / 1000))}.${String(ms % 1000).padStart(3, '0')}`)
    const odd = fc.constantFrom('1:02:03.5', '00:00:01', '00:00:01,250', ' 00:00:01.200', '00:60:00.000', '00:00:60.000', '100:00:00.000', '0a:00:00.000', '00:00:01.2000', '00-00-01.200')
    fc.assert(fc.property(fc.oneof(canonical, short, odd), (ts) => {
      const r = parseAnnotationLine(JSON.stringify({ YoutubeID: 'x', Start_timestamp: ts, End_timestamp: '999:00:00.000', Caption: 'c' }), 1)
      let expected: number | null = null
      try {
        expected = parseTimestamp(ts)
      } catch {
        // rejected by the general parser: the line must be rejected too
      }
      if (expected === null) expect(r.ok).toBe(false)
      else expect(r.ok && r.row.startS).toBe(expected)
    }), { numRuns: 5000 })
  })

  it('the one-pass YoutubeID check rejects exactly what the regexes reject', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12, unit: 'binary' }), (id) => {
      const regexes = id === '.' || id === '..' || /[/\\]/.test(id) || /[\u0000-\u001f\u007f]/.test(id)
      expect(unsafeIdReason(id) !== null).toBe(regexes)
    }), { numRuns: 5000 })
  })
})
