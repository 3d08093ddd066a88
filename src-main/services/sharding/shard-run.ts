import { resolve } from 'node:path'
import { EventBus } from '../../core/event-bus'
import { nowIso } from '../../core/clock'
import type { ProjectContext } from '../../core/project-context'
import type { Db } from '../../db/connection'
import { latestSchemaVersion } from '../../db/migrate'
import { createClipRepository } from '../../db/repositories/clip.repository'
import { createJobRepository } from '../../db/repositories/job.repository'
import { createReviewEventRepository } from '../../db/repositories/review-event.repository'
import { createScoreRepository } from '../../db/repositories/score.repository'
import { createSettingsRepository } from '../../db/repositories/settings.repository'
import { createVideoRepository } from '../../db/repositories/video.repository'
import { ShardError, openShardDb, projectIdentity, readShardMeta, storedColumns, writeShardMeta } from './shard-file'

export interface ShardSpec {
  index: number
  count: number
}

/** `i/n` with 0 ≤ i < n (the form SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX give directly). */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = m ? Number(m[1]) : NaN
  const count = m ? Number(m[2]) : NaN
  if (!m || !(count >= 1) || !(index < count) || !Number.isSafeInteger(count)) throw new ShardError(`--shard must be i/n with 0 ≤ i < n (got "${text}")`)
  return { index, count }
}

/**
 * Shard membership: clip id modulo n. Clip ids never change and are dense (INTEGER PRIMARY KEY),
 * so every shard gets an equal share of any id range, all shards together cover every clip once,
 * and a re-run of shard i picks the same clips. It partitions all clips, not just the pending
 * ones: the stage then finds the pending ones among them exactly as it does unsharded, so a
 * clip's membership does not depend on what other shards have finished.
 */
const MEMBER = 'id % ? = ?'

/**
 * Copies what the stages read for this shard's clips out of the project: settings (model
 * selection, ML settings), video roots, imports, the clips' videos, the clips, their steps (frames done),
 * scores and embeddings — so a clip already scored in the project is not pending in the shard.
 * INSERT OR IGNORE keeps what an earlier run of this shard produced: re-running resumes.
 */
function copyFromProject(shard: Db, projectPath: string, spec: ShardSpec): void {
  shard.prepare('ATTACH DATABASE ? AS project').run(projectPath)
  try {
    const cols = (table: string, drop: string[] = []) => storedColumns(shard, table, 'project').filter((c) => !drop.includes(c)).join(', ')
    const clipSet = `SELECT id FROM project.clips WHERE ${MEMBER}`
    const n = spec.count
    const i = spec.index
    shard.transaction(() => {
      // Settings follow the project on every run: the selected models are the project's choice.
      shard.exec(`INSERT OR REPLACE INTO settings (${cols('settings')}) SELECT ${cols('settings')} FROM project.settings`)
      shard.exec(`INSERT OR IGNORE INTO video_roots (${cols('video_roots')}) SELECT ${cols('video_roots')} FROM project.video_roots`)
      shard.prepare(`INSERT OR IGNORE INTO videos (${cols('videos')}) SELECT ${cols('videos')} FROM project.videos
        WHERE id IN (SELECT DISTINCT video_id FROM project.clips WHERE ${MEMBER})`).run(n, i)
      // The imports the clips point at (their provenance, 0009): a stage that replaces an imported
      // score copies it into the shard's scores, as it would in the project.
      shard.exec(`INSERT OR IGNORE INTO imports (${cols('imports')}) SELECT ${cols('imports')} FROM project.imports`)
      shard.prepare(`INSERT OR IGNORE INTO clips (${cols('clips')}) SELECT ${cols('clips')} FROM project.clips WHERE ${MEMBER}`).run(n, i)
      shard.prepare(`INSERT OR IGNORE INTO clip_steps (${cols('clip_steps')}) SELECT ${cols('clip_steps')} FROM project.clip_steps WHERE clip_id IN (${clipSet})`).run(n, i)
      // Score ids are the project's row ids: leave them out so they cannot collide with the shard's own.
      const sc = cols('scores', ['id'])
      shard.prepare(`INSERT OR IGNORE INTO scores (${sc}) SELECT ${sc} FROM project.scores WHERE clip_id IN (${clipSet})`).run(n, i)
      shard.prepare(`INSERT OR IGNORE INTO clip_embeddings (${cols('clip_embeddings')}) SELECT ${cols('clip_embeddings')} FROM project.clip_embeddings WHERE clip_id IN (${clipSet})`).run(n, i)
    })()
  } finally {
    shard.exec('DETACH DATABASE project')
  }
}

/**
 * The shard's repositories with a recorder in front of the writes the stages make: each score,
 * embedding and clip step they write is also listed in shard_outputs, so merge folds in exactly
 * what this shard computed and never the project rows that were copied in only to be read.
 */
function recordingRepos(db: Db): ProjectContext['repos'] {
  const record = db.prepare(`INSERT INTO shard_outputs (what, clip_id, key, model_id, model_revision) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (what, clip_id, key) DO UPDATE SET model_id = excluded.model_id, model_revision = excluded.model_revision`)
  const scores = createScoreRepository(db)
  const jobs = createJobRepository(db)
  return {
    videos: createVideoRepository(db),
    clips: createClipRepository(db),
    events: createReviewEventRepository(db),
    settings: createSettingsRepository(db),
    jobs: {
      ...jobs,
      setClipStep(clipId, step, status, model, error) {
        db.transaction(() => {
          jobs.setClipStep(clipId, step, status, model, error)
          record.run('step', clipId, step, model?.id ?? null, model?.revision ?? null)
        })()
      },
    },
    scores: {
      ...scores,
      put(clipId, kind, value, model) {
        db.transaction(() => {
          scores.put(clipId, kind, value, model)
          record.run('score', clipId, kind, model.id, model.revision)
        })()
      },
      putEmbedding(clipId, model, vector) {
        db.transaction(() => {
          scores.putEmbedding(clipId, model, vector)
          record.run('embedding', clipId, '', model.id, model.revision)
        })()
      },
    },
  }
}

/**
 * Opens shard i/n of `project` as a ProjectContext for the scoring jobs: reads (clips, steps,
 * settings) come from the shard's copy, frames from the project's own data folder (read-only),
 * and every write lands in the shard file. The project itself gains only its identity setting.
 * A shard file made for another project, or for another i/n, is refused.
 */
export function openShardContext(project: ProjectContext, shardPath: string, spec: ShardSpec): ProjectContext {
  const projectId = projectIdentity(project)
  const path = resolve(shardPath)
  const db = openShardDb(path, { create: true })
  try {
    const meta = readShardMeta(db)
    if (meta && meta.projectId !== projectId) throw new ShardError(`${shardPath} is a shard of another project (${meta.projectPath}); use a new --shard-out file`)
    if (meta && (meta.index !== spec.index || meta.count !== spec.count)) throw new ShardError(`${shardPath} holds shard ${meta.index}/${meta.count}, not ${spec.index}/${spec.count}`)
    copyFromProject(db, project.path, spec)
    writeShardMeta(db, meta ?? { projectId, projectPath: project.path, index: spec.index, count: spec.count, schemaVersion: latestSchemaVersion(), createdAt: nowIso() })
  } catch (err) {
    db.close()
    throw err
  }
  return {
    path,
    name: `${project.name} [shard ${spec.index}/${spec.count}]`,
    dataDir: project.dataDir,
    db,
    repos: recordingRepos(db),
    bus: new EventBus(),
    close: () => db.close(),
  }
}
