import type { ProjectContext } from '../../core/project-context'
import type { ScoreKind } from '../../db/repositories/score.repository'
import { modelSelection } from '../scoring/scoring-deps'
import { ShardError, openShardDb, readShardMeta, storedProjectIdentity } from './shard-file'

export interface MergeReport {
  shard: string
  index: number
  count: number
  scores: number
  embeddings: number
  steps: number
  /** Scores left out: their model is no longer the selected one, or the caption changed since. */
  dropped: { clipId: number; kind: string; reason: string }[]
}

interface ScoreOut {
  clip_id: number
  kind: ScoreKind
  value: number
  model_id: string
  model_revision: string
  created_at: string
  caption: string | null
}

/**
 * Folds one shard file into the project in one transaction. Idempotent: rows are upserted with
 * the shard's own values and timestamps, so merging a shard again (or a re-run shard that
 * computed nothing new) leaves the project byte-for-byte as it was. Refused before anything is
 * written when the shard belongs to another project or its clips are not this project's clips.
 */
export function mergeShard(ctx: ProjectContext, shardPath: string): MergeReport {
  const shard = openShardDb(shardPath, { create: false })
  try {
    const meta = readShardMeta(shard)
    if (!meta) throw new ShardError(`${shardPath} has no shard metadata (an interrupted first run?); run the shard again`)
    if (meta.projectId !== storedProjectIdentity(ctx)) throw new ShardError(`${shardPath} is a shard of another project (${meta.projectPath}), not of ${ctx.path}`)

    // Identity per clip too: a project restored from an older copy shares the id but may differ.
    const shardClips = shard.prepare(`SELECT c.id, v.source_id, c.start_s, c.end_s FROM clips c JOIN videos v ON v.id = c.video_id
      WHERE c.id IN (SELECT clip_id FROM shard_outputs)`).all() as { id: number; source_id: string; start_s: number; end_s: number }[]
    const mine = ctx.db.prepare<[number], { source_id: string; start_s: number; end_s: number }>('SELECT v.source_id, c.start_s, c.end_s FROM clips c JOIN videos v ON v.id = c.video_id WHERE c.id = ?')
    for (const c of shardClips) {
      const m = mine.get(c.id)
      if (!m || m.source_id !== c.source_id || m.start_s !== c.start_s || m.end_s !== c.end_s) {
        throw new ShardError(`${shardPath}: clip ${c.id} (${c.source_id} ${c.start_s}–${c.end_s}) is ${m ? 'a different clip' : 'missing'} in ${ctx.path}; nothing merged`)
      }
    }

    const scores = shard.prepare(`SELECT s.clip_id, s.kind, s.value, s.model_id, s.model_revision, s.created_at, c.caption FROM shard_outputs o
      JOIN scores s ON s.clip_id = o.clip_id AND s.kind = o.key AND s.model_id = o.model_id AND s.model_revision = o.model_revision
      JOIN clips c ON c.id = o.clip_id WHERE o.what = 'score' ORDER BY s.clip_id, s.kind`).all() as ScoreOut[]
    const embeddings = shard.prepare(`SELECT e.clip_id, e.model_id, e.model_revision, e.dim, e.vector, e.created_at FROM shard_outputs o
      JOIN clip_embeddings e ON e.clip_id = o.clip_id AND e.model_id = o.model_id AND e.model_revision = o.model_revision
      WHERE o.what = 'embedding' ORDER BY e.clip_id`).all() as { clip_id: number; model_id: string; model_revision: string; dim: number; vector: Buffer; created_at: string }[]
    const steps = shard.prepare(`SELECT s.clip_id, s.step, s.status, s.model_id, s.model_revision, s.error, s.updated_at FROM shard_outputs o
      JOIN clip_steps s ON s.clip_id = o.clip_id AND s.step = o.key WHERE o.what = 'step' ORDER BY s.clip_id, s.step`).all() as { clip_id: number; step: string; status: string; model_id: string | null; model_revision: string | null; error: string | null; updated_at: string }[]

    const report: MergeReport = { shard: shardPath, index: meta.index, count: meta.count, scores: 0, embeddings: 0, steps: 0, dropped: [] }
    const sel = modelSelection(ctx)
    const selected: Record<ScoreKind, string> = { similarity: sel.similarity, aesthetic: `${sel.aestheticImage}+${sel.aestheticHead}` }
    const caption = ctx.db.prepare<[number], { caption: string | null }>('SELECT caption FROM clips WHERE id = ?')
    const upsertScore = ctx.db.prepare(`INSERT INTO scores (clip_id, kind, value, model_id, model_revision, stale, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)
      ON CONFLICT (clip_id, kind, model_id, model_revision) DO UPDATE SET value = excluded.value, stale = 0, created_at = excluded.created_at`)
    const upsertEmbedding = ctx.db.prepare(`INSERT INTO clip_embeddings (clip_id, model_id, model_revision, dim, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (model_id, model_revision, clip_id) DO UPDATE SET dim = excluded.dim, vector = excluded.vector, created_at = excluded.created_at`)
    const upsertStep = ctx.db.prepare(`INSERT INTO clip_steps (clip_id, step, status, model_id, model_revision, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (clip_id, step) DO UPDATE SET status = excluded.status, model_id = excluded.model_id, model_revision = excluded.model_revision,
        error = excluded.error, updated_at = excluded.updated_at`)

    ctx.db.transaction(() => {
      const models = new Map<string, { kind: ScoreKind; id: string; revision: string }>()
      for (const s of scores) {
        // As in the stages: a score is written only while the model that made it is selected.
        if (s.model_id !== selected[s.kind]) {
          report.dropped.push({ clipId: s.clip_id, kind: s.kind, reason: `made by ${s.model_id}, but ${selected[s.kind]} is selected now` })
          continue
        }
        // A similarity is for one caption; one edited since the shard copied it would be wrong.
        if (s.kind === 'similarity' && caption.get(s.clip_id)?.caption !== s.caption) {
          report.dropped.push({ clipId: s.clip_id, kind: s.kind, reason: 'caption edited since the shard ran' })
          continue
        }
        upsertScore.run(s.clip_id, s.kind, s.value, s.model_id, s.model_revision, s.created_at)
        models.set(`${s.kind}\0${s.model_id}\0${s.model_revision}`, { kind: s.kind, id: s.model_id, revision: s.model_revision })
        report.scores++
      }
      for (const e of embeddings) upsertEmbedding.run(e.clip_id, e.model_id, e.model_revision, e.dim, e.vector, e.created_at)
      report.embeddings = embeddings.length
      for (const s of steps) upsertStep.run(s.clip_id, s.step, s.status, s.model_id, s.model_revision, s.error, s.updated_at)
      report.steps = steps.length
      // What the stage does when it starts: other models' scores become stale and the clips'
      // mirrored columns show this model's scores (the merged ones included).
      for (const m of models.values()) ctx.repos.scores.selectModel(m.kind, { id: m.id, revision: m.revision })
    })()
    if (report.scores > 0) ctx.bus.emit('clips:changed', { clipIds: [] })
    return report
  } finally {
    shard.close()
  }
}
