import { describe, expect, it } from 'vitest'
import { formatDuration, formatRange, formatTimestamp } from '../../src-renderer/src/utils/timecode'

describe('timecode formatting', () => {
  it('formats seconds as HH:MM:SS.mmm rounded to the millisecond', () => {
    expect(formatTimestamp(0)).toBe('00:00:00.000')
    expect(formatTimestamp(1.5)).toBe('00:00:01.500')
    expect(formatTimestamp(3723.0456)).toBe('01:02:03.046')
    expect(formatTimestamp(59.9996)).toBe('00:01:00.000')
    expect(formatTimestamp(36 * 3600)).toBe('36:00:00.000')
  })

  it('formats a clip range with an en dash', () => {
    expect(formatRange(2, 4.25)).toBe('00:00:02.000–00:00:04.250')
  })

  it('formats card durations compactly', () => {
    expect(formatDuration(2.46)).toBe('2.5 s')
    expect(formatDuration(65)).toBe('1:05.0')
  })
})
