import { spawn } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import { seedClips, tempDir } from '../../support/temp-project'

const BIN = join(__dirname, '..', '..', '..', 'bin', 'vicurate')

describe('durability of decisions', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('a decision the API answered 200 for is on disk with its audit event after the server is killed -9', async () => {
    const t = tempDir()
    const project = join(t.dir, 'p.vicurate')
    const ctx = openProject(project, { create: true })
    const [clipId] = seedClips(ctx, [{ startS: 0, endS: 1 }, { startS: 1, endS: 2 }])
    ctx.close()

    // Its own process group, so kill -9 takes the launcher and its Node child together.
    const child = spawn(BIN, ['serve', project], { stdio: ['ignore', 'pipe', 'ignore'], detached: true })
    const exited = new Promise<void>((r) => child.on('exit', () => r()))
    cleanup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
      t.cleanup()
    }
    const openUrl = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /open: (\S+)/.exec(out)
        if (m) resolve(m[1])
      })
      child.on('exit', () => reject(new Error(`serve exited early: ${out}`)))
    })
    const url = new URL(openUrl)
    const res = await fetch(`${url.origin}/api/clips:decide`, {
      method: 'POST',
      headers: { authorization: `Bearer ${url.searchParams.get('token')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clipId, action: 'accept', reason: 'sharp' }),
    })
    expect(res.status).toBe(200)
    process.kill(-child.pid!, 'SIGKILL') // no clean close, no checkpoint: the decision must be in the WAL
    await exited

    const db = new Database(project, { readonly: true })
    try {
      expect(db.prepare('SELECT status FROM clips WHERE id = ?').pluck().get(clipId)).toBe('accepted')
      expect(db.prepare("SELECT action, reason, value_before, value_after FROM review_events WHERE clip_id = ? AND kind = 'decision'").all(clipId)).toEqual([
        { action: 'accept', reason: 'sharp', value_before: 'pending', value_after: 'accepted' },
      ])
    } finally {
      db.close()
    }
  })
})
