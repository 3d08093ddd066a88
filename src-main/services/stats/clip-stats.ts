import type Database from 'better-sqlite3'
import type { ClipFilters, DensityGrid, FilterField, Histogram, KeepRate } from '../../api/contract'
import { FILTER_COLUMNS, filterSql, type SqlFilter } from '../../db/repositories/clip-filters'
import { binEdges, binsOver } from './bins'
import { ClipSnapshot, countRow, snapshotMaxRows, type PassSpec } from './clip-snapshot'
import { ClipChangeTracker, type StatusChange } from './clip-changes'
import { moveStatuses, type ChangedClip } from './status-delta'
import { DEFAULT_DENSITY_BINS, DEFAULT_HISTOGRAM_BINS, StatsCancelled, type StatsScope, type StatsTuning, type StopCheck } from './stats-types'

type Db = Database.Database

export { DEFAULT_DENSITY_BINS, DEFAULT_HISTOGRAM_BINS, StatsCancelled, type StatsScope, type StatsTuning, type StopCheck } from './stats-types'

const FIELDS = Object.keys(FILTER_COLUMNS) as FilterField[]
/** The covering (value, id) index of each field, and of status (migration 0001). */
const FIELD_INDEX: Record<FilterField, string> = {
  similarity: 'clips_similarity_id',
  aesthetic: 'clips_aesthetic_id',
  duration: 'clips_duration_id',
  captionLength: 'clips_caption_len_id',
}
const STATUS_INDEX = 'clips_status_id'
/**
 * A pass walks an index only when it matches at most this share of the clips: every match then
 * costs a table lookup (~1.5–2 µs at 1M clips), against ~0.1 µs a row for a plain table scan
 * (measured: 28k matches 45–65 ms by index vs ~80 ms scanned; 112k matches 155–240 vs 120–180).
 */
const INDEX_SHARE = 0.05
const BOTH = 'c.similarity IS NOT NULL AND c.aesthetic IS NOT NULL'
const MEMO_LIMIT = 16
/** Status changes moved between cached counts one by one; more (a batch) recompute those scopes. */
const MOVE_MAX_CLIPS = 5_000

interface Range {
  lo: number | null
  hi: number | null
  missing: number
}

/** One pass over the clips a scope selects: every field's bins, the density grid, the keep rate. */
interface Pass {
  hist: Partial<Record<FilterField, number[]>>
  density: number[] | null
  clips: number
  hours: number
}

/**
 * Filter statistics (histograms, keep rate, similarity × aesthetic density) over exactly the rows
 * the filter gives `clips:list`, computed so that 1M clips cost milliseconds, not seconds:
 *
 * - ranges come from the covering indexes (min/max are index seeks, NULLs one index range);
 * - the `all` series are counted bin by bin as index ranges between exact bin edges (bins.ts);
 * - a filter's bins for all four fields, its density grid and its keep rate come from ONE pass:
 *   over a column snapshot (clip-snapshot.ts: typed arrays taken by one table scan per data
 *   version) when the project is small enough, else through SQLite with a JS aggregate that bins
 *   every field at once (a GROUP BY sorts every row, once per field). That SQL pass walks the
 *   most selective filter index only when it is selective (counted up to a cap), else scans:
 *   SQLite's planner, without ANALYZE statistics, walks any range index, 2–5 s at 1M clips;
 * - everything is cached until the data changes (`PRAGMA data_version`, which moves with other
 *   connections' commits, plus this connection's own changes), and each request reads in one
 *   transaction, so ranges, bins and counts always describe one snapshot.
 *
 * One instance per connection (`clipStatsFor`): its aggregates are registered there.
 */
export class ClipStats {
  private dataKey: string | null = null
  /** What changed since the caches were filled: most commits (decisions, job rows) keep them. */
  readonly changes = new ClipChangeTracker()
  private readonly cache = new Map<string, unknown>()
  private readonly passes = new Map<string, Pass>()
  private readonly statements = new Map<string, Database.Statement>()
  private spec: PassSpec | null = null
  private capture: ClipSnapshot | null = null
  private stop: StopCheck | null = null
  private rows = 0

  constructor(
    private readonly db: Db,
    /** Turns `topPercent` into a minimum (filter.service's rule), inside this snapshot. */
    private readonly resolve: (db: Db, filters: ClipFilters) => ClipFilters,
    private readonly tuning: StatsTuning = {},
  ) {
    const step = (_acc: number, s: number | null, a: number | null, d: number | null, l: number | null): void => this.row(s, a, d, l)
    // better-sqlite3 counts the SQL arguments from step.length (4 here); its types assume 1.
    db.aggregate('vicurate_clip_stats', { start: 0, step: step as unknown as (acc: number, next: unknown) => void, result: (acc: number) => acc })
    const take = (_acc: number, id: number, status: number, s: number | null, a: number | null, d: number | null, l: number | null): void => {
      if ((++this.rows & 65535) === 0) this.checkStop()
      this.capture!.add(id, status, s, a, d, l)
    }
    db.aggregate('vicurate_clip_capture', { start: 0, step: take as unknown as (acc: number, next: unknown) => void, result: (acc: number) => acc })
  }

  histogram(field: FilterField, bins: number, scope: StatsScope, stop?: StopCheck): Histogram {
    return this.read(stop, () => {
      const r = this.range(field)
      const empty = { field, min: r.lo, max: r.hi, missing: r.missing }
      if (r.lo === null || r.hi === null) return { ...empty, binWidth: null, all: [], filtered: [] }
      // Filtered first: its pass takes the column snapshot, which then counts `all` too.
      const filtered = everything(scope) ? null : this.pass(scope, bins, DEFAULT_DENSITY_BINS).hist[field]!
      const all = this.allCounts(field, bins)
      return { ...empty, binWidth: binsOver(r.lo, r.hi, bins).width, all: all.slice(), filtered: (filtered ?? all).slice() }
    })
  }

  keepRate(scope: StatsScope, stop?: StopCheck): KeepRate {
    return this.read(stop, () => {
      const total = this.totals()
      const kept = everything(scope) ? total : this.kept(scope)
      return { clips: kept.clips, hours: kept.hours, totalClips: total.clips, totalHours: total.hours }
    })
  }

  density(bins: number, scope: StatsScope, stop?: StopCheck): DensityGrid {
    return this.read(stop, () => {
      const r = this.densityRange()
      if (!r) return { bins, similarity: null, aesthetic: null, all: [], filtered: [] }
      const all = this.densityAll(bins)
      const filtered = everything(scope) ? all : this.pass(scope, DEFAULT_HISTOGRAM_BINS, bins).density!
      return { bins, similarity: { min: r.sl, max: r.sh }, aesthetic: { min: r.al, max: r.ah }, all: all.slice(), filtered: filtered.slice() }
    })
  }

  // ── snapshot and caches ──────────────────────────────────────────────────────────────────

  private read<T>(stop: StopCheck | undefined, work: () => T): T {
    this.stop = stop ?? null
    try {
      return this.db.transaction(() => {
        // The first read opens the snapshot; data_version then describes exactly that snapshot.
        // (An index seek: counting the clips on every request cost ~50 ms at 1M.)
        this.get<number | null>('SELECT max(id) FROM clips')
        const key = `${this.db.pragma('data_version', { simple: true }) as number}:${this.get<number>('SELECT total_changes()')}`
        if (key !== this.dataKey) {
          this.dataKey = key
          const clips = this.get<number>('SELECT count(*) FROM clips')
          const change = this.changes.since(this.db, clips)
          if (change.rebuild || !this.statusesChanged(change.statuses)) {
            this.cache.clear()
            this.passes.clear()
            this.cache.set('clips', clips)
          }
        }
        return work()
      })()
    } finally {
      this.stop = null
      this.spec = null
      this.capture = null
    }
  }

  /** Moves decided clips between the cached counts (status-delta.ts); false: rebuild everything. */
  private statusesChanged(changes: StatusChange[]): boolean {
    return moveStatuses(
      {
        snapshot: this.cache.get('snapshot') as ClipSnapshot | null | undefined,
        passes: this.passes,
        cache: this.cache,
        clips: (ids) => this.statement(`SELECT c.id AS id, c.similarity AS similarity, c.aesthetic AS aesthetic, c.duration_s AS duration,
          c.caption_len AS captionLength FROM clips c WHERE c.id IN (SELECT value FROM json_each(?))`).all(ids) as ChangedClip[],
        textMatches: (text, ids) => {
          const fts = filterSql({ text }, 'all')
          if (!fts.sql) return null
          const sql = 'SELECT rowid FROM clips_fts WHERE clips_fts MATCH @f_text AND rowid IN (SELECT value FROM json_each(@ids))'
          return new Set(this.statement(sql).pluck().all({ ...fts.params, ids }) as number[])
        },
        resolve: (filters) => this.resolve(this.db, filters),
        specFor: (histBins, densityBins) => this.specFor(FIELDS, histBins, densityBins),
      },
      changes,
      MOVE_MAX_CLIPS,
    )
  }

  private cached<T>(key: string, compute: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T
    this.checkStop()
    const value = compute()
    this.cache.set(key, value)
    return value
  }

  private checkStop(): void {
    if (this.stop?.()) throw new StatsCancelled()
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)))
    return s
  }

  private get<T>(sql: string, ...params: unknown[]): T {
    return this.statement(sql).pluck().get(...params) as T
  }

  private hasIndex(name: string): boolean {
    return this.cached(`index:${name}`, () => this.get<number>("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?", name) > 0)
  }

  // ── the `all` side ───────────────────────────────────────────────────────────────────────

  private range(field: FilterField): Range {
    const col = FILTER_COLUMNS[field]
    return this.cached(`range:${field}`, () => ({
      lo: this.get<number | null>(`SELECT min(${col}) FROM clips c`),
      hi: this.get<number | null>(`SELECT max(${col}) FROM clips c`),
      missing: this.get<number>(`SELECT count(*) FROM clips c WHERE ${col} IS NULL`),
    }))
  }

  /** Bin counts over every clip: from this data version's column snapshot if taken (~5 ms at 1M), else one
   * index range count per bin between exact edges (~55 ms at 1M for 50). bins.ts makes both agree. */
  private allCounts(field: FilterField, bins: number): number[] {
    return this.cached(`all:${field}:${bins}`, () => {
      const r = this.range(field)
      const b = binsOver(r.lo!, r.hi!, bins)
      const snap = this.cache.get('snapshot') as ClipSnapshot | null | undefined
      if (snap) return Array.from(snap.binAll(FIELDS.indexOf(field), b))
      if (!this.hasIndex(FIELD_INDEX[field])) return this.runPass({ status: 'all', filters: {} }, [field], bins, null).hist[field]!
      const col = FILTER_COLUMNS[field]
      const edges = binEdges(b)
      const out: number[] = []
      for (let k = 0; k < bins; k++) {
        this.checkStop()
        if (bins === 1) out.push(this.get<number>(`SELECT count(*) FROM clips c WHERE ${col} IS NOT NULL`))
        else if (k === 0) out.push(this.get<number>(`SELECT count(*) FROM clips c WHERE ${col} < ?`, edges[1]))
        else if (k === bins - 1) out.push(this.get<number>(`SELECT count(*) FROM clips c WHERE ${col} >= ?`, edges[k]))
        else out.push(this.get<number>(`SELECT count(*) FROM clips c WHERE ${col} >= ? AND ${col} < ?`, edges[k], edges[k + 1]))
      }
      return out
    })
  }

  private totals(): { clips: number; hours: number } {
    return this.cached('totals', () => {
      // The duration index holds every duration: summing it reads far fewer pages than the table.
      const via = this.hasIndex(FIELD_INDEX.duration) ? ` INDEXED BY ${FIELD_INDEX.duration}` : ''
      return { clips: this.cache.get('clips') as number, hours: this.get<number>(`SELECT total(c.duration_s) FROM clips c${via}`) / 3600 }
    })
  }

  /** Axes of the plot: the range of each score over the clips that have both. */
  private densityRange(): { sl: number; sh: number; al: number; ah: number } | null {
    return this.cached('density-range', () => {
      // Four separate queries so each is an index seek (a combined one scans the table).
      const sl = this.get<number | null>(`SELECT min(c.similarity) FROM clips c WHERE ${BOTH}`)
      if (sl === null) return null
      return {
        sl,
        sh: this.get<number>(`SELECT max(c.similarity) FROM clips c WHERE ${BOTH}`),
        al: this.get<number>(`SELECT min(c.aesthetic) FROM clips c WHERE ${BOTH}`),
        ah: this.get<number>(`SELECT max(c.aesthetic) FROM clips c WHERE ${BOTH}`),
      }
    })
  }

  private densityAll(bins: number): number[] {
    return this.cached(`density-all:${bins}`, () => this.runPass({ status: 'all', filters: {} }, [], DEFAULT_HISTOGRAM_BINS, bins).density!)
  }

  // ── the filtered side ────────────────────────────────────────────────────────────────────

  private kept(scope: StatsScope): { clips: number; hours: number } {
    return this.cached(`kept:${scopeKey(scope)}`, () => {
      // Alone (the panel closed) a count is cheaper in SQL than taking a snapshot for it.
      const snap = this.cache.get('snapshot') as ClipSnapshot | null | undefined
      if (snap) {
        const k = this.snapshotCount(snap, scope, null)
        return { clips: k.clips, hours: k.seconds / 3600 }
      }
      const { where, access } = this.plan(scope)
      const row = this.statement(`SELECT count(*) AS n, total(c.duration_s) AS h FROM clips c${access} WHERE 1${where.sql}`).get(where.params) as { n: number; h: number }
      return { clips: row.n, hours: row.h / 3600 }
    })
  }

  private pass(scope: StatsScope, histBins: number, densityBins: number): Pass {
    const key = `${scopeKey(scope)}|${histBins}|${densityBins}`
    const hit = this.passes.get(key)
    if (hit) return hit
    const p = this.runPass(scope, FIELDS, histBins, densityBins)
    if (this.passes.size >= MEMO_LIMIT) this.passes.delete(this.passes.keys().next().value!)
    this.passes.set(key, p)
    this.cache.set(`kept:${scopeKey(scope)}`, { clips: p.clips, hours: p.hours })
    return p
  }

  /** Every wanted field's bins, the density grid and the keep rate of a scope, in one pass. */
  private runPass(scope: StatsScope, fields: readonly FilterField[], histBins: number, densityBins: number | null): Pass {
    this.checkStop()
    const spec = this.specFor(fields, histBins, densityBins)
    const snap = this.snapshot()
    let kept: { clips: number; hours: number }
    if (snap) {
      const k = this.snapshotCount(snap, scope, spec)
      kept = { clips: k.clips, hours: k.seconds / 3600 }
    } else {
      this.spec = spec
      this.rows = 0
      const { where, access } = this.plan(scope)
      const row = this.statement(
        `SELECT vicurate_clip_stats(c.similarity, c.aesthetic, c.duration_s, c.caption_len) AS x, count(*) AS n, total(c.duration_s) AS h
         FROM clips c${access} WHERE 1${where.sql}`,
      ).get(where.params) as { n: number; h: number }
      kept = { clips: row.n, hours: row.h / 3600 }
    }
    const out: Pass = { hist: {}, density: spec.cells ? Array.from(spec.cells) : null, ...kept }
    FIELDS.forEach((f, i) => {
      const c = spec.counts[i]
      if (c) out.hist[f] = Array.from(c)
    })
    return out
  }

  /** Zeroed counts over this snapshot's bin edges: what a pass fills, or a status move adjusts. */
  private specFor(fields: readonly FilterField[], histBins: number, densityBins: number | null): PassSpec {
    const hist = FIELDS.map((f) => {
      if (!fields.includes(f)) return null
      const r = this.range(f)
      return r.lo === null || r.hi === null ? null : binsOver(r.lo, r.hi, histBins)
    })
    const d = densityBins === null ? null : this.densityRange()
    return {
      hist,
      counts: hist.map((b) => (b ? new Int32Array(b.count) : null)),
      dx: d && binsOver(d.sl, d.sh, densityBins!),
      dy: d && binsOver(d.al, d.ah, densityBins!),
      cells: d && new Int32Array(densityBins! * densityBins!),
    }
  }

  /** The aggregate's step: bins one matching row everywhere it counts. */
  private row(s: number | null, a: number | null, d: number | null, l: number | null): void {
    if ((++this.rows & ((this.tuning.checkEvery ?? 16_384) - 1)) === 0) this.checkStop()
    countRow(this.spec!, s ?? NaN, a ?? NaN, d ?? NaN, l ?? NaN)
  }

  /**
   * The filterable columns of every clip (one table scan, ~0.5 s at 1M clips), taken once per
   * data version when the project is small enough: every filter after that is a loop over typed
   * arrays (~10–30 ms at 1M) instead of a pass through SQLite (~0.1–0.6 s).
   */
  private snapshot(): ClipSnapshot | null {
    return this.cached('snapshot', () => {
      const clips = this.cache.get('clips') as number
      if (clips > (this.tuning.snapshotMaxRows ?? snapshotMaxRows())) return null
      const snap = new ClipSnapshot(clips)
      this.capture = snap
      this.rows = 0
      try {
        this.statement('SELECT vicurate_clip_capture(c.id, unicode(c.status), c.similarity, c.aesthetic, c.duration_s, c.caption_len) FROM clips c NOT INDEXED').get()
      } finally {
        this.capture = null
      }
      return snap
    })
  }

  private snapshotCount(snap: ClipSnapshot, scope: StatsScope, spec: PassSpec | null): { clips: number; seconds: number } {
    const filters = this.resolve(this.db, scope.filters)
    const fts = filterSql({ text: filters.text }, 'all')
    const textIds = filters.text && fts.sql ? (this.statement('SELECT rowid FROM clips_fts WHERE clips_fts MATCH @f_text ORDER BY rowid').pluck().all(fts.params) as number[]) : null
    return snap.count(spec, filters, scope.status, textIds, () => this.checkStop(), this.tuning.checkEvery)
  }

  /**
   * The scope's SQL, narrowed to how its rows are reached: through the most selective filter's
   * index when that matches few clips (counted on the index, stopping at the cap), as a sorted
   * rowid list so the table is probed in page order; else a table scan. Caption text is left to
   * the planner, which drives from the FTS matches.
   */
  private plan(scope: StatsScope): { where: SqlFilter; access: string } {
    const resolved = this.resolve(this.db, scope.filters)
    const where = filterSql(resolved, scope.status)
    if (resolved.text) return { where, access: '' }
    const cap = Math.max(this.tuning.minIndexCap ?? 1024, Math.ceil((this.cache.get('clips') as number) * (this.tuning.indexShare ?? INDEX_SHARE)))
    let best: { index: string; sql: SqlFilter; n: number } | null = null
    const consider = (index: string, sql: SqlFilter) => {
      if (!sql.sql || !this.hasIndex(index)) return
      const n = this.get<number>(`SELECT count(*) FROM (SELECT 1 FROM clips c INDEXED BY ${index} WHERE 1${sql.sql} LIMIT ${cap})`, sql.params)
      if (n < cap && (!best || n < best.n)) best = { index, sql, n }
    }
    if (scope.status !== 'all') consider(STATUS_INDEX, filterSql({}, scope.status))
    for (const f of FIELDS) if (resolved[f]) consider(FIELD_INDEX[f], filterSql({ [f]: resolved[f] }, 'all'))
    const chosen = best as { index: string; sql: SqlFilter; n: number } | null
    if (!chosen) return { where, access: ' NOT INDEXED' }
    // The subquery's own `c` shadows the outer one; its parameters are a subset of the scope's.
    return { where: { sql: ` AND c.id IN (SELECT c.id FROM clips c INDEXED BY ${chosen.index} WHERE 1${chosen.sql.sql})${where.sql}`, params: where.params }, access: '' }
  }
}

function everything(scope: StatsScope): boolean {
  return scope.status === 'all' && Object.keys(scope.filters).length === 0
}

function scopeKey(scope: StatsScope): string {
  return JSON.stringify([scope.status, scope.filters])
}
