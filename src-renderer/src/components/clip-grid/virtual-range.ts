/**
 * Pure layout math of the virtual clip grid: which rows a scroll position shows, where a row sits,
 * and how a grid taller than the browser can lay out still scrolls to its last row.
 *
 * Browsers cap an element's height (Chromium ~16.7M px, Firefox ~17.9M px); a million clips in
 * five columns of 150 px rows is 30M px. Above SAFE_MAX_HEIGHT the scroll space is compressed:
 * the scrollbar's range maps proportionally onto the true range, so dragging it to the end still
 * reaches the last row. The price: one pixel of scrollbar is `ratio` true pixels (3 at 1M clips,
 * ~30 at 10M), so a wheel tick moves that many times further than in a short list.
 */

/** Below every engine's limit with room to spare; the brief's and react-window's usual choice. */
export const SAFE_MAX_HEIGHT = 10_000_000

export type Density = 'compact' | 'comfortable'

export interface DensitySpec {
  /** Narrowest card; the grid fits as many as the width allows and stretches them. */
  minCardWidth: number
  /** Everything in a card but the 16:9 thumbnail: padding, border, the id/status/time lines. */
  metaHeight: number
  gap: number
}

export const DENSITIES: Record<Density, DensitySpec> = {
  compact: { minCardWidth: 140, metaHeight: 28, gap: 6 },
  comfortable: { minCardWidth: 220, metaHeight: 48, gap: 10 },
}

export interface GridLayout {
  columns: number
  cardWidth: number
  gap: number
  /** Card height plus the gap below it: the row pitch. */
  rowHeight: number
  rows: number
  /** Height the rows would need unscaled. */
  trueHeight: number
  /** Height given to the scroll content: trueHeight, or SAFE_MAX_HEIGHT when that is smaller. */
  scrollHeight: number
}

export function gridLayout(total: number, width: number, density: Density, maxHeight = SAFE_MAX_HEIGHT): GridLayout {
  const spec = DENSITIES[density]
  const usable = Math.max(spec.minCardWidth, width)
  const columns = Math.max(1, Math.floor((usable + spec.gap) / (spec.minCardWidth + spec.gap)))
  const cardWidth = (usable - spec.gap * (columns - 1)) / columns
  const rowHeight = Math.round((cardWidth * 9) / 16) + spec.metaHeight + spec.gap
  const rows = Math.ceil(Math.max(0, total) / columns)
  const trueHeight = rows * rowHeight
  return { columns, cardWidth, gap: spec.gap, rowHeight, rows, trueHeight, scrollHeight: Math.min(trueHeight, maxHeight) }
}

/**
 * True pixels per scrollbar pixel. Maps the scrollable ranges (content minus viewport) onto each
 * other, not the heights, so scrollTop's maximum lands exactly on the last row.
 */
export function scrollRatio(layout: GridLayout, viewportHeight: number): number {
  const scrollRange = layout.scrollHeight - viewportHeight
  const trueRange = layout.trueHeight - viewportHeight
  if (layout.trueHeight <= layout.scrollHeight || scrollRange <= 0) return 1
  return trueRange / scrollRange
}

/** The true offset (in unscaled row space) shown at the top of the viewport. */
export function trueOffsetOf(scrollTop: number, layout: GridLayout, viewportHeight: number): number {
  const max = Math.max(0, layout.trueHeight - viewportHeight)
  return Math.min(max, Math.max(0, scrollTop * scrollRatio(layout, viewportHeight)))
}

/** The scrollTop that shows `trueOffset` at the top of the viewport. */
export function scrollTopFor(trueOffset: number, layout: GridLayout, viewportHeight: number): number {
  const max = Math.max(0, layout.scrollHeight - viewportHeight)
  return Math.min(max, Math.max(0, trueOffset / scrollRatio(layout, viewportHeight)))
}

export interface VisibleRange {
  /** First and one-past-last row to render, overscan included. */
  firstRow: number
  endRow: number
  /** First and one-past-last item index (row × columns), clamped to the total. */
  start: number
  end: number
  /** Where row `r` is drawn inside the scroll content: rowTop(r) = base + r × rowHeight. */
  base: number
}

/**
 * The rows in view plus `overscan` rows either side. Rows are positioned relative to the true
 * offset, so with a scaled scroll space they still sit a whole rowHeight apart.
 */
export function visibleRange(scrollTop: number, viewportHeight: number, layout: GridLayout, total: number, overscan = 2): VisibleRange {
  if (layout.rows === 0) return { firstRow: 0, endRow: 0, start: 0, end: 0, base: 0 }
  const offset = trueOffsetOf(scrollTop, layout, viewportHeight)
  const top = Math.floor(offset / layout.rowHeight)
  const bottom = Math.ceil((offset + Math.max(0, viewportHeight)) / layout.rowHeight)
  const firstRow = Math.max(0, top - overscan)
  const endRow = Math.min(layout.rows, Math.max(bottom, top + 1) + overscan)
  return {
    firstRow,
    endRow,
    start: firstRow * layout.columns,
    end: Math.min(total, endRow * layout.columns),
    base: scrollTop - offset,
  }
}

/**
 * The true offset that brings `row` fully into view while moving as little as possible (the
 * `block: 'nearest'` of scrollIntoView), or null when it is already visible.
 */
export function offsetToReveal(row: number, currentOffset: number, viewportHeight: number, layout: GridLayout): number | null {
  const top = row * layout.rowHeight
  // The gap under the card need not be on screen.
  const bottom = top + layout.rowHeight - layout.gap
  if (top < currentOffset) return top
  if (bottom > currentOffset + viewportHeight) return Math.max(0, bottom - viewportHeight)
  return null
}

/** Which of a sprite's `frames` equal-width frames a pointer at `x` of `width` px shows. */
export function scrubFrame(x: number, width: number, frames = 10): number {
  if (!(width > 0) || !Number.isFinite(x)) return 0
  return Math.min(frames - 1, Math.max(0, Math.floor((x / width) * frames)))
}

/** background-position-x for frame `i` of a strip scaled to `frames` × the box width. */
export function spritePosition(i: number, frames = 10): string {
  return frames <= 1 ? '0%' : `${(i / (frames - 1)) * 100}%`
}
