/**
 * Equal-width bins over [lo, hi], as every histogram and the density plot draw them:
 * bin(v) = min(trunc((v - lo) / width), count - 1), the same double arithmetic SQLite's
 * `CAST((v - lo) / width AS INTEGER)` does. Counting a bin as an index range needs the exact
 * lowest value of each bin (its edge), found here by stepping ulps from lo + k·width, so that
 * range counts and row-by-row binning can never disagree about a value on a boundary.
 */
export interface Bins {
  lo: number
  width: number
  count: number
}

/** A single value (lo = hi) still gets one visible bar: width 1. */
export function binsOver(lo: number, hi: number, count: number): Bins {
  return { lo, width: hi > lo ? (hi - lo) / count : 1, count }
}

const unclamped = (b: Bins, v: number): number => Math.trunc((v - b.lo) / b.width)

export function binOf(b: Bins, v: number): number {
  const k = unclamped(b, v)
  // Values below lo cannot occur (lo is the minimum of the same snapshot); clamp anyway.
  return k <= 0 ? 0 : k >= b.count - 1 ? b.count - 1 : k
}

const f64 = new Float64Array(1)
const i64 = new BigInt64Array(f64.buffer)

/** The next double above x (x finite). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE
  f64[0] = x
  i64[0] += x > 0 ? 1n : -1n
  return f64[0]
}

export const nextDown = (x: number): number => -nextUp(-x)

/**
 * edges[k] (k = 1..count-1) is the smallest double v with bin(v) >= k, so bin k holds exactly
 * edges[k] <= v < edges[k+1] (bin 0 everything below edges[1], the last bin everything from its
 * edge up). The division is monotone in v, so such a smallest value exists and sits within a
 * few ulps of lo + k·width.
 */
export function binEdges(b: Bins): number[] {
  const edges: number[] = [Number.NEGATIVE_INFINITY]
  for (let k = 1; k < b.count; k++) {
    let x = b.lo + k * b.width
    if (unclamped(b, x) >= k) {
      for (let y = nextDown(x); unclamped(b, y) >= k; y = nextDown(y)) x = y
    } else {
      do x = nextUp(x)
      while (unclamped(b, x) < k)
    }
    edges.push(x)
  }
  return edges
}
