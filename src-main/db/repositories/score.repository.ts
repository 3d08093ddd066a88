import type { Db } from '../connection'
import { nowIso } from '../../core/clock'
import { withIndexBuildSettings } from '../index-build'
import { IMPORTED_MODEL_ID } from './dataset.repository'

export type ScoreKind = 'similarity' | 'aesthetic'

export interface ModelRef {
  id: string
  revision: string
}

export interface EmbeddingRow {
  clip_id: number
  vector: Buffer
}

const COLUMN: Record<ScoreKind, 'similarity' | 'aesthetic'> = { similarity: 'similarity', aesthetic: 'aesthetic' }
/** clips.imported_scores: which columns still hold an imported file's value (0009_import_provenance.sql). */
const IMPORTED_BIT: Record<ScoreKind, 1 | 2> = { similarity: 1, aesthetic: 2 }
/** Below this many changed clips a selection updates the indexes in place (a rebuild is ~1 s per index per 1M clips). */
const REBUILD_MIN_ROWS = 50_000

/**
 * Scores keep every model's value (for comparison and provenance); `clips.similarity` /
 * `clips.aesthetic` mirror the current, non-stale score of the selected model so the UI's
 * sliders and sorts hit an index.
 */
export function createScoreRepository(db: Db) {
  const upsert = db.prepare(`INSERT INTO scores (clip_id, kind, value, model_id, model_revision, stale, created_at)
    VALUES (?, ?, ?, ?, ?, 0, ?)
    ON CONFLICT (clip_id, kind, model_id, model_revision) DO UPDATE SET value = excluded.value, stale = 0, created_at = excluded.created_at`)
  const mirror = {
    similarity: db.prepare('UPDATE clips SET similarity = ? WHERE id = ?'),
    aesthetic: db.prepare('UPDATE clips SET aesthetic = ? WHERE id = ?'),
  }
  const current = db.prepare<[number, string, string, string], { value: number; stale: number }>(
    'SELECT value, stale FROM scores WHERE clip_id = ? AND kind = ? AND model_id = ? AND model_revision = ?',
  )
  // Indexes on clips that a score selection rewrites: those holding the score column, and the
  // partial index on the imported bits (clips_import_scores, 0009).
  const indexesOn = db.prepare(`SELECT m.name, m.sql FROM sqlite_schema m WHERE m.type = 'index' AND m.tbl_name = 'clips' AND m.sql IS NOT NULL
    AND (EXISTS (SELECT 1 FROM pragma_index_info(m.name) WHERE name IN (?, 'imported_scores')) OR m.sql LIKE '%imported_scores%') ORDER BY m.name`)
  const putEmbedding = db.prepare(`INSERT INTO clip_embeddings (clip_id, model_id, model_revision, dim, vector, created_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (model_id, model_revision, clip_id) DO UPDATE SET vector = excluded.vector, dim = excluded.dim`)
  const getEmbedding = db.prepare<[string, string, number], { vector: Buffer }>(
    'SELECT vector FROM clip_embeddings WHERE model_id = ? AND model_revision = ? AND clip_id = ?',
  )
  const allEmbeddings = db.prepare<[string, string], EmbeddingRow>(
    'SELECT clip_id, vector FROM clip_embeddings WHERE model_id = ? AND model_revision = ?',
  )

  return {
    /** Writes a score and mirrors it onto the clip, in one transaction. */
    put(clipId: number, kind: ScoreKind, value: number, model: ModelRef): void {
      db.transaction(() => {
        upsert.run(clipId, kind, value, model.id, model.revision, nowIso())
        mirror[kind].run(value, clipId)
      })()
    },
    get: (clipId: number, kind: ScoreKind, model: ModelRef) => current.get(clipId, kind, model.id, model.revision),
    /**
     * The selected model changed: every score of this kind from another model becomes stale, and
     * the mirrored column shows the new model's score where one exists (else NULL). Imported values
     * the clips still hold are copied into `scores` first (stale unless the file itself is selected).
     */
    selectModel(kind: ScoreKind, model: ModelRef): number {
      const bit = IMPORTED_BIT[kind]
      return db.transaction(() => {
        const changed = db
          .prepare('UPDATE scores SET stale = 1 WHERE kind = ? AND stale = 0 AND NOT (model_id = ? AND model_revision = ?)')
          .run(kind, model.id, model.revision).changes
        // Imported values still held by clips (0009) become rows here, in one statement, and the
        // UPDATE below clears their bit itself, which keeps the per-row trigger from firing: that
        // trigger made selecting a model over 1M imported clips take 45 s.
        const copied = db.prepare(`INSERT OR IGNORE INTO scores (clip_id, kind, value, model_id, model_revision, stale, created_at)
          SELECT c.id, @kind, c.${COLUMN[kind]}, '${IMPORTED_MODEL_ID}', i.file_name, NOT (@id = '${IMPORTED_MODEL_ID}' AND @revision = i.file_name), i.created_at
          FROM clips c JOIN imports i ON i.id = c.import_id WHERE c.imported_scores > 0 AND c.imported_scores IN (@bit, 3)`)
          .run({ kind, id: model.id, revision: model.revision, bit }).changes
        // Only rows whose value changes are written: each is a row and three index entries
        // (0006's covering indexes hold the scores), so a re-run that changes nothing costs a
        // scan instead of rewriting every clip (~30 s at 1M clips).
        const value = `(SELECT value FROM scores s WHERE s.clip_id = clips.id AND s.kind = @kind
          AND s.model_id = @id AND s.model_revision = @revision AND s.stale = 0)`
        const params = { kind, id: model.id, revision: model.revision, bit }
        const where = `${COLUMN[kind]} IS NOT ${value} OR imported_scores & @bit`
        // Most clips changing (the first selection after an import): the indexes that hold the
        // column are built again from sorted keys rather than updated entry by entry.
        const moving = db.prepare(`SELECT count(*) FROM clips WHERE ${where}`).pluck().get(params) as number
        const rebuild = moving >= REBUILD_MIN_ROWS && moving * 4 >= (db.prepare('SELECT count(*) FROM clips').pluck().get() as number)
        const indexes = rebuild ? (indexesOn.all(COLUMN[kind]) as { name: string; sql: string }[]) : []
        for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`)
        db.prepare(`UPDATE clips SET ${COLUMN[kind]} = ${value}, imported_scores = imported_scores & (3 - @bit) WHERE ${where}`).run(params)
        if (indexes.length) withIndexBuildSettings(db, () => indexes.forEach((ix) => db.exec(ix.sql)))
        return changed + copied
      })()
    },
    /** A caption edit makes that clip's similarity stale (the score was for the old text). */
    markSimilarityStale(clipId: number): void {
      db.prepare("UPDATE scores SET stale = 1 WHERE clip_id = ? AND kind = 'similarity'").run(clipId)
      mirror.similarity.run(null, clipId)
    },
    putEmbedding(clipId: number, model: ModelRef, vector: Float32Array): void {
      putEmbedding.run(clipId, model.id, model.revision, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), nowIso())
    },
    getEmbedding(clipId: number, model: ModelRef): Float32Array | null {
      const row = getEmbedding.get(model.id, model.revision, clipId)
      return row ? toFloat32(row.vector) : null
    },
    iterateEmbeddings: (model: ModelRef): IterableIterator<EmbeddingRow> => allEmbeddings.iterate(model.id, model.revision),
  }
}

/** BLOB → Float32Array without trusting the Buffer's alignment. */
export function toFloat32(buf: Buffer): Float32Array {
  const copy = new Uint8Array(buf.byteLength)
  copy.set(buf)
  return new Float32Array(copy.buffer)
}

export type ScoreRepository = ReturnType<typeof createScoreRepository>
