import type { ClipSummary } from '../../../../src-main/api/contract'

/**
 * A sparse, index-addressed window onto a keyset-paged list of clips.
 *
 * The API has no offset (OFFSET costs O(n) at a million rows), so row 800,000 is reachable only
 * by walking pages from a cursor. This cache remembers the cursor at every page boundary it has
 * walked through, from both ends of the list:
 *
 *   forward[k]  — the cursor whose page starts at row k × pageSize (forward[0] = null);
 *   backward[m] — the cursor, in the reversed order, whose page starts at row
 *                 total − 1 − m × pageSize (backward[0] = null).
 *
 * Each chain only grows by walking from its last link, so both are dense arrays. To show a
 * missing row it walks whichever chain reaches the row in fewer pages, one 500-row page at a
 * time, re-planning after every page from the rows wanted *now*: a curator who drags the
 * scrollbar on redirects the walk instead of queueing behind it. Pages walked through are kept
 * only near the wanted rows, and the cache evicts the rows farthest from view, so memory stays
 * bounded (cursors are ~40 bytes each: 2,000 of them at a million rows).
 *
 * Limits, honestly: a first jump to the middle of 1M rows walks ~1,000 pages (~2–5 s over HTTP);
 * later jumps anywhere already walked are one page. Rows reached from the end are placed by
 * `total`, so a stale count shifts them by the error until a forward walk meets the real end
 * (which corrects `total`). Rows decided out of a status filter stay in place, as in the store.
 * The backward chain needs the reversed query to be the exact reverse of the list; the core puts
 * NULL scores last in both orders, so for nullable sort keys the caller turns it off
 * (`walkBack = false`) and far jumps walk forward only.
 */

export interface PageRequest {
  cursor: string | null
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
}

export class SparseClipPages {
  private readonly rows = new Map<number, ClipSummary>()
  private readonly indexById = new Map<number, number>()
  private readonly forward: (string | null)[] = [null]
  private readonly backward: (string | null)[] = [null]
  private wantStart = 0
  private wantEnd = 0
  private running = false
  private controller = new AbortController()
  private readonly pageSize: number
  private readonly maxRows: number
  private readonly keepNear: number
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
    this.forward.length = 1
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

  /** Fetches one page on the cheaper chain towards `target`. */
  private async step(target: number, signal: AbortSignal): Promise<void> {
    const p = this.pageSize
    const k = Math.floor(target / p)
    const fromFwd = Math.min(k, this.forward.length - 1)
    const m = Math.floor((this.total - 1 - target) / p)
    const fromBwd = Math.min(m, this.backward.length - 1)
    const backwardCost = this.walkBack ? m - fromBwd : Infinity
    if (backwardCost < k - fromFwd) {
      const page = await this.fetchPage({ cursor: this.backward[fromBwd]!, direction: 'backward', limit: p }, signal)
      if (signal.aborted) return
      this.pagesFetched++
      if (page.nextCursor !== null && this.backward.length === fromBwd + 1) this.backward.push(page.nextCursor)
      const top = this.total - 1 - fromBwd * p
      page.items.forEach((c, j) => this.keep(top - j, c))
      // The list is shorter than counted and this page reached its start: re-plan forwards.
      if (page.nextCursor === null && top - page.items.length + 1 > 0) this.backward.length = 1
    } else {
      const page = await this.fetchPage({ cursor: this.forward[fromFwd]!, direction: 'forward', limit: p }, signal)
      if (signal.aborted) return
      this.pagesFetched++
      if (page.nextCursor !== null && this.forward.length === fromFwd + 1) this.forward.push(page.nextCursor)
      page.items.forEach((c, j) => this.keep(fromFwd * p + j, c))
      if (page.nextCursor === null) {
        // The real end: the count was stale (or unknown); the list's length is now certain.
        const real = fromFwd * p + page.items.length
        if (real !== this.total) {
          this.setTotal(real)
          this.wantEnd = Math.min(this.wantEnd, real)
        }
      } else if (page.items.length < p) {
        this.forward.length = fromFwd + 1
      }
    }
    this.evict()
    this.onChange()
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
