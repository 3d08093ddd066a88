import { totalmem } from 'node:os'
import type { ClipFilters, ClipStatus, FilterField } from '../../api/contract'
import { binOf, type Bins } from './bins'

const STATUS_CODE: Record<ClipStatus, number> = { pending: 0, accepted: 1, rejected: 2 }
const FIELDS: readonly FilterField[] = ['similarity', 'aesthetic', 'duration', 'captionLength']

/** A clip in a snapshot: its id and four values as doubles, and a status byte. */
const BYTES_PER_CLIP = 8 + 4 * 8 + 1

/**
 * The largest project given a snapshot: up to a sixteenth of this machine's memory (8 GB → ~13M
 * clips, 16 GB → ~26M), at least 4M. Without one, every change of the filter is a pass through
 * SQLite over the matching rows; with one, a table scan per data change and then loops over
 * typed arrays. 10M clips (bench/SCALE.md): the Filters panel took 13 s the first time and
 * 2.1–2.4 s per slider move with a snapshot, against 24 s and 15 s through SQL.
 */
export function snapshotMaxRows(memoryBytes = totalmem()): number {
  return Math.max(4_000_000, Math.floor(memoryBytes / 16 / BYTES_PER_CLIP))
}

/** `unicode(status)` (first letter: p, a, r) → the snapshot's status code. */
function statusCode(first: number): number {
  return first === 112 ? 0 : first === 97 ? 1 : first === 114 ? 2 : 255
}

/** What one pass counts: per-field bins (null: not wanted), the density grid (null: not wanted). */
export interface PassSpec {
  hist: (Bins | null)[]
  counts: (Int32Array | null)[]
  dx: Bins | null
  dy: Bins | null
  cells: Int32Array | null
}

/** Adds one row's values (NaN: NULL) to a pass: every field's bin and the density cell (−1: removes it). */
export function countRow(spec: PassSpec, s: number, a: number, d: number, l: number, weight = 1): void {
  const { hist, counts } = spec
  if (s === s && hist[0]) counts[0]![binOf(hist[0], s)] += weight
  if (a === a && hist[1]) counts[1]![binOf(hist[1], a)] += weight
  if (d === d && hist[2]) counts[2]![binOf(hist[2], d)] += weight
  if (l === l && hist[3]) counts[3]![binOf(hist[3], l)] += weight
  if (s === s && a === a && spec.cells) spec.cells[binOf(spec.dy!, a) * spec.dy!.count + binOf(spec.dx!, s)] += weight
}

/**
 * The filterable columns of every clip, in id order, as typed arrays (NULL → NaN; SQLite never
 * stores NaN, so it means NULL only). Taken in the same read transaction as everything it is used
 * with and dropped when the data changes, so a filter applied here selects exactly the rows the
 * SQL filter selects: the same doubles compared with the same bounds (NaN fails every comparison,
 * as NULL does), status by equality, caption text by the ids FTS5 matches.
 */
export class ClipSnapshot {
  private n = 0
  readonly ids: Float64Array
  readonly status: Uint8Array
  readonly values: Float64Array[]

  constructor(readonly capacity: number) {
    this.ids = new Float64Array(capacity)
    this.status = new Uint8Array(capacity)
    this.values = FIELDS.map(() => new Float64Array(capacity))
  }

  get size(): number {
    return this.n
  }

  /**
   * The capture aggregate's step; rows arrive in id order (a table scan). Status comes as
   * `unicode(status)`, its first letter's code: no string is made per row.
   */
  add(id: number, status: number, s: number | null, a: number | null, d: number | null, l: number | null): void {
    const i = this.n++
    this.ids[i] = id
    this.status[i] = statusCode(status)
    this.values[0][i] = s ?? NaN
    this.values[1][i] = a ?? NaN
    this.values[2][i] = d ?? NaN
    this.values[3][i] = l ?? NaN
  }

  /** Bin counts of one field (FIELDS order) over every clip in the snapshot. */
  binAll(field: number, b: Bins): Int32Array {
    const counts = new Int32Array(b.count)
    binColumn(this.values[field].subarray(0, this.n), null, b, counts)
    return counts
  }

  /** A clip's new status (as `unicode(status)`); false when the clip is not in the snapshot. */
  setStatus(id: number, status: number): boolean {
    let lo = 0
    let hi = this.n - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const v = this.ids[mid]
      if (v === id) {
        this.status[mid] = statusCode(status)
        return true
      }
      if (v < id) lo = mid + 1
      else hi = mid - 1
    }
    return false
  }

  /**
   * Counts the rows passing `filters` (ranges already resolved) and `status`, restricted to
   * `textIds` (ascending) when caption text is filtered. Returns the kept clips and seconds.
   * Column at a time: the selection is narrowed by one tight loop per condition, then each
   * field is binned by a loop over its own array (several times faster than row at a time).
   */
  count(spec: PassSpec | null, filters: ClipFilters, status: ClipStatus | 'all', textIds: number[] | null, stop: () => void, checkEvery = 65_536): { clips: number; seconds: number } {
    const n = this.n
    // Each loop is a small function run over chunks of `checkEvery` rows, `stop()` between chunks.
    const step = Math.max(1, checkEvery)
    const sel = new Int32Array(n)
    let m = -1 // −1: every row is still selected (no status, text or range has narrowed it yet)
    const want = status === 'all' ? -1 : STATUS_CODE[status]
    if (textIds) {
      m = 0
      for (let i = 0, j = 0; i < textIds.length; i++) {
        if (i % step === step - 1) stop()
        while (j < n && this.ids[j] < textIds[i]) j++
        if (j < n && this.ids[j] === textIds[i] && (want < 0 || this.status[j] === want)) sel[m++] = j
      }
    } else if (want >= 0) {
      m = 0
      for (let from = 0; from < n; from += step) {
        stop()
        m = selectEqual(this.status, want, from, Math.min(n, from + step), sel, m)
      }
    }
    FIELDS.forEach((f, c) => {
      const r = filters[f]
      if (!r || (r.min === undefined && r.max === undefined)) return
      const col = this.values[c]
      const lo = r.min ?? -Infinity
      const hi = r.max ?? Infinity
      // NaN (NULL) fails both comparisons, as NULL does in SQL.
      let k = 0
      if (m < 0) {
        for (let from = 0; from < n; from += step) {
          stop()
          k = selectRange(col, lo, hi, from, Math.min(n, from + step), sel, k)
        }
      } else {
        for (let from = 0; from < m; from += step) {
          stop()
          k = narrowRange(col, lo, hi, sel, from, Math.min(m, from + step), k)
        }
      }
      m = k
    })
    if (m < 0) {
      for (let j = 0; j < n; j++) sel[j] = j
      m = n
    }
    const picked = sel.subarray(0, m)
    if (spec) {
      spec.hist.forEach((b, c) => {
        if (b) binColumn(this.values[c], picked, b, spec.counts[c]!)
      })
      if (spec.cells) binCells(this.values[0], this.values[1], picked, spec.dx!, spec.dy!, spec.cells)
    }
    return { clips: m, seconds: totalOf(this.values[2], picked) }
  }
}

/** Appends to `sel` (from `m` on) the rows in [from, to) whose status is `want`; returns the new length. */
function selectEqual(status: Uint8Array, want: number, from: number, to: number, sel: Int32Array, m: number): number {
  for (let j = from; j < to; j++) if (status[j] === want) sel[m++] = j
  return m
}

/** Appends the rows in [from, to) with lo <= value <= hi. */
function selectRange(col: Float64Array, lo: number, hi: number, from: number, to: number, sel: Int32Array, k: number): number {
  for (let j = from; j < to; j++) {
    const v = col[j]
    if (v >= lo && v <= hi) sel[k++] = j
  }
  return k
}

/** Keeps, in place, the selected rows sel[from..to) with lo <= value <= hi (k <= from always). */
function narrowRange(col: Float64Array, lo: number, hi: number, sel: Int32Array, from: number, to: number, k: number): number {
  for (let i = from; i < to; i++) {
    const j = sel[i]
    const v = col[j]
    if (v >= lo && v <= hi) sel[k++] = j
  }
  return k
}

/** Sum of the selected durations (NaN: NULL, skipped), Kahan–Babuška–Neumaier as SQLite's total(). */
function totalOf(dur: Float64Array, sel: Int32Array): number {
  let sum = 0
  let carry = 0
  for (let i = 0; i < sel.length; i++) {
    const d = dur[sel[i]]
    if (d !== d) continue
    const t = sum + d
    carry += Math.abs(sum) >= Math.abs(d) ? sum - t + d : d - t + sum
    sum = t
  }
  return sum + carry
}

/** The density grid: binOf (bins.ts) written out for both axes, same arithmetic. */
function binCells(sim: Float64Array, aes: Float64Array, sel: Int32Array, dx: Bins, dy: Bins, cells: Int32Array): void {
  const xl = dx.lo, xw = dx.width, xm = dx.count - 1
  const yl = dy.lo, yw = dy.width, ym = dy.count - 1, yc = dy.count
  for (let i = 0; i < sel.length; i++) {
    const j = sel[i]
    const s = sim[j]
    const a = aes[j]
    if (s !== s || a !== a) continue
    const x = Math.trunc((s - xl) / xw)
    const y = Math.trunc((a - yl) / yw)
    cells[(y <= 0 ? 0 : y >= ym ? ym : y) * yc + (x <= 0 ? 0 : x >= xm ? xm : x)]++
  }
}

/**
 * binOf (bins.ts) written out, same arithmetic; `sel` null: every row. With a call per value the Filters panel's pass at
 * 1M clips took 95–145 ms per slider move, 50–65 ms without (bench/SCALE.md has the current figure).
 */
function binColumn(col: Float64Array, sel: Int32Array | null, b: Bins, counts: Int32Array): void {
  const { lo, width } = b
  const last = b.count - 1
  const n = sel ? sel.length : col.length
  for (let i = 0; i < n; i++) {
    const v = sel ? col[sel[i]] : col[i]
    if (v !== v) continue
    const k = Math.trunc((v - lo) / width)
    counts[k <= 0 ? 0 : k >= last ? last : k]++
  }
}
