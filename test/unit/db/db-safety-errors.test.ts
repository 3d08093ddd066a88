import { spawnSync } from 'node:child_process'
import { chmodSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import { mapDbError, ProjectDbError } from '../../../src-main/db/db-errors'
import { seedClips, tempDir } from '../../support/temp-project'

const ROOT = join(__dirname, '..', '..', '..')

/**
 * Another connection (a job worker's, in the app) takes the write lock, tells us, holds it for
 * `holdMs`, then commits. A thread, not this one: better-sqlite3 waits synchronously, so a lock
 * held on our own thread could never be released while we wait.
 */
function holdWriteLock(path: string, holdMs: number): Promise<{ locked: Promise<void>; done: Promise<void> }> {
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads')
     const Database = require(workerData.driver)
     const db = new Database(workerData.path)
     db.exec('BEGIN IMMEDIATE')
     db.prepare("INSERT INTO settings (key, value_json) VALUES ('held', '1')").run()
     parentPort.postMessage('locked')
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs)
     db.exec('COMMIT')
     db.close()`,
    { eval: true, workerData: { path, holdMs, driver: require.resolve('better-sqlite3') } },
  )
  let onLocked!: () => void
  const locked = new Promise<void>((r) => (onLocked = r))
  worker.once('message', onLocked)
  const done = new Promise<void>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', () => resolve())
  })
  return Promise.resolve({ locked, done })
}

describe('database errors the user can act on', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('a write waits out another connection holding the write lock for ~1 s (busy_timeout 5 s)', async () => {
    const t = tempDir()
    const ctx = openProject(join(t.dir, 'p.vicurate'), { create: true })
    cleanup = () => (ctx.close(), t.cleanup())
    const lock = await holdWriteLock(ctx.path, 1000)
    await lock.locked
    const t0 = performance.now()
    seedClips(ctx, [{ startS: 0, endS: 1 }])
    expect(performance.now() - t0).toBeGreaterThan(500)
    await lock.done
    expect(ctx.repos.clips.countByStatus().pending).toBe(1)
    expect(ctx.db.prepare("SELECT value_json FROM settings WHERE key = 'held'").pluck().get()).toBe('1')
  })

  it('a lock held past the timeout gives a message naming the project and the wait, and saves nothing', async () => {
    const t = tempDir()
    const ctx = openProject(join(t.dir, 'p.vicurate'), { create: true })
    cleanup = () => (ctx.close(), t.cleanup())
    ctx.db.pragma('busy_timeout = 200')
    const lock = await holdWriteLock(ctx.path, 1000)
    await lock.locked
    let caught: unknown
    try {
      seedClips(ctx, [{ startS: 0, endS: 1 }])
    } catch (err) {
      caught = mapDbError(err, ctx.path, 200)
    }
    await lock.done
    expect(caught).toBeInstanceOf(ProjectDbError)
    expect((caught as Error).message).toBe(
      `project ${ctx.path} is busy: another connection (a running job, another window or a vicurate command) held the write lock for 0.2 s; the change was not saved, try again when it finishes`,
    )
    expect(ctx.repos.clips.countByStatus().pending).toBe(0)
  })

  it('a full disk (max_page_count) rolls the transaction back and says so, and the project stays usable', () => {
    const t = tempDir()
    const ctx = openProject(join(t.dir, 'p.vicurate'), { create: true })
    cleanup = () => (ctx.close(), t.cleanup())
    seedClips(ctx, [{ startS: 0, endS: 1 }])
    const pages = ctx.db.pragma('page_count', { simple: true }) as number
    ctx.db.pragma(`max_page_count = ${pages + 2}`)
    const setCaption = ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?')
    const bigWrite = ctx.db.transaction(() => {
      const ids = seedClips(ctx, Array.from({ length: 50 }, (_, i) => ({ startS: 10 + i, endS: 11 + i })), 'vid-2')
      for (const id of ids) setCaption.run('x'.repeat(2000), id)
    })
    let caught: unknown
    try {
      bigWrite()
    } catch (err) {
      caught = mapDbError(err, ctx.path)
    }
    expect((caught as Error).message).toBe(`disk full while writing ${ctx.path}; nothing was lost: the last transaction was rolled back`)
    expect(ctx.db.inTransaction).toBe(false)
    expect(ctx.repos.clips.countByStatus().pending).toBe(1)
    ctx.db.pragma('max_page_count = 1073741823')
    seedClips(ctx, [{ startS: 5, endS: 6 }], 'vid-3')
    expect(ctx.repos.clips.countByStatus().pending).toBe(2)
  })

  it('a read-only project file in a read-only folder is refused with "project file is read-only" and left as it was', () => {
    const t = tempDir()
    const path = join(t.dir, 'p.vicurate')
    openProject(path, { create: true }).close()
    const before = readFileSync(path)
    chmodSync(path, 0o444)
    chmodSync(t.dir, 0o555)
    cleanup = () => (chmodSync(t.dir, 0o755), t.cleanup())
    // Root ignores permissions, so as root the open runs in a child as "nobody" (uid 65534).
    const asRoot = process.getuid?.() === 0
    const code = `try { require(${JSON.stringify(join(ROOT, 'src-main/core/project-context.ts'))}).openProject(${JSON.stringify(path)}); console.log('opened') }
      catch (e) { console.log(e.message) }`
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', code], {
      encoding: 'utf8',
      cwd: ROOT,
      ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } } : {}),
    })
    expect(r.stderr).not.toMatch(/Error:/)
    expect(r.stdout.trim()).toMatch(new RegExp(`^project file is read-only: ${path.replace(/[.]/g, '\\.')} `))
    expect(readFileSync(path).equals(before)).toBe(true)
  })
})
