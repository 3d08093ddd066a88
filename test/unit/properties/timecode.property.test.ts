import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatTimestamp, parseTimestamp } from '../../../src-main/media/timecode'

const RUNS = { numRuns: 200 }
/** What the parser accepts, restated independently: H+:MM:SS with an optional 1–6 digit fraction. */
const ACCEPTED = /^\d+:[0-5]\d:[0-5]\d(?:[.,]\d{1,6})?$/

describe('timestamp parser and formatter (properties)', () => {
  it('parse(format(ms)) gives back every whole millisecond up to 10,000 hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 36_000_000_000 }), (ms) => {
        const back = parseTimestamp(formatTimestamp(ms / 1000))
        expect(Math.round(back * 1000)).toBe(ms)
        expect(Math.abs(back - ms / 1000)).toBeLessThan(1e-6)
      }),
      RUNS,
    )
  })

  it('format(parse(text)) is the identity on canonical HH:MM:SS.mmm text', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'))
    const canonical = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(59), two(59), fc.integer({ min: 0, max: 999 }))
      .map(([h, m, s, ms]) => `${String(h).padStart(2, '0')}:${m}:${s}.${String(ms).padStart(3, '0')}`)
    fc.assert(
      fc.property(canonical, (text) => {
        expect(formatTimestamp(parseTimestamp(text))).toBe(text)
      }),
      RUNS,
    )
  })

  it('format rounds any time to the nearest millisecond (never more than half a millisecond off)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (s) => {
        const back = parseTimestamp(formatTimestamp(s))
        expect(Math.abs(back - s)).toBeLessThanOrEqual(0.0005 + 1e-9)
        expect(back).toBeCloseTo(Math.round(s * 1000) / 1000, 9)
      }),
      RUNS,
    )
  })

  it('parse accepts 1 to 6 fraction digits (dot or comma) and reads them as a decimal fraction', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59 }), fc.stringMatching(/^\d{1,6}$/), fc.constantFrom('.', ','), (s, frac, sep) => {
        const text = `00:00:${String(s).padStart(2, '0')}${sep}${frac}`
        expect(parseTimestamp(text)).toBeCloseTo(s + Number(`0.${frac}`), 9)
      }),
      RUNS,
    )
  })

  it('parse rejects anything else with a RangeError whose message quotes the text', () => {
    const garbage = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      // Near misses: right shape, one part wrong.
      fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 60, max: 99 }), fc.integer({ min: 0, max: 59 })).map(([h, m, s]) => `${h}:${m}:${String(s).padStart(2, '0')}`),
      fc.stringMatching(/^\d{1,2}:\d{1,2}(:\d{1,3})?(\.\d{7,9})?$/),
      fc.stringMatching(/^-?\d+(\.\d+)?s?$/),
    )
    fc.assert(
      fc.property(
        garbage.filter((t) => !ACCEPTED.test(t.trim())),
        (text) => {
          expect(() => parseTimestamp(text)).toThrow(RangeError)
          expect(() => parseTimestamp(text)).toThrow(`malformed timestamp "${text}"`)
        },
      ),
      RUNS,
    )
  })

  it('parse never returns a time that cannot be formatted back: huge hour counts are refused, not Infinity', () => {
    fc.assert(
      // Hour fields up to 400 digits: Number() of 309+ digits is Infinity.
      fc.property(fc.array(fc.constantFrom(...'0123456789'), { minLength: 1, maxLength: 400, size: 'max' }).map((d) => `1${d.join('')}`), (hours) => {
        let seconds: number
        try {
          seconds = parseTimestamp(`${hours}:00:00.000`)
        } catch (err) {
          expect((err as Error).message).toContain(hours.slice(0, 20))
          return
        }
        expect(Number.isFinite(seconds)).toBe(true)
        expect(parseTimestamp(formatTimestamp(seconds))).toBe(seconds)
      }),
      RUNS,
    )
  })
})
