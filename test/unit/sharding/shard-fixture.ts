import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ProjectContext } from '../../../src-main/core/project-context'
import type { Db } from '../../../src-main/db/connection'
import { runJob } from '../../../src-main/jobs/job-runner'
import { fixtureModels } from '../../support/model-fixtures'
import { SHARED_VIDEOS, tempProject } from '../../support/temp-project'

export const CAPTIONS = ['a bright flower in a garden', 'a person talking to the camera', 'a cockatoo on a branch', 'a flower moving in the wind', 'a short film scene']

/** A project with real footage ingested (frames cached), captions, imported scores on most clips, and the tiny fixture models selected. */
export async function shardableProject() {
  const p = tempProject()
  const videos = ['cc0_3shots_cuts_at_2s_4s.mp4', 'flower.mp4'].map((f) => {
    const to = join(p.dir, f)
    copyFileSync(join(SHARED_VIDEOS, f), to)
    return to
  })
  const r = await runJob(p.ctx, { name: 'ingest', data: { paths: videos, recursive: false } })
  if (r.outcome !== 'done') throw new Error(`ingest failed: ${r.error}`)
  const setCaption = p.ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?')
  const ids = (p.ctx.db.prepare('SELECT id FROM clips ORDER BY id').pluck().all() as number[])
  ids.forEach((id, i) => setCaption.run(CAPTIONS[i % CAPTIONS.length], id))
  // As after an InternVid import (0009): two clips in three hold a file's scores, which scoring
  // replaces (and copies into `scores` as stale), in the project and in each shard alike.
  const importId = p.ctx.db.prepare("INSERT INTO imports (file_name, path, created_at) VALUES ('iv.jsonl', '/data/iv.jsonl', '2026-01-01T00:00:00Z')").run().lastInsertRowid
  p.ctx.db.prepare('UPDATE clips SET import_id = ?, similarity = 0.05 * (id % 7), aesthetic = 4 + id % 3, imported_scores = 3 WHERE id % 3 <> 0').run(importId)
  const models = await fixtureModels(join(p.dir, 'models'))
  p.ctx.repos.settings.set('models', { similarity: models.ids.viclip, aestheticImage: models.ids.image, aestheticHead: models.ids.head })
  p.ctx.repos.settings.set('ml', { provider: 'cpu', threads: 1, batchSize: 4 })
  return { p, clipIds: ids, ...models }
}

export interface Results {
  scores: { clip_id: number; kind: string; value: number; model_id: string; model_revision: string; stale: number }[]
  embeddings: { clip_id: number; model_id: string; vector: number[] }[]
  steps: { clip_id: number; step: string; status: string; model_id: string | null }[]
  mirrors: { id: number; similarity: number | null; aesthetic: number | null }[]
}

/** What a scoring run leaves in a project, in a comparable form. */
export function results(db: Db): Results {
  return {
    scores: db.prepare('SELECT clip_id, kind, value, model_id, model_revision, stale FROM scores ORDER BY clip_id, kind, model_id').all() as Results['scores'],
    embeddings: (db.prepare('SELECT clip_id, model_id, vector FROM clip_embeddings ORDER BY clip_id, model_id').all() as { clip_id: number; model_id: string; vector: Buffer }[])
      .map((e) => ({ clip_id: e.clip_id, model_id: e.model_id, vector: [...new Float32Array(new Uint8Array(e.vector).buffer)] })),
    steps: db.prepare("SELECT clip_id, step, status, model_id FROM clip_steps WHERE step IN ('similarity', 'aesthetic') ORDER BY clip_id, step").all() as Results['steps'],
    mirrors: db.prepare('SELECT id, similarity, aesthetic FROM clips ORDER BY id').all() as Results['mirrors'],
  }
}

/** Every row of the tables a merge may touch, exactly (timestamps and row ids included). */
export function exactDump(db: Db): string {
  return JSON.stringify(['scores', 'clip_embeddings', 'clip_steps', 'clips', 'settings'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).raw().all()), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))
}

export function expectSameResults(a: Results, b: Results, expect: (v: unknown) => { toEqual(x: unknown): void; toBeLessThan(x: number): void }): void {
  const strip = (r: Results) => ({ ...r, scores: r.scores.map(({ value: _v, ...k }) => k), embeddings: r.embeddings.map(({ vector: _v, ...k }) => k), mirrors: r.mirrors.map((m) => m.id) })
  expect(strip(a)).toEqual(strip(b))
  a.scores.forEach((s, i) => expect(Math.abs(s.value - b.scores[i].value)).toBeLessThan(1e-6))
  a.mirrors.forEach((m, i) => {
    expect(m.similarity === null).toEqual(b.mirrors[i].similarity === null)
    expect(m.aesthetic === null).toEqual(b.mirrors[i].aesthetic === null)
    expect(Math.abs((m.similarity ?? 0) - (b.mirrors[i].similarity ?? 0))).toBeLessThan(1e-6)
    expect(Math.abs((m.aesthetic ?? 0) - (b.mirrors[i].aesthetic ?? 0))).toBeLessThan(1e-6)
  })
  a.embeddings.forEach((e, i) => e.vector.forEach((x, j) => expect(Math.abs(x - b.embeddings[i].vector[j])).toBeLessThan(1e-6)))
}

export type { ProjectContext }
