import type { DensityGrid } from '../../../../src-main/api/contract'

export interface Axis {
  min: number
  max: number
}

/** Cell opacity on a square-root scale, so a few sparse cells still show beside a dense one. */
export function cellShades(counts: readonly number[]): number[] {
  const peak = Math.max(0, ...counts)
  return counts.map((n) => (n > 0 && peak > 0 ? Math.max(0.08, Math.sqrt(n / peak)) : 0))
}

/** The grid's cells with a count, as plot coordinates (x → similarity, y up → aesthetic). */
export function cells(grid: DensityGrid, series: 'all' | 'filtered'): { x: number; y: number; n: number; shade: number }[] {
  const counts = grid[series]
  const shades = cellShades(grid.all) // both series on the all-clips scale, as the histograms
  const peak = Math.max(0, ...grid.all)
  const out: { x: number; y: number; n: number; shade: number }[] = []
  counts.forEach((n, i) => {
    if (n === 0) return
    const shade = series === 'all' ? shades[i]! : Math.max(0.15, Math.sqrt(n / (peak || 1)))
    out.push({ x: i % grid.bins, y: grid.bins - 1 - Math.floor(i / grid.bins), n, shade })
  })
  return out
}

/** A fraction of the plot (0..1 from the left / from the bottom) as a value on the axis. */
export function valueAt(axis: Axis, fraction: number): number {
  const f = Math.min(1, Math.max(0, fraction))
  return axis.min + f * (axis.max - axis.min)
}

/** Where a value sits on the axis, 0..1 (for drawing the current ranges). */
export function fractionOf(axis: Axis, value: number): number {
  if (axis.max === axis.min) return 0
  return Math.min(1, Math.max(0, (value - axis.min) / (axis.max - axis.min)))
}

/**
 * A brushed bound on a step fine enough for the axis (the sliders' 1/200 of the range), rounded
 * outward (`floor` for a minimum, `ceil` for a maximum) so the range keeps every clip under the brush.
 */
export function roundForAxis(axis: Axis, value: number, direction: 'floor' | 'ceil'): number {
  const span = axis.max - axis.min
  if (!(span > 0)) return value
  const exp = Math.floor(Math.log10(span / 200))
  const r = Math[direction](value / 10 ** exp - 1e-9 * (direction === 'ceil' ? 1 : -1)) * 10 ** exp
  return exp < 0 ? Number(r.toFixed(-exp)) : r
}

/**
 * A brush from two pointer positions (fractions of the plot, y from the bottom) to closed ranges
 * on both axes; null for a click without a drag.
 */
export function brushRanges(sim: Axis, aes: Axis, a: { x: number; y: number }, b: { x: number; y: number }): { similarity: [number, number]; aesthetic: [number, number] } | null {
  if (Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) < 0.01) return null
  const range = (axis: Axis, p: number, q: number): [number, number] => [
    roundForAxis(axis, valueAt(axis, Math.min(p, q)), 'floor'),
    roundForAxis(axis, valueAt(axis, Math.max(p, q)), 'ceil'),
  ]
  return { similarity: range(sim, a.x, b.x), aesthetic: range(aes, a.y, b.y) }
}
