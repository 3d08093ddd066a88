import type { ClipSummary } from '../../../../src-main/api/contract'

/**
 * A sparse, index-addressed window onto a keyset-paged list of clips.
 *
 * Rows are fetched in 500-row pages. The cache remembers the cursor at every page boundary it has
 * seen, from both ends of the list:
 *
 *   forward  — page k → the cursor whose page starts at row k × pageSize (page 0: null);
 *   backward — page m → the cursor, in the reversed order, whose page starts at row
 *              total − 1 − m × pageSize (backward[0] = null; a dense chain from the end).
 *
 * A missing row a page or two from a known cursor is reached by walking; anything farther is one
 * `offset` request (the core walks its covering sort index to that row, ~0.1 µs a row, and hands
 * back the cursor that continues from there). The backward chain makes the last rows one page
 * from the end without that walk. Pages are fetched one at a time, re-planned after each from the
 * rows wanted *now*, so a curator who drags the scrollbar on redirects the fetching instead of
 * queueing behind it. Rows are kept only near the wanted range and the farthest from view are
 * evicted, so memory stays bounded.
 *
 * Limits, honestly: rows reached from the end or by offset are placed by `total` / the offset,
 * so a stale count or rows decided out of a status filter shift them until the next reset (a
 * forward page that meets the real end corrects `total`). The backward chain needs the reversed
 * query to be the exact reverse of the list; the core puts NULL scores last in both orders, so
 * for nullable sort keys the caller turns it off (`walkBack = false`); offsets still work there.
 */

export interface PageRequest {
  cursor: string | null
  /** Start at this row instead of at `cursor` (forward only; the core seeks to it). */
  offset?: number
  /** Forward is the list's own order; backward is the same sort reversed, from the last row. */
  direction: 'forward' | 'backward'
  limit: number
}
export interface PageResult {
  items: ClipSummary[]
  nextCursor: string | null
}
export type FetchPage = (req: PageRequest, signal: AbortSignal) => Promise<PageResult>

export interface SparsePagesOptions {
  /** The API's largest page: fewest round trips per walked row. */
  pageSize?: number
  /** Rows kept in memory; beyond this the ones farthest from the wanted range go. */
  maxRows?: number
  /** Walked rows within this distance of the wanted range are kept (scrolling back is free). */
  keepNear?: number
  /** Walk at most this many pages from a known cursor; farther rows are fetched by offset. */
  walkPages?: number
}

export class SparseClipPages {
  private readonly rows = new Map<number, ClipSummary>()
  private readonly indexById = new Map<number, number>()
  private readonly forward = new Map<number, string | null>([[0, null]])
  private readonly backward: (string | null)[] = [null]
  private wantStart = 0
  private wantEnd = 0
  private running = false
  private controller = new AbortController()
  private readonly pageSize: number
  private readonly maxRows: number
  private readonly keepNear: number
  private readonly walkPages: number
  /** Pages fetched since the last reset (tests and the e2e report read it). */
  pagesFetched = 0
  error: string | null = null
  /** False where the reversed query is not the list reversed (see above). */
  walkBack = true

  constructor(
    private readonly fetchPage: FetchPage,
    private total: number,
    private readonly onChange: () => void,
    opts: SparsePagesOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? 500
    this.maxRows = opts.maxRows ?? 20_000
    this.keepNear = opts.keepNear ?? 5_000
    this.walkPages = opts.walkPages ?? 2
  }

  get size(): number {
    return this.total
  }

  get(index: number): ClipSummary | undefined {
    return this.rows.get(index)
  }

  indexOf(id: number): number | undefined {
    return this.indexById.get(id)
  }

  /** A new count from the core (a decision in a filtered view, a reconnect). */
  setTotal(total: number): void {
    if (total === this.total) return
    // Backward anchors are positions from the old end; they no longer name the same rows.
    this.backward.length = 1
    this.total = total
    for (const i of [...this.rows.keys()]) if (i >= total) this.drop(i)
    this.onChange()
  }

  /** Replaces a clip the core changed (a decision), wherever it is cached. */
  replace(clip: ClipSummary): void {
    const i = this.indexById.get(clip.id)
    if (i === undefined) return
    this.rows.set(i, clip)
    this.onChange()
  }

  /** Asks for rows [start, end); the walk starts (or turns) towards them. */
  request(start: number, end: number): void {
    this.wantStart = Math.max(0, start)
    this.wantEnd = Math.min(this.total, end)
    if (!this.running) void this.run()
  }

  /** Forgets everything (a new filter or sort): in-flight pages are aborted and discarded. */
  reset(total: number, walkBack = this.walkBack): void {
    this.walkBack = walkBack
    this.controller.abort()
    this.controller = new AbortController()
    this.rows.clear()
    this.indexById.clear()
    this.forward.clear()
    this.forward.set(0, null)
    this.backward.length = 1
    this.total = total
    this.pagesFetched = 0
    this.error = null
    this.running = false
    this.onChange()
  }

  private firstMissing(): number | null {
    for (let i = this.wantStart; i < this.wantEnd; i++) if (!this.rows.has(i)) return i
    return null
  }

  private async run(): Promise<void> {
    this.running = true
    const own = this.controller
    this.error = null
    try {
      for (let target = this.firstMissing(); target !== null && !own.signal.aborted; target = this.firstMissing()) {
        await this.step(target, own.signal)
      }
    } catch (err) {
      if (own.signal.aborted) return
      this.error = err instanceof Error ? err.message : String(err)
      this.onChange()
    } finally {
      if (this.controller === own) this.running = false
    }
  }

  /** The known forward page nearest below (or at) page k. */
  private nearestForward(k: number): number {
    let best = 0
    for (const j of this.forward.keys()) if (j <= k && j > best) best = j
    return best
  }

  /** Fetches one page towards `target`: a short walk on the cheaper chain, else by offset. */
  private async step(target: number, signal: AbortSignal): Promise<void> {
    const p = this.pageSize
    const k = Math.floor(target / p)
    const fromFwd = this.nearestForward(k)
    const forwardCost = k - fromFwd
    const m = Math.floor((this.total - 1 - target) / p)
    const fromBwd = Math.min(m, this.backward.length - 1)
    const backwardCost = this.walkBack ? m - fromBwd : Infinity
    if (Math.min(forwardCost, backwardCost) > this.walkPages) {
      const page = await this.fetchPage({ cursor: null, offset: k * p, direction: 'forward', limit: p }, signal)
      if (signal.aborted) return
      this.pagesFetched++
      this.placeForward(k, page)
    } else if (backwardCost < forwardCost) {
      const page = await this.fetchPage({ cursor: this.backward[fromBwd]!, direction: 'backward', limit: p }, signal)
      if (signal.aborted) return
      this.pagesFetched++
      if (page.nextCursor !== null && this.backward.length === fromBwd + 1) this.backward.push(page.nextCursor)
      const top = this.total - 1 - fromBwd * p
      page.items.forEach((c, j) => this.keep(top - j, c))
      // The list is shorter than counted and this page reached its start: re-plan forwards.
      if (page.nextCursor === null && top - page.items.length + 1 > 0) this.backward.length = 1
    } else {
      const page = await this.fetchPage({ cursor: this.forward.get(fromFwd)!, direction: 'forward', limit: p }, signal)
      if (signal.aborted) return
      this.pagesFetched++
      this.placeForward(fromFwd, page)
    }
    this.evict()
    this.onChange()
  }

  /** Rows of forward page k (fetched by cursor or offset) and the cursor to page k + 1. */
  private placeForward(k: number, page: PageResult): void {
    const p = this.pageSize
    if (page.nextCursor !== null && !this.forward.has(k + 1)) this.forward.set(k + 1, page.nextCursor)
    page.items.forEach((c, j) => this.keep(k * p + j, c))
    if (page.nextCursor === null) {
      // The real end: the count was stale (or unknown); the list's length is now certain.
      const real = k * p + page.items.length
      if (real !== this.total) {
        this.setTotal(real)
        this.wantEnd = Math.min(this.wantEnd, real)
      }
      for (const j of [...this.forward.keys()]) if (j > k) this.forward.delete(j)
    } else if (page.items.length < p) {
      for (const j of [...this.forward.keys()]) if (j > k) this.forward.delete(j)
    }
  }

  private keep(index: number, clip: ClipSummary): void {
    if (index < 0 || index >= this.total) return
    if (index < this.wantStart - this.keepNear || index >= this.wantEnd + this.keepNear) return
    const old = this.rows.get(index)
    if (old) this.indexById.delete(old.id)
    this.rows.set(index, clip)
    this.indexById.set(clip.id, index)
  }

  private drop(index: number): void {
    const old = this.rows.get(index)
    if (old) this.indexById.delete(old.id)
    this.rows.delete(index)
  }

  private evict(): void {
    if (this.rows.size <= this.maxRows) return
    const mid = (this.wantStart + this.wantEnd) / 2
    const byDistance = [...this.rows.keys()].sort((a, b) => Math.abs(b - mid) - Math.abs(a - mid))
    for (const i of byDistance.slice(0, this.rows.size - this.maxRows)) this.drop(i)
  }
}
