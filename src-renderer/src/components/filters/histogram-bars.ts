export interface BarHeight {
  /** Percent of the tallest `all` bin (0..100). */
  all: number
  filtered: number
}

/** Bar heights for the slider background: both series scaled by the tallest bin of `all`. */
export function barHeights(all: readonly number[], filtered: readonly number[]): BarHeight[] {
  const top = Math.max(1, ...all, ...filtered)
  return all.map((n, i) => ({ all: (n / top) * 100, filtered: ((filtered[i] ?? 0) / top) * 100 }))
}

/** A slider step that gives ~200 positions over the field's range (whole numbers for counts). */
export function sliderStep(lo: number, hi: number, integer: boolean): number {
  if (integer) return 1
  const span = hi - lo
  if (!(span > 0)) return 0.01
  const raw = span / 200
  const pow = 10 ** Math.floor(Math.log10(raw))
  return Number((Math.ceil(raw / pow) * pow).toPrecision(6))
}

/** Rounds a slider value to the precision its step shows. */
export function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)))
  return Number(value.toFixed(decimals))
}
