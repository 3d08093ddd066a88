import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { ClipListQuery, ClipStatus } from '../../../src-main/api/contract'
import { openProject, type ProjectContext } from '../../../src-main/core/project-context'
import { filterSql } from '../../../src-main/db/repositories/clip-filters'
import { createPagePlanner, FILTER_FIRST_MAX } from '../../../src-main/db/repositories/clip-page-plan'
import { listClips } from '../../../src-main/services/review.service'
import { createBigProject } from '../../support/big-project'
import { tempDir } from '../../support/temp-project'

/**
 * Paging by offset and the planner's choice of access path, against a reference computed in
 * JavaScript from every row. 30k clips: enough for a broad filter to pass FILTER_FIRST_MAX (so
 * both plans run) and small enough to build in a second.
 */
const N = 30_000

interface Row { id: number; status: ClipStatus; similarity: number | null; aesthetic: number | null; duration_s: number; caption: string }

describe('clip paging: offsets and filtered plans', () => {
  const t = tempDir()
  let ctx: ProjectContext
  let all: Row[]
  beforeAll(() => {
    const p = createBigProject(join(t.dir, 'paging.vicurate'), { clips: N, seed: 7, accepted: 0.2, rejected: 0.1 })
    ctx = openProject(p.path, { check: 'off' })
    // Captions for the caption search: "dog" on 90 % of clips (broad), "cat" on the rest (narrow).
    ctx.db.prepare("UPDATE clips SET caption = CASE WHEN id % 10 = 0 THEN 'a cat on a sofa' ELSE 'a dog in the park' END").run()
    all = ctx.db.prepare('SELECT id, status, similarity, aesthetic, duration_s, caption FROM clips ORDER BY id').all() as Row[]
  })
  afterAll(() => {
    ctx.db.close()
    t.cleanup()
  })

  const column = { id: 'id', similarity: 'similarity', aesthetic: 'aesthetic', duration: 'duration_s' } as const

  /** The list as the core must give it: non-null sort values in order (ties by id), then NULLs by id. */
  function reference(q: ClipListQuery): number[] {
    const key = column[q.sort ?? 'id']
    const sign = q.order === 'desc' ? -1 : 1
    const f = q.filters ?? {}
    const within = (v: number | null, r?: { min?: number; max?: number }) =>
      !r || (v !== null && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max))
    const kept = all.filter((r) => (!q.status || q.status === 'all' || r.status === q.status)
      && within(r.similarity, f.similarity) && within(r.aesthetic, f.aesthetic) && within(r.duration_s, f.duration)
      && (!f.text || r.caption.split(' ').includes(f.text)))
    const valued = kept.filter((r) => r[key] !== null).sort((a, b) => sign * ((a[key] as number) - (b[key] as number) || a.id - b.id))
    return [...valued, ...kept.filter((r) => r[key] === null)].map((r) => r.id)
  }

  const queries: ClipListQuery[] = [
    { sort: 'id' },
    { sort: 'similarity', order: 'desc' },
    { sort: 'aesthetic', order: 'asc', status: 'accepted' },
    // Broad (> FILTER_FIRST_MAX matches): walks the sort index, testing the filter per row.
    { sort: 'aesthetic', order: 'desc', filters: { similarity: { min: 0.16 } } },
    // Narrow (a few hundred matches): found by the filter's index, then sorted.
    { sort: 'aesthetic', order: 'desc', filters: { similarity: { min: 0.395 } } },
    { sort: 'similarity', order: 'asc', status: 'rejected', filters: { aesthetic: { min: 6.5 }, duration: { max: 4 } } },
    { sort: 'duration', order: 'desc', filters: { aesthetic: { max: 3.2 } } },
    // Broad duration range while walking the similarity index: tested per row as end_s - start_s.
    { sort: 'similarity', order: 'desc', filters: { duration: { min: 2.1, max: 5.9 } } },
    { sort: 'id', order: 'desc', filters: { similarity: { min: 0.399 } } },
    // Caption search: broad (tested per row by an FTS lookup) and narrow (driven from the matches).
    { sort: 'aesthetic', order: 'desc', filters: { text: 'dog' } },
    { sort: 'similarity', order: 'asc', status: 'pending', filters: { text: 'cat' } },
  ]

  it('a page at any offset is exactly that slice of the list, and its cursor continues it', () => {
    for (const q of queries) {
      const ref = reference(q)
      const valued = ref.filter((id) => all[id - 1][column[q.sort ?? 'id']] !== null).length
      for (const offset of [0, 1, 49, 1_234, valued - 1, valued, valued + 7, ref.length - 3, ref.length, ref.length + 10]) {
        if (offset < 0) continue
        const page = listClips(ctx, { ...q, limit: 50, offset })
        expect({ q, offset, ids: page.items.map((c) => c.id) }).toEqual({ q, offset, ids: ref.slice(offset, offset + 50) })
        if (!page.nextCursor) continue
        const next = listClips(ctx, { ...q, limit: 50, cursor: page.nextCursor })
        expect({ q, offset, next: next.items.map((c) => c.id) }).toEqual({ q, offset, next: ref.slice(offset + 50, offset + 100) })
      }
    }
  })

  it('walking every page by cursor gives the whole list, under either plan', () => {
    for (const q of [...queries.slice(3, 6), ...queries.slice(7)]) {
      const ids: number[] = []
      let cursor: string | null = null
      do {
        const page = listClips(ctx, { ...q, limit: 500, cursor })
        ids.push(...page.items.map((c) => c.id))
        cursor = page.nextCursor
      } while (cursor)
      expect({ q, ids }).toEqual({ q, ids: reference(q) })
    }
  })

  it('walks the sort index when the filters keep many rows and starts from the filter when they keep few', () => {
    const planner = createPagePlanner(ctx.db)
    const plan = (min: number) => {
      const f = filterSql({ similarity: { min } }, undefined)
      return planner.plan('c.aesthetic', null, f, f.params)
    }
    const broad = plan(0.16)
    expect(all.filter((r) => r.similarity !== null && r.similarity >= 0.16).length).toBeGreaterThan(FILTER_FIRST_MAX)
    expect(broad.plan).toBe('sort-index')
    // The other column's range is kept off its index, so SQLite walks the aesthetic index.
    expect(broad.where).toContain('+c.similarity >=')
    const narrow = plan(0.395)
    expect(narrow.plan).toBe('filter-first')
    expect(narrow.sortExpr).toBe('+c.aesthetic')
    // A broad caption search is tested per row by one FTS lookup, not by materialising every match.
    const text = (word: string) => {
      const f = filterSql({ text: word }, undefined)
      return planner.plan('c.aesthetic', null, f, f.params)
    }
    expect(text('dog').plan).toBe('sort-index')
    expect(text('dog').where).toContain('EXISTS (SELECT 1 FROM clips_fts f WHERE clips_fts MATCH @f_text AND f.rowid = c.id)')
    expect(text('cat').plan).toBe('filter-first')
    expect(text('cat').where).toContain('c.id IN (SELECT rowid FROM clips_fts')
    // A broad duration range is tested per row from the clip's bounds (in the covering indexes).
    const f = filterSql({ duration: { min: 2.1, max: 5.9 } }, undefined)
    const duration = planner.plan('c.similarity', null, f, f.params)
    expect(duration.plan).toBe('sort-index')
    expect(duration.where).toContain('(c.end_s - c.start_s) >= @f_duration_min')
  })

  it('answers a filtered jump from a covering index alone (schema 6), without reading the table', () => {
    const explain = (sql: string) => (ctx.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ')
    const seek = explain(`SELECT c.id, c.aesthetic FROM clips c WHERE c.aesthetic IS NOT NULL AND +c.similarity >= 0.3
      AND +c.status = 'pending' AND (c.end_s - c.start_s) <= 4 ORDER BY c.aesthetic DESC, c.id DESC LIMIT 1 OFFSET 1000`)
    expect(seek).toMatch(/USING COVERING INDEX clips_aesthetic_id/)
    const narrow = explain(`SELECT c.id FROM clips c WHERE +c.aesthetic IS NOT NULL AND c.similarity >= 0.395
      ORDER BY +c.aesthetic DESC, c.id DESC LIMIT 100`)
    expect(narrow).toMatch(/USING COVERING INDEX clips_similarity_id/)
  })

  it('refuses a bad offset, and an offset together with a cursor', () => {
    expect(() => listClips(ctx, { offset: -1 })).toThrow(/offset must be an integer/)
    expect(() => listClips(ctx, { offset: 1.5 })).toThrow(/offset must be an integer/)
    const first = listClips(ctx, { limit: 10 })
    expect(() => listClips(ctx, { offset: 10, cursor: first.nextCursor })).toThrow(/either cursor or offset/)
  })
})
