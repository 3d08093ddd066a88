import { describe, expect, it } from 'vitest'
import type { ClipSummary } from '../../src-main/api/contract'
import { SparseClipPages, type PageRequest, type PageResult } from '../../src-renderer/src/components/clip-grid/sparse-pages'
import { clip } from './fake-transport'

/**
 * An in-memory keyset API over ids 1..n (id order), as the core pages it: the cursor is opaque
 * to the cache (here the last id as text); `offset` starts a forward page at row k.
 */
function keysetApi(n: number, pageSizeCap = 500) {
  const log: PageRequest[] = []
  const fetchPage = async (req: PageRequest): Promise<PageResult> => {
    log.push(req)
    const asc = req.direction === 'forward'
    if (req.offset !== undefined && (!asc || req.cursor !== null)) throw new Error('offset is forward-only, without a cursor')
    const after = req.offset !== undefined ? req.offset : req.cursor === null ? (asc ? 0 : n + 1) : Number(req.cursor)
    const items: ClipSummary[] = []
    const limit = Math.min(req.limit, pageSizeCap)
    for (let k = 1; k <= limit; k++) {
      const id = asc ? after + k : after - k
      if (id < 1 || id > n) break
      items.push(clip(id))
    }
    const full = items.length === limit
    return { items, nextCursor: full ? String(items.at(-1)!.id) : null }
  }
  return { log, fetchPage }
}

/** Lets the cache's walk run until it stops asking for pages. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5000; i++) await Promise.resolve()
}

function cache(n: number, opts = {}) {
  const api = keysetApi(n)
  let changes = 0
  const pages = new SparseClipPages(api.fetchPage, n, () => changes++, opts)
  return { api, pages, changes: () => changes }
}

describe('SparseClipPages', () => {
  it('fetches the first rows with one 500-row page from the start', async () => {
    const { api, pages } = cache(1_000_000)
    pages.request(0, 60)
    await settle()
    expect(api.log).toEqual([{ cursor: null, direction: 'forward', limit: 500 }])
    expect(pages.get(0)?.id).toBe(1)
    expect(pages.get(499)?.id).toBe(500)
    expect(pages.get(500)).toBeUndefined()
  })

  it('reaches the last rows of a million in one page by walking back from the end', async () => {
    const { api, pages } = cache(1_000_000)
    pages.request(999_940, 1_000_000)
    await settle()
    expect(api.log).toEqual([{ cursor: null, direction: 'backward', limit: 500 }])
    expect(pages.get(999_999)?.id).toBe(1_000_000)
    expect(pages.get(999_940)?.id).toBe(999_941)
    expect(pages.indexOf(999_941)).toBe(999_940)
  })

  it('reaches a far row with one offset request and places every row at its true index', async () => {
    const { api, pages } = cache(1_000_000)
    pages.request(800_000, 800_060)
    await settle()
    expect(api.log).toEqual([{ cursor: null, offset: 800_000, direction: 'forward', limit: 500 }])
    for (const i of [800_000, 800_030, 800_059]) expect(pages.get(i)?.id).toBe(i + 1)
    // Scrolling on from there follows the cursor the offset page handed back: no second seek.
    pages.request(800_480, 800_540)
    await settle()
    expect(api.log).toHaveLength(2)
    expect(api.log[1]).toEqual({ cursor: '800500', direction: 'forward', limit: 500 })
    expect(pages.get(800_520)?.id).toBe(800_521)
  })

  it('walks a short way from a known cursor instead of seeking', async () => {
    const { api, pages } = cache(1_000_000)
    pages.request(0, 50)
    await settle()
    pages.request(1_200, 1_250) // two pages on from page 0's cursor chain
    await settle()
    expect(api.log.every((r) => r.offset === undefined)).toBe(true)
    expect(api.log).toHaveLength(3)
    expect(pages.get(1_200)?.id).toBe(1_201)
  })

  it('corrects an overstated count when an offset lands past the real end', async () => {
    const api = keysetApi(1_200)
    const pages = new SparseClipPages(api.fetchPage, 10_000, () => {})
    pages.request(5_000, 5_050) // the list is really 1,200 long: the seek comes back empty
    await settle()
    expect(pages.size).toBeLessThanOrEqual(5_000)
    pages.request(1_150, 1_200)
    await settle()
    expect(pages.size).toBe(1_200)
    expect(pages.get(1_199)?.id).toBe(1_200)
  })

  it('without seeking, walks to a far row from the nearer end and places every row at its true index', async () => {
    const { api, pages } = cache(1_000_000, { walkPages: Infinity })
    pages.request(800_000, 800_060)
    await settle()
    // 400 pages back from the end (rows 999,999 … 799,500), not 1,600 forward.
    expect(api.log.every((r) => r.direction === 'backward')).toBe(true)
    expect(api.log).toHaveLength(400)
    for (const i of [800_000, 800_030, 800_059]) expect(pages.get(i)?.id).toBe(i + 1)
  })

  it('walks forward only when the reversed order is not the list reversed (nullable sort keys)', async () => {
    const { api, pages } = cache(1_000_000, { walkPages: Infinity })
    pages.reset(1_000_000, false)
    pages.request(999_940, 1_000_000)
    for (let i = 0; i < 200; i++) await Promise.resolve()
    expect(api.log.length).toBeGreaterThan(0)
    expect(api.log.every((r) => r.direction === 'forward')).toBe(true)
    pages.reset(0)
  })

  it('jumps anywhere already walked with a single page', async () => {
    const { api, pages } = cache(100_000, { walkPages: Infinity })
    pages.request(30_000, 30_050)
    await settle()
    const walked = api.log.length
    expect(walked).toBe(61) // forward pages 0..60
    pages.request(10_250, 10_300)
    await settle()
    expect(api.log.length - walked).toBeLessThanOrEqual(1)
    expect(pages.get(10_250)?.id).toBe(10_251)
  })

  it('turns the walk towards the rows wanted now, not the ones wanted before', async () => {
    const { api, pages } = cache(1_000_000, { walkPages: Infinity })
    pages.request(400_000, 400_050) // deep in the middle: a long walk
    for (let i = 0; i < 50; i++) await Promise.resolve()
    pages.request(100, 150) // the curator scrolled back to the top
    await settle()
    expect(pages.get(100)?.id).toBe(101)
    // The walk stopped short of the old target once the new rows were in: far fewer than 800 pages.
    expect(api.log.length).toBeLessThan(100)
    expect(pages.get(400_000)).toBeUndefined()
  })

  it('keeps memory bounded by evicting the rows farthest from view', async () => {
    const { pages } = cache(200_000, { maxRows: 1_000, keepNear: 100_000 })
    for (const start of [0, 20_000, 40_000, 60_000]) {
      pages.request(start, start + 50)
      await settle()
    }
    expect(pages.get(60_000)?.id).toBe(60_001)
    expect(pages.get(0)).toBeUndefined()
    let kept = 0
    for (let i = 0; i < 200_000; i++) if (pages.get(i)) kept++
    expect(kept).toBeLessThanOrEqual(1_000)
  })

  it('corrects an overstated count when the forward walk meets the real end', async () => {
    const api = keysetApi(1_200)
    const pages = new SparseClipPages(api.fetchPage, 1_500, () => {})
    pages.request(900, 950) // forward: pages 0 and 1, so the chain now reaches row 1,000
    await settle()
    pages.request(1_000, 1_100) // a tie with the backward chain goes forward, to the real end
    await settle()
    expect(pages.size).toBe(1_200)
    expect(pages.get(1_199)?.id).toBe(1_200)
  })

  it('forgets everything on reset and ignores pages that were in flight', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const api = keysetApi(1_000)
    const pages = new SparseClipPages(
      async (req) => {
        await gate
        return api.fetchPage(req)
      },
      1_000,
      () => {},
    )
    pages.request(0, 10)
    pages.reset(1_000)
    release()
    await settle()
    expect(pages.get(0)).toBeUndefined()
  })

  it('updates a cached clip in place when the core saves it', async () => {
    const { pages } = cache(1_000)
    pages.request(0, 10)
    await settle()
    pages.replace(clip(5, { status: 'accepted' }))
    expect(pages.get(4)?.status).toBe('accepted')
  })
})
