import type { Db } from '../connection'

export interface ImportClip {
  videoId: number
  startS: number
  endS: number
  caption: string
  similarity: number | null
  aesthetic: number | null
  extraJson: string | null
  mediaPath: string | null
}

/**
 * Imported provenance: captions and scores from a file carry this model id and the file's name as
 * revision (spelled out in 0009_import_provenance.sql's triggers and views too).
 */
export const IMPORTED_MODEL_ID = 'imported'

export function createDatasetRepository(db: Db) {
  const videoBySource = db.prepare<[string], { id: number; path: string | null }>('SELECT id, path FROM videos WHERE source_id = ?')
  const videoByPath = db.prepare<[string], { id: number }>('SELECT id FROM videos WHERE path = ?')
  const insertVideo = db.prepare(`INSERT INTO videos (source_id, path, root_id, status, created_at) VALUES (?, ?, ?, ?, ?)`)
  const attachVideo = db.prepare(`UPDATE videos SET path = ?, root_id = ?, status = 'ok', error = NULL WHERE id = ? AND path IS NULL`)
  // Works with the clip span index dropped (another process's bulk load), as clip.repository's insert.
  const insertClip = db.prepare(`INSERT INTO clips
    (video_id, start_s, end_s, caption, similarity, aesthetic, extra_json, media_path, created_at, updated_at)
    SELECT @videoId, @startS, @endS, @caption, @similarity, @aesthetic, @extraJson, @mediaPath, @now, @now
    WHERE NOT EXISTS (SELECT 1 FROM clips WHERE video_id = @videoId AND start_s = @startS AND end_s = @endS)`)
  const spanIndex = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = 'clips_video_span'").pluck()
  const videosBySource = db.prepare<[string], { id: number; source_id: string; path: string | null }>(
    'SELECT id, source_id, path FROM videos WHERE source_id IN (SELECT value FROM json_each(?))')
  const maxClipId = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM clips')
  const newWithClipFile = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM clips WHERE id > ? AND media_path IS NOT NULL')
  const newWithVideoFile = db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM clips c JOIN videos v ON v.id = c.video_id
    WHERE c.id > ? AND v.path IS NOT NULL`)
  const insertImport = db.prepare('INSERT INTO imports (file_name, path, created_at) VALUES (?, ?, ?)')
  const secondaryIndexes = db.prepare<[], { name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('clips', 'captions', 'scores') AND sql IS NOT NULL
      ORDER BY tbl_name, name`)
  const triggerSql = db.prepare<[string], { sql: string }>(`SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?`)

  return {
    findVideo: (sourceId: string) => videoBySource.get(sourceId),
    videoPathTaken: (path: string): boolean => videoByPath.get(path) !== undefined,
    insertVideo: (sourceId: string, path: string | null, rootId: number | null, now: string): number =>
      Number(insertVideo.run(sourceId, path, rootId, path ? 'ok' : 'missing', now).lastInsertRowid),
    attachVideoFile: (videoId: number, path: string, rootId: number): boolean => attachVideo.run(path, rootId, videoId).changes > 0,
    /** True when inserted, false when the same (video, start, end) already exists. */
    insertClip(c: ImportClip, now: string): boolean {
      return insertClip.run({ ...c, now }).changes > 0
    },
    /** Whether clips has its span index now (a bulk load, this one or another process's, drops it). */
    hasSpanIndex: (): boolean => spanIndex.get() !== undefined,
    /** Videos by source id, for many ids in one query (a batch's first sightings). */
    findVideos(sourceIds: string[]): Map<string, { id: number; path: string | null }> {
      const out = new Map<string, { id: number; path: string | null }>()
      for (const v of videosBySource.all(JSON.stringify(sourceIds))) out.set(v.source_id, { id: v.id, path: v.path })
      return out
    },
    /** New clips (id > afterId) with media: their own clip file, or their video's file. */
    countNewWithMedia: (afterId: number, by: 'clip' | 'video'): number => (by === 'clip' ? newWithClipFile : newWithVideoFile).get(afterId)!.n,
    maxClipId: (): number => maxClipId.get()?.id ?? 0,
    /**
     * Records one import (its file's base name is the revision of its captions and scores); its
     * clips point at this row instead of carrying three provenance rows each (0009_import_provenance.sql).
     */
    createImport: (fileName: string, path: string, now: string): number => Number(insertImport.run(fileName, path, now).lastInsertRowid),
    /**
     * Drops every index on clips, captions and scores that SQL created (the clip span index
     * included; only the scores UNIQUE constraint stays, appended to in clip order) and the FTS
     * triggers on insert and delete; returns their SQL exactly as stored in sqlite_schema, to
     * recreate them as they were (db/bulk-load-marker.ts, which also removes duplicate clips
     * before the span index is back). Building an index once from sorted keys costs less than
     * inserting into it at random places row by row: the span index alone cost ~4.3 s per 1M
     * rows during the load and ~1.4 s to build after (0008_clip_span_index.sql).
     */
    dropBulkIndexes(): string[] {
      const restore: string[] = []
      for (const { name, sql } of secondaryIndexes.all()) {
        db.exec(`DROP INDEX "${name.replace(/"/g, '""')}"`)
        restore.push(sql)
      }
      for (const name of ['clips_fts_ai', 'clips_fts_ad']) {
        const trigger = triggerSql.get(name)
        if (!trigger) continue
        db.exec(`DROP TRIGGER ${name}`)
        restore.push(trigger.sql)
      }
      return restore
    },
    /** The name the bulk drop had when it covered clips only (kept for callers and tests). */
    dropClipIndexes(): string[] {
      return this.dropBulkIndexes()
    },
  }
}

export type DatasetRepository = ReturnType<typeof createDatasetRepository>

export type ExportTuple = [
  id: number, startS: number, endS: number, caption: string | null, similarity: number | null,
  aesthetic: number | null, extraJson: string | null, status: string | null, videoId: number,
]
export interface ScoreModelCount {
  kind: string
  model_id: string
  model_revision: string
  clips: number
}

/**
 * Export queries. `cond` is a condition over `clips c` built by export-filters.ts from fixed
 * fragments (user values travel only in `params`); `col` is one of two whitelisted columns.
 */
export function createDatasetExportRepository(db: Db) {
  const all = <T>(sql: string, params: unknown[]) => db.prepare(sql).all(...params) as T[]
  return {
    count: (cond: string, params: unknown[]): number =>
      (db.prepare(`SELECT count(*) AS n FROM clips c WHERE ${cond}`).get(...params) as { n: number }).n,
    /** The row at rank `offset` (0 = lowest) in (col, id) order. */
    rankedRow(col: 'c.similarity' | 'c.aesthetic', cond: string, params: unknown[], offset: number): { value: number; id: number } | null {
      const sql = `SELECT ${col} AS value, c.id AS id FROM clips c WHERE ${cond} AND ${col} IS NOT NULL ORDER BY ${col}, c.id LIMIT 1 OFFSET ?`
      return (db.prepare(sql).get(...params, offset) as { value: number; id: number } | undefined) ?? null
    },
    clipsPerVideo(cond: string, params: unknown[]): Map<number, number> {
      const stmt = db.prepare(`SELECT c.video_id, count(*) FROM clips c WHERE ${cond} GROUP BY c.video_id`).raw()
      return new Map(stmt.all(...params) as [number, number][])
    },
    iterateIdentities(cond: string, params: unknown[]): IterableIterator<[number, number, string, number, number]> {
      const sql = `SELECT c.id, c.video_id, v.source_id, c.start_s, c.end_s FROM clips c JOIN videos v ON v.id = c.video_id WHERE ${cond}`
      return db.prepare(sql).raw().iterate(...params) as IterableIterator<[number, number, string, number, number]>
    },
    /**
     * The selected rows in id order, a block of ids at a time: one all() per block costs less
     * than one iterate() step per row. NOT INDEXED keeps SQLite on the rowid range: a filter on
     * an indexed score could otherwise make it read each block through that index and sort it.
     */
    *rowBlocks(cond: string, params: unknown[], opts: { span?: number; fromId?: number; toId?: number; status?: boolean } = {}): Generator<ExportTuple[]> {
      const { span = 4096, fromId = 0, toId = Number.MAX_SAFE_INTEGER, status = true } = opts
      // Without review fields nothing reads the status: NULL spares a string per row (~5 % of the read).
      const block = db.prepare(`SELECT c.id, c.start_s, c.end_s, c.caption, c.similarity, c.aesthetic, c.extra_json, ${status ? 'c.status' : 'NULL'}, c.video_id
        FROM clips c NOT INDEXED WHERE c.id >= ? AND c.id < ? AND (${cond}) ORDER BY c.id`).raw()
      // Skips gaps in the ids (deleted clips) with one seek instead of scanning empty blocks.
      const nextId = db.prepare('SELECT id FROM clips WHERE id >= ? AND id < ? ORDER BY id LIMIT 1').pluck()
      for (let from = nextId.get(fromId, toId) as number | undefined; from !== undefined; from = nextId.get(from + span, toId) as number | undefined) {
        const rows = block.all(from, Math.min(from + span, toId), ...params) as ExportTuple[]
        if (rows.length) yield rows
      }
    },
    /** The first clip id ≥ `id`, if any (where the next block of an export starts). */
    nextClipId: (id: number): number | undefined => db.prepare('SELECT id FROM clips WHERE id >= ? ORDER BY id LIMIT 1').pluck().get(id) as number | undefined,
    /** One video's YoutubeID, looked up when an export first meets the video (~4 µs each). */
    sourceIdOf(): (videoId: number) => string {
      const stmt = db.prepare('SELECT source_id FROM videos WHERE id = ?').pluck()
      return (videoId) => stmt.get(videoId) as string
    },
    /** Every (video id, YoutubeID), 65536 ids per read: ~0.6 µs a video, for exports that meet most videos. */
    *videoSourceIds(): Generator<[number, string]> {
      const chunk = db.prepare('SELECT id, source_id FROM videos WHERE id >= ? AND id < ?').raw()
      const nextId = db.prepare('SELECT id FROM videos WHERE id >= ? ORDER BY id LIMIT 1').pluck()
      for (let from = nextId.get(0) as number | undefined; from !== undefined; from = nextId.get(from + 65536) as number | undefined) {
        yield* chunk.all(from, from + 65536) as [number, string][]
      }
    },
    /** max(id) − min(id) + 1 of the clips: an upper bound on what an export writes, read from the ends of the rowid tree. */
    idSpan: (): number => (db.prepare('SELECT (SELECT max(id) FROM clips) - (SELECT min(id) FROM clips) + 1').pluck().get() as number | null) ?? 0,
    maxVideoId: (): number => (db.prepare('SELECT max(id) FROM videos').pluck().get() as number | null) ?? 0,
    sourceIds: (): Map<number, string> => new Map(db.prepare('SELECT id, source_id FROM videos').raw().all() as [number, string][]),
    /** Caption before each clip's first curator edit. Sized by edited clips, not by the export. */
    captionOriginals(): Map<number, string> {
      const rows = all<{ clip_id: number; value_before: string | null }>(`SELECT clip_id, value_before FROM review_events WHERE id IN
        (SELECT min(id) FROM review_events WHERE kind = 'caption' GROUP BY clip_id)`, [])
      return new Map(rows.filter((r) => r.value_before !== null).map((r) => [r.clip_id, r.value_before!]))
    },
    latestDecisions(): Map<number, { reviewer: string; created_at: string }> {
      const rows = all<{ clip_id: number; reviewer: string; created_at: string }>(`SELECT clip_id, reviewer, created_at FROM review_events
        WHERE id IN (SELECT max(id) FROM review_events WHERE kind = 'decision' GROUP BY clip_id)`, [])
      return new Map(rows.map((r) => [r.clip_id, { reviewer: r.reviewer, created_at: r.created_at }]))
    },
    /** Every (kind, model, revision) with a current score anywhere in the project. */
    scoreModelCombos(): Omit<ScoreModelCount, 'clips'>[] {
      // Loose index scan on scores_current_models (0002): one seek per distinct value, column by
      // column (a row-value `>` seeks on its first column only and would walk every equal row).
      const kinds = db.prepare(`SELECT kind FROM scores WHERE stale = 0 AND kind > ? ORDER BY kind LIMIT 1`).pluck()
      const models = db.prepare(`SELECT model_id FROM scores WHERE stale = 0 AND kind = ? AND model_id > ? ORDER BY model_id LIMIT 1`).pluck()
      const revisions = db.prepare(`SELECT model_revision FROM scores WHERE stale = 0 AND kind = ? AND model_id = ? AND model_revision > ?
        ORDER BY model_revision LIMIT 1`).pluck()
      const out: Omit<ScoreModelCount, 'clips'>[] = []
      for (let kind = kinds.get('') as string | undefined; kind !== undefined; kind = kinds.get(kind) as string | undefined) {
        for (let model = models.get(kind, '') as string | undefined; model !== undefined; model = models.get(kind, model) as string | undefined) {
          for (let rev = revisions.get(kind, model, '') as string | undefined; rev !== undefined; rev = revisions.get(kind, model, rev) as string | undefined) {
            out.push({ kind, model_id: model, model_revision: rev })
          }
        }
      }
      // Imports whose clips still hold a file's score: two seeks per import on clips_import_scores.
      const live = db.prepare(`SELECT DISTINCT i.file_name FROM imports i WHERE EXISTS (SELECT 1 FROM clips c
        WHERE c.import_id = i.id AND c.imported_scores > 0 AND c.imported_scores IN (?, 3))`).pluck()
      for (const [kind, bit] of [['similarity', 1], ['aesthetic', 2]] as const) {
        for (const rev of live.all(bit) as string[]) {
          if (!out.some((o) => o.kind === kind && o.model_id === IMPORTED_MODEL_ID && o.model_revision === rev)) out.push({ kind, model_id: IMPORTED_MODEL_ID, model_revision: rev })
        }
      }
      // In (kind, model, revision) order, as SQL's ORDER BY puts them (binary comparison).
      const key = (o: Omit<ScoreModelCount, 'clips'>) => [o.kind, o.model_id, o.model_revision]
      return out.sort((x, y) => {
        const [a, b] = [key(x), key(y)]
        const i = a.findIndex((v, k) => v !== b[k])
        return i < 0 ? 0 : a[i] < b[i] ? -1 : 1
      })
    },
    /** Which models produced the current (non-stale) scores of the exported clips. */
    scoreModels: (cond: string, params: unknown[]): ScoreModelCount[] =>
      all<ScoreModelCount>(`SELECT kind, model_id, model_revision, count(*) AS clips FROM (
          SELECT s.kind, s.model_id, s.model_revision FROM clips c JOIN scores s ON s.clip_id = c.id AND s.stale = 0 WHERE ${cond}
          UNION ALL SELECT 'similarity', '${IMPORTED_MODEL_ID}', i.file_name FROM clips c JOIN imports i ON i.id = c.import_id
            WHERE c.imported_scores & 1 AND (${cond})
          UNION ALL SELECT 'aesthetic', '${IMPORTED_MODEL_ID}', i.file_name FROM clips c JOIN imports i ON i.id = c.import_id
            WHERE c.imported_scores & 2 AND (${cond}))
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, [...params, ...params, ...params]),
    scoreModelsForIds(ids: Float64Array): ScoreModelCount[] {
      db.exec('CREATE TEMP TABLE IF NOT EXISTS export_ids (id INTEGER PRIMARY KEY)')
      const ins = db.prepare('INSERT INTO temp.export_ids (id) VALUES (?)')
      try {
        db.transaction(() => {
          for (const id of ids) ins.run(id)
        })()
        return this.scoreModels('c.id IN (SELECT id FROM temp.export_ids)', [])
      } finally {
        db.exec('DELETE FROM temp.export_ids')
      }
    },
  }
}
