import { describe, expect, it } from 'vitest'
import {
  SAFE_MAX_HEIGHT,
  gridLayout,
  offsetToReveal,
  scrollRatio,
  scrollTopFor,
  scrubFrame,
  spritePosition,
  trueOffsetOf,
  visibleRange,
} from '../../src-renderer/src/components/clip-grid/virtual-range'

const VIEW = 800

describe('grid layout', () => {
  it('fits as many cards as the width allows, fewer and larger when comfortable', () => {
    const compact = gridLayout(1000, 830, 'compact')
    const comfortable = gridLayout(1000, 830, 'comfortable')
    expect(compact.columns).toBe(5) // (830 + 6) / (140 + 6)
    expect(comfortable.columns).toBe(3) // (830 + 10) / (220 + 10)
    expect(comfortable.cardWidth).toBeGreaterThan(compact.cardWidth)
    expect(comfortable.rowHeight).toBeGreaterThan(compact.rowHeight)
    // Cards plus gaps fill the width exactly.
    expect(compact.cardWidth * 5 + compact.gap * 4).toBeCloseTo(830)
    expect(compact.rows).toBe(200)
  })

  it('never has fewer than one column, even in a pane narrower than a card', () => {
    expect(gridLayout(10, 50, 'comfortable').columns).toBe(1)
  })

  it('keeps the scroll content under the safe cap at 1M and 10M clips', () => {
    for (const total of [1_000_000, 10_000_000]) {
      const l = gridLayout(total, 830, 'comfortable')
      expect(l.trueHeight).toBeGreaterThan(SAFE_MAX_HEIGHT)
      expect(l.scrollHeight).toBe(SAFE_MAX_HEIGHT)
    }
    const small = gridLayout(1000, 830, 'comfortable')
    expect(small.scrollHeight).toBe(small.trueHeight)
    expect(scrollRatio(small, VIEW)).toBe(1)
  })
})

describe('scroll offset ↔ row index', () => {
  it('is the identity below the cap', () => {
    const l = gridLayout(5000, 830, 'compact')
    expect(trueOffsetOf(1234, l, VIEW)).toBe(1234)
    expect(scrollTopFor(1234, l, VIEW)).toBe(1234)
    const r = visibleRange(l.rowHeight * 10, VIEW, l, 5000, 0)
    expect(r.firstRow).toBe(10)
    expect(r.base).toBe(0)
  })

  it.each([1_000_000, 10_000_000])('maps the scrollbar proportionally at %i clips so its end shows the last row', (total) => {
    const l = gridLayout(total, 830, 'comfortable')
    const ratio = scrollRatio(l, VIEW)
    expect(ratio).toBeGreaterThan(1)
    const maxScroll = l.scrollHeight - VIEW
    const end = visibleRange(maxScroll, VIEW, l, total, 2)
    expect(end.endRow).toBe(l.rows)
    expect(end.end).toBe(total)
    // The last row's bottom is exactly the viewport's bottom.
    const lastTop = end.base + (l.rows - 1) * l.rowHeight
    expect(lastTop + l.rowHeight).toBeCloseTo(maxScroll + VIEW, 3)

    // Halfway down the scrollbar is halfway down the rows.
    const mid = visibleRange(maxScroll / 2, VIEW, l, total, 0)
    expect(mid.firstRow / l.rows).toBeCloseTo(0.5, 2)
    // Round trip: the offset of a row, to a scrollTop, and back.
    const row = Math.floor(l.rows * 0.8)
    expect(trueOffsetOf(scrollTopFor(row * l.rowHeight, l, VIEW), l, VIEW)).toBeCloseTo(row * l.rowHeight, 3)
  })

  it('draws rows a whole row apart around the viewport even when the scroll space is scaled', () => {
    const l = gridLayout(1_000_000, 830, 'compact')
    const st = 4_321_000
    const r = visibleRange(st, VIEW, l, 1_000_000, 0)
    const offset = trueOffsetOf(st, l, VIEW)
    const firstTop = r.base + r.firstRow * l.rowHeight
    // The first drawn row straddles the viewport's top edge (scrollTop in content coordinates).
    expect(firstTop).toBeLessThanOrEqual(st)
    expect(firstTop + l.rowHeight).toBeGreaterThan(st)
    expect(r.firstRow).toBe(Math.floor(offset / l.rowHeight))
  })
})

describe('visible range', () => {
  it('adds overscan rows on both sides and clamps to the list', () => {
    const l = gridLayout(1000, 830, 'compact') // 5 columns
    const r = visibleRange(l.rowHeight * 50, VIEW, l, 1000, 2)
    const inView = Math.ceil(VIEW / l.rowHeight)
    expect(r.firstRow).toBe(48)
    expect(r.endRow).toBe(50 + inView + 2)
    expect(r.start).toBe(48 * 5)
    expect(r.end).toBe((50 + inView + 2) * 5)
    const top = visibleRange(0, VIEW, l, 1000, 2)
    expect(top.firstRow).toBe(0)
    const partial = visibleRange(0, VIEW, gridLayout(7, 830, 'compact'), 7, 2)
    expect(partial.end).toBe(7)
  })

  it('renders a bounded window whatever the list size', () => {
    for (const total of [1_000, 1_000_000, 10_000_000]) {
      const l = gridLayout(total, 830, 'compact')
      const r = visibleRange((l.scrollHeight - VIEW) * 0.8, VIEW, l, total, 2)
      expect(r.end - r.start).toBeLessThanOrEqual((Math.ceil(VIEW / l.rowHeight) + 5) * l.columns)
    }
  })

  it('is empty for an empty list', () => {
    expect(visibleRange(0, VIEW, gridLayout(0, 830, 'compact'), 0)).toMatchObject({ start: 0, end: 0 })
  })
})

describe('revealing a row', () => {
  const l = gridLayout(1000, 830, 'comfortable')
  it('scrolls as little as needed, or not at all', () => {
    expect(offsetToReveal(2, 0, VIEW, l)).toBeNull()
    expect(offsetToReveal(20, 0, VIEW, l)).toBe(21 * l.rowHeight - l.gap - VIEW)
    expect(offsetToReveal(2, 10 * l.rowHeight, VIEW, l)).toBe(2 * l.rowHeight)
  })
})

describe('sprite scrubbing', () => {
  it('maps the pointer across the card to frames 0–9', () => {
    expect(scrubFrame(0, 200)).toBe(0)
    expect(scrubFrame(19.9, 200)).toBe(0)
    expect(scrubFrame(20, 200)).toBe(1)
    expect(scrubFrame(100, 200)).toBe(5)
    expect(scrubFrame(199.9, 200)).toBe(9)
    expect(scrubFrame(200, 200)).toBe(9)
    expect(scrubFrame(-5, 200)).toBe(0)
    expect(scrubFrame(50, 0)).toBe(0)
  })

  it('positions a 10-frame strip so frame i fills the box', () => {
    expect(spritePosition(0)).toBe('0%')
    expect(spritePosition(9)).toBe('100%')
    expect(parseFloat(spritePosition(3))).toBeCloseTo(33.333, 2)
  })
})
