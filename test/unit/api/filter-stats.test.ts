import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClipFilters, ClipStatus, FilterField } from '../../../src-main/api/contract'
import type { ProjectContext } from '../../../src-main/core/project-context'
import { FILTER_COLUMNS, filterSql } from '../../../src-main/db/repositories/clip-filters'
import { density } from '../../../src-main/services/density.service'
import { checkFilters, histogram, keepRate, resolveFilters } from '../../../src-main/services/filter.service'
import { listClips } from '../../../src-main/services/review.service'
import { binEdges, binOf, binsOver, nextDown } from '../../../src-main/services/stats/bins'
import { ClipStats, StatsCancelled, type StatsTuning } from '../../../src-main/services/stats/clip-stats'
import { snapshotMaxRows } from '../../../src-main/services/stats/clip-snapshot'
import { mulberry32 } from '../../support/jsonl-fixtures'
import { seedClips, tempProject } from '../../support/temp-project'

const FIELDS: FilterField[] = ['similarity', 'aesthetic', 'duration', 'captionLength']
const STATUSES: (ClipStatus | 'all')[] = ['all', 'pending', 'accepted', 'rejected']
const WORDS = ['dog', 'cat', 'beach', 'car', 'snow']
/** Round decimals put values exactly on bin boundaries, where (v - lo) / width rounds either way. */
const nice = (random: () => number, lo: number, step: number, steps: number) => Math.round((lo + Math.floor(random() * steps) * step) * 1e6) / 1e6

/** ~600 clips with NULL scores, captions of several lengths, all three statuses, boundary values. */
function seedProject(ctx: ProjectContext, seed: number): void {
  const random = mulberry32(seed)
  const clips = Array.from({ length: 600 }, (_, i) => {
    const len = random() < 0.5 ? nice(random, 0.5, 0.25, 20) : 0.5 + random() * 6
    return {
      startS: i * 10,
      endS: i * 10 + len,
      similarity: random() < 0.1 ? null : random() < 0.6 ? nice(random, 0.1, 0.05, 7) : 0.1 + random() * 0.3,
      aesthetic: random() < 0.1 ? null : random() < 0.6 ? nice(random, 3, 0.1, 41) : 3 + random() * 4,
    }
  })
  const ids = seedClips(ctx, clips)
  const caption = ctx.db.prepare('UPDATE clips SET caption = ?, status = ? WHERE id = ?')
  for (const id of ids) {
    const words = Array.from({ length: Math.floor(random() * 6) }, () => WORDS[Math.floor(random() * WORDS.length)])
    const r = random()
    caption.run(words.length ? words.join(' ') : null, r < 0.6 ? 'pending' : r < 0.8 ? 'accepted' : 'rejected', id)
  }
}

function randomQuery(random: () => number): { status: ClipStatus | 'all'; filters: ClipFilters } {
  const filters: ClipFilters = {}
  const bounds: Record<FilterField, () => number> = {
    similarity: () => nice(random, 0.1, 0.05, 7),
    aesthetic: () => nice(random, 3, 0.1, 41),
    duration: () => nice(random, 0.5, 0.25, 26),
    captionLength: () => Math.floor(random() * 30),
  }
  for (const f of FIELDS) {
    if (random() > 0.35) continue
    const r = random()
    if (r < 0.2) filters[f] = { topPercent: 1 + Math.floor(random() * 99) }
    else if (r < 0.5) filters[f] = { min: bounds[f]() }
    else if (r < 0.7) filters[f] = { max: bounds[f]() }
    else {
      const [a, b] = [bounds[f](), bounds[f]()].sort((x, y) => x - y)
      filters[f] = { min: a, max: b }
    }
  }
  if (random() < 0.2) filters.text = WORDS[Math.floor(random() * WORDS.length)]
  return { status: STATUSES[Math.floor(random() * STATUSES.length)], filters }
}

/** What the filter returns, page by page through the list the grid shows. */
function listedIds(ctx: ProjectContext, q: { status: ClipStatus | 'all'; filters: ClipFilters }): number[] {
  const ids: number[] = []
  let cursor: string | null = null
  do {
    const page = listClips(ctx, { ...q, limit: 500, cursor })
    ids.push(...page.items.map((c) => c.id))
    cursor = page.nextCursor
  } while (cursor)
  return ids
}

/** The statistics as the service computed them before (GROUP BY over the bin expression), as a reference. */
function referenceHistogram(ctx: ProjectContext, field: FilterField, bins: number, q: { status: ClipStatus | 'all'; filters: ClipFilters }) {
  const col = FILTER_COLUMNS[field]
  const where = filterSql(resolveFilters(ctx, checkFilters(q.filters)), q.status)
  const range = ctx.db.prepare(`SELECT min(${col}) AS lo, max(${col}) AS hi FROM clips c`).get() as { lo: number; hi: number }
  const width = range.hi > range.lo ? (range.hi - range.lo) / bins : 1
  const count = (sql: string, params: Record<string, unknown>) => {
    const out = new Array<number>(bins).fill(0)
    const rows = ctx.db
      .prepare(`SELECT min(CAST((${col} - @lo) / @w AS INTEGER), @last) AS b, count(*) AS n FROM clips c WHERE ${col} IS NOT NULL${sql} GROUP BY b`)
      .all({ ...params, lo: range.lo, w: width, last: bins - 1 }) as { b: number; n: number }[]
    for (const r of rows) out[r.b] = r.n
    return out
  }
  return { all: count('', {}), filtered: count(where.sql, where.params) }
}

function referenceDensity(ctx: ProjectContext, bins: number, q: { status: ClipStatus | 'all'; filters: ClipFilters }) {
  const both = 'c.similarity IS NOT NULL AND c.aesthetic IS NOT NULL'
  const where = filterSql(resolveFilters(ctx, checkFilters(q.filters)), q.status)
  const r = ctx.db.prepare(`SELECT min(c.similarity) AS sl, max(c.similarity) AS sh, min(c.aesthetic) AS al, max(c.aesthetic) AS ah FROM clips c WHERE ${both}`).get() as Record<string, number>
  const sw = r.sh > r.sl ? (r.sh - r.sl) / bins : 1
  const aw = r.ah > r.al ? (r.ah - r.al) / bins : 1
  const count = (sql: string, params: Record<string, unknown>) => {
    const out = new Array<number>(bins * bins).fill(0)
    const rows = ctx.db
      .prepare(`SELECT min(CAST((c.similarity - @sl) / @sw AS INTEGER), @last) AS x, min(CAST((c.aesthetic - @al) / @aw AS INTEGER), @last) AS y, count(*) AS n FROM clips c WHERE ${both}${sql} GROUP BY x, y`)
      .all({ ...params, sl: r.sl, sw, al: r.al, aw, last: bins - 1 }) as { x: number; y: number; n: number }[]
    for (const row of rows) out[row.y * bins + row.x] = row.n
    return out
  }
  return { all: count('', {}), filtered: count(where.sql, where.params) }
}

describe('filter statistics', () => {
  let cleanup: () => void = () => {}
  const extra: Database.Database[] = []
  afterEach(() => {
    for (const db of extra.splice(0)) db.close()
    cleanup()
  })

  function project(seed = 7) {
    const p = tempProject()
    cleanup = p.cleanup
    seedProject(p.ctx, seed)
    return p
  }

  /** A second engine on its own read-only connection (as the worker has), with forced access paths. */
  function engineOn(path: string, tuning: StatsTuning): ClipStats {
    const db = new Database(path, { readonly: true })
    extra.push(db)
    return new ClipStats(db, (d, f) => resolveFilters({ db: d }, f), tuning)
  }

  it('bin edges agree with the bin of every value, on the boundary and one ulp below it', () => {
    const random = mulberry32(3)
    for (let i = 0; i < 300; i++) {
      const lo = i % 3 === 0 ? Math.round(random() * 100) / 10 : random() * 10 - 5
      const hi = lo + (i % 5 === 0 ? Math.round(random() * 40) / 10 : random() * 7)
      const b = binsOver(lo, hi, 1 + Math.floor(random() * 100))
      const edges = binEdges(b)
      for (let k = 1; k < b.count; k++) {
        expect(binOf(b, edges[k])).toBe(k)
        expect(binOf(b, nextDown(edges[k]))).toBe(k - 1)
      }
      for (let j = 0; j < 20; j++) {
        const v = j === 0 ? hi : lo + random() * (hi - lo)
        const k = binOf(b, v)
        expect(k === 0 || v >= edges[k]).toBe(true)
        expect(k === b.count - 1 || v < edges[k + 1]).toBe(true)
      }
    }
  })

  it('histograms, keep rate and density equal the old GROUP BY counts and what clips:list returns, from a snapshot, by index and by scan', () => {
    const p = project()
    // In process: the column snapshot; the others pass through SQLite, by table scan or by index.
    const byScan = engineOn(p.ctx.path, { indexShare: 0, minIndexCap: 0, snapshotMaxRows: 0 })
    const byIndex = engineOn(p.ctx.path, { minIndexCap: 1e9, snapshotMaxRows: 0 })
    const random = mulberry32(11)
    for (let i = 0; i < 40; i++) {
      const q = i === 0 ? { status: 'all' as const, filters: {} } : randomQuery(random)
      const ids = listedIds(p.ctx, q)
      const bins = 1 + Math.floor(random() * 50)
      for (const field of FIELDS) {
        const ref = referenceHistogram(p.ctx, field, bins, q)
        for (const h of [histogram(p.ctx, { field, bins, ...q }), byScan.histogram(field, bins, q), byIndex.histogram(field, bins, q)]) {
          expect({ i, q, field, all: h.all, filtered: h.filtered }).toEqual({ i, q, field, ...ref })
        }
      }
      const hours = (p.ctx.db.prepare(`SELECT total(duration_s) FROM clips WHERE id IN (${ids.join(',') || 'NULL'})`).pluck().get() as number) / 3600
      for (const k of [keepRate(p.ctx, q), byScan.keepRate(q), byIndex.keepRate(q)]) {
        expect({ i, q, clips: k.clips }).toEqual({ i, q, clips: ids.length })
        expect(k.hours).toBeCloseTo(hours, 9)
        expect(k.totalClips).toBe(600)
      }
      const dBins = 4 + Math.floor(random() * 30)
      const refD = referenceDensity(p.ctx, dBins, q)
      for (const d of [density(p.ctx, { bins: dBins, ...q }), byScan.density(dBins, q), byIndex.density(dBins, q)]) {
        expect({ i, q, all: d.all, filtered: d.filtered }).toEqual({ i, q, ...refD })
      }
    }
  })

  it('answers from the new data after a write, on its own connection and on another one', () => {
    const p = project()
    const other = engineOn(p.ctx.path, {})
    const q = { status: 'accepted' as const, filters: { similarity: { min: 0.2 } } }
    const before = { own: keepRate(p.ctx, q).clips, other: other.keepRate(q).clips, hist: histogram(p.ctx, { field: 'aesthetic', ...q }).all }
    expect(before.other).toBe(before.own)
    // One clip into the filter (status) and one score out of the histogram's range.
    const id = p.ctx.db.prepare("SELECT id FROM clips WHERE status = 'pending' AND similarity >= 0.2 LIMIT 1").pluck().get() as number
    p.ctx.db.prepare("UPDATE clips SET status = 'accepted' WHERE id = ?").run(id)
    p.ctx.db.prepare('UPDATE clips SET aesthetic = 100 WHERE id = ?').run(id)
    expect(keepRate(p.ctx, q).clips).toBe(before.own + 1)
    expect(other.keepRate(q).clips).toBe(before.own + 1)
    const after = histogram(p.ctx, { field: 'aesthetic', ...q })
    expect(after.max).toBe(100)
    expect(after.all.at(-1)).toBe(1)
    expect(other.histogram('aesthetic', 40, q)).toEqual(after)
    // A top-k % threshold is read again too. With k % of one more scored clip still the same rank,
    // an unscored clip scored above everything pushes the old last one out of the top.
    const scored = p.ctx.db.prepare('SELECT count(*) FROM clips WHERE similarity IS NOT NULL').pluck().get() as number
    const pct = [10, 20, 25, 30, 40, 50].find((k) => Math.ceil((scored * k) / 100) === Math.ceil(((scored + 1) * k) / 100))!
    const top = { status: 'all' as const, filters: { similarity: { topPercent: pct } } }
    const rank = Math.ceil((scored * pct) / 100)
    expect(listedIds(p.ctx, top)).toHaveLength(rank)
    const unscored = p.ctx.db.prepare('SELECT id FROM clips WHERE similarity IS NULL LIMIT 1').pluck().get() as number
    p.ctx.db.prepare('UPDATE clips SET similarity = 2 WHERE id = ?').run(unscored)
    expect(listedIds(p.ctx, top)).toContain(unscored)
    expect(listedIds(p.ctx, top)).toHaveLength(rank)
    expect(keepRate(p.ctx, top).clips).toBe(listedIds(p.ctx, top).length)
  })

  it('stops a pass when asked, in SQL and in a snapshot, and answers the next request in full', () => {
    const p = project()
    const q = { status: 'pending' as const, filters: { duration: { min: 1 } } }
    const expected = histogram(p.ctx, { field: 'similarity', bins: 40, ...q })
    for (const tuning of [{ snapshotMaxRows: 0, indexShare: 0, minIndexCap: 0 }, {}]) {
      const stats = engineOn(p.ctx.path, { ...tuning, checkEvery: 1 })
      // Ranges, `all` counts and the snapshot taken first: all but two checks are then rows of the pass.
      stats.histogram('similarity', 40, { status: 'all', filters: {} })
      stats.keepRate({ status: 'rejected', filters: {} })
      stats.density(8, { status: 'rejected', filters: {} })
      let checks = 0
      expect(() => stats.histogram('similarity', 40, q, () => ++checks > 10)).toThrow(StatsCancelled)
      expect({ tuning, checks }).toEqual({ tuning, checks: 11 })
      expect(stats.histogram('similarity', 40, q)).toEqual(expected)
    }
  })

  it('a project gets a column snapshot while it fits in a sixteenth of the machine\'s memory, and always up to 4M clips', () => {
    const GiB = 2 ** 30
    // 41 bytes a clip: 8 GB → ~13.1M clips, 16 GB → ~26.2M.
    expect(snapshotMaxRows(8 * GiB)).toBe(Math.floor((8 * GiB) / 16 / 41))
    expect(snapshotMaxRows(16 * GiB)).toBeGreaterThan(26_000_000)
    expect(snapshotMaxRows(2 * GiB)).toBe(4_000_000)
  })
})
