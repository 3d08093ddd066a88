/** An ffmpeg expression counting the sorted instants `ts` that are <= x (a binary search tree). */
function countAtOrBefore(ts: number[], x: string, lo = 0, hi = ts.length): string {
  if (hi - lo === 0) return '0'
  if (hi - lo === 1) return `gte(${x}\\,${ts[lo].toFixed(6)})`
  const m = (lo + hi) >> 1
  return `if(lt(${x}\\,${ts[m].toFixed(6)})\\,${countAtOrBefore(ts, x, lo, m)}\\,${m - lo}+${countAtOrBefore(ts, x, m, hi)})`
}

/**
 * Selects each frame on screen at one of the (sorted) instants: the frame at t is wanted when an
 * instant lies in (previous frame's t, t]. Counting instants with a binary search keeps the
 * per-frame cost at O(log n) comparisons, so thousands of instants cost less than decoding.
 */
export function selectExpr(times: number[]): string {
  const ts = [...times].sort((a, b) => a - b)
  const now = countAtOrBefore(ts, 't')
  return `if(isnan(prev_pts)\\,gte(${now}\\,1)\\,gt(${now}-${countAtOrBefore(ts, 'prev_pts*TB')}\\,0))`
}
