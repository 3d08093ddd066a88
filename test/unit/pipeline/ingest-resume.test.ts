import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { SHARED_VIDEOS, tempDir } from '../../support/temp-project'

const BIN = join(__dirname, '..', '..', '..', 'bin', 'vicurate')
const VIDEOS = ['cc0_3shots_cuts_at_2s_4s.mp4', 'flower.mp4', 'friday.mp4']

function snapshot(project: string) {
  const db = new Database(project, { readonly: true })
  try {
    return {
      clips: db.prepare('SELECT v.source_id, c.start_s, c.end_s FROM clips c JOIN videos v ON v.id = c.video_id ORDER BY 1, 2').all(),
      videos: db.prepare('SELECT source_id FROM videos ORDER BY 1').pluck().all(),
      framesDone: db.prepare("SELECT count(*) FROM clip_steps WHERE step = 'frames' AND status = 'done'").pluck().get(),
    }
  } finally {
    db.close()
  }
}

function killAfter(args: string[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { stdio: 'ignore', detached: true })
    const timer = setTimeout(() => {
      // The launcher and its Node child are one process group: kill -9 them all.
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already exited
      }
    }, ms)
    child.on('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

describe('ingest resumes after kill -9', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('ends with exactly the clips an uninterrupted run gives, whatever point it was killed at', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const media = join(t.dir, 'media')
    mkdirSync(media)
    for (const v of VIDEOS) copyFileSync(join(SHARED_VIDEOS, v), join(media, v))
    const reference = join(t.dir, 'reference.vicurate')
    expect(spawnSync(BIN, ['init', reference]).status).toBe(0)
    expect(spawnSync(BIN, ['ingest', reference, media, '--json'], { encoding: 'utf8' }).status).toBe(0)
    const expected = snapshot(reference)
    expect(expected.clips.length).toBeGreaterThanOrEqual(5)

    // Kill points spread over the run: startup, probing, scene detection, frame extraction.
    for (const ms of [700, 1300, 2000, 2800, 3600]) {
      const project = join(t.dir, `killed-${ms}.vicurate`)
      expect(spawnSync(BIN, ['init', project]).status).toBe(0)
      await killAfter(['ingest', project, media, '--json'], ms)
      const resumed = spawnSync(BIN, ['ingest', project, media, '--json'], { encoding: 'utf8' })
      expect({ ms, status: resumed.status }).toEqual({ ms, status: 0 })
      expect({ ms, ...snapshot(project) }).toEqual({ ms, ...expected })
    }
  }, 240_000)
})
