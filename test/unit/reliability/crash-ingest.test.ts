import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import type { ClipFrames } from '../../../src-main/services/frames.service'
import { CLIP_JOIN, CLIP_KEY, clipSet, runCrashHarness, type CrashStage, type RunDir } from '../../support/crash-harness'
import { SHARED_VIDEOS } from '../../support/temp-project'

const VIDEOS = ['cc0_3shots_cuts_at_2s_4s.mp4', 'flower.mp4']

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16)

/**
 * Each clip's frame manifest and the files it names, by content: a kill mid-ffmpeg must not
 * leave a clip marked done over a truncated JPEG, nor a manifest pointing at a missing file.
 */
function frames(db: Database.Database, run: RunDir) {
  const dataDir = `${run.project}.d`
  const rows = db.prepare(`SELECT c.id, ${CLIP_KEY}, c.thumbnail FROM ${CLIP_JOIN} ORDER BY 2, 3, 4`).raw().all() as [number, string, number, number, string | null][]
  return rows.map(([id, source, start, end, thumbnail]) => {
    const file = join(dataDir, 'frames', `c${id}.json`)
    if (!existsSync(file)) return [source, start, end, 'no frame manifest']
    const m = JSON.parse(readFileSync(file, 'utf8')) as ClipFrames
    const files = [...m.viclip, ...m.aesthetic, m.middle, ...m.fine]
    const sprite = join(dataDir, 'sprites', `${id}.jpg`)
    return [source, start, end, thumbnail === m.middle, files.map((f) => (existsSync(join(dataDir, f)) ? sha(join(dataDir, f)) : `missing ${f}`)), existsSync(sprite) ? sha(sprite) : 'no sprite']
  })
}

const ingest: CrashStage = {
  name: 'ingest',
  async setup(inputs, workspace) {
    mkdirSync(join(inputs, 'media'))
    for (const v of VIDEOS) copyFileSync(join(SHARED_VIDEOS, v), join(inputs, 'media', v))
    openProject(workspace.project, { create: true }).close()
  },
  args: (run, inputs) => ['ingest', run.project, join(inputs, 'media'), '--json'],
  snapshot: (db, run) => ({
    ...clipSet(db),
    videos: db.prepare('SELECT source_id, duration_s, fps, status FROM videos ORDER BY 1').raw().all(),
    videoSteps: db.prepare('SELECT v.source_id, s.step, s.status FROM video_steps s JOIN videos v ON v.id = s.video_id ORDER BY 1, 2').raw().all(),
    frameSteps: db.prepare(`SELECT ${CLIP_KEY}, s.status FROM clip_steps s JOIN clips c ON c.id = s.clip_id JOIN videos v ON v.id = c.video_id
      WHERE s.step = 'frames' ORDER BY 1, 2, 3`).raw().all(),
    frames: frames(db, run),
  }),
}

describe('crash harness: ingest (scenes + frames)', () => {
  it('after kill -9 at 20 seeded random moments and a resume, has exactly the reference clips, steps and frame files', async () => {
    const r = await runCrashHarness(ingest)
    expect(r.landed).toBeGreaterThanOrEqual(r.kills)
  }, 600_000)
})
