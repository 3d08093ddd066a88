import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openProject, workerOpenCheck, type ProjectContext } from '../../../src-main/core/project-context'
import { JobHost } from '../../../src-main/jobs/job-host'
import { tempDir } from '../../support/temp-project'

/**
 * quick_check on open is for the process that opens a project first; the workers it starts on
 * the same file (jobs, statistics) skip it (core/project-context.ts workerOpenCheck). Observed
 * here without timings: a file damaged after the parent's checked open is refused by any new
 * first open, yet a job worker of that parent opens it and runs; a worker of a parent that did
 * not check checks for itself and refuses it.
 */

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

/**
 * A sound project with a `filler` table spanning many pages, checkpointed into the main file.
 * Nothing a job touches lives in that table, so damaging it is seen only by an integrity check.
 */
function projectWithFiller(dir: string): { path: string; fillerRoot: number; pageSize: number } {
  const path = join(dir, 'p.vicurate')
  openProject(path, { create: true }).close()
  const db = new Database(path)
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, pad BLOB)')
  const put = db.prepare('INSERT INTO filler (pad) VALUES (randomblob(1000))')
  db.transaction(() => {
    for (let i = 0; i < 200; i++) put.run()
  })()
  const fillerRoot = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'filler'").pluck().get() as number
  const pageSize = db.pragma('page_size', { simple: true }) as number
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return { path, fillerRoot, pageSize }
}

/** Overwrites the b-tree page header of `page` (an invalid page type): quick_check reports it. */
function damagePage(path: string, page: number, pageSize: number): void {
  const fd = openSync(path, 'r+')
  try {
    writeSync(fd, Buffer.alloc(12, 0xee), 0, 12, (page - 1) * pageSize)
  } finally {
    closeSync(fd)
  }
}

/** A job that touches only its own row: verify an empty model store. */
async function runVerifyJob(parent: ProjectContext): Promise<{ status: string; error: string | null }> {
  const host = new JobHost(parent)
  const id = host.start({ name: 'modelVerify', data: {} })
  await host.settled(id)
  const row = parent.repos.jobs.get(id)!
  return { status: row.status, error: row.error }
}

describe('integrity check on open: the first opener checks, its workers do not', () => {
  it('a damaged file is refused by a first open, but a job worker of a parent that checked it opens without checking; one of an unchecked parent refuses it', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const models = join(t.dir, 'models')
    mkdirSync(models)
    const before = process.env.VICURATE_MODELS_DIR
    process.env.VICURATE_MODELS_DIR = models // workers take the environment of their start
    cleanups.push(() => (before === undefined ? delete process.env.VICURATE_MODELS_DIR : (process.env.VICURATE_MODELS_DIR = before)))
    const { path, fillerRoot, pageSize } = projectWithFiller(t.dir)

    const checked = openProject(path)
    // Closed without the close backup: VACUUM INTO would read the damaged table.
    cleanups.push(() => checked.db.close())
    expect(checked.integrityCheck).toBe('quick')
    expect(workerOpenCheck(checked)).toBe('off')

    damagePage(path, fillerRoot, pageSize)
    // Any process opening it now (the app, serve, a CLI command) checks, and refuses it.
    const firstOpen = (() => {
      try {
        openProject(path).close()
        return null
      } catch (err) {
        return err
      }
    })()
    expect(firstOpen).toMatchObject({ code: 'damaged', message: expect.stringContaining(`project file ${path} is damaged`) })

    expect(await runVerifyJob(checked)).toEqual({ status: 'done', error: null })

    const unchecked = openProject(path, { check: 'off' })
    cleanups.push(() => unchecked.db.close())
    expect(unchecked.integrityCheck).toBe('off')
    expect(workerOpenCheck(unchecked)).toBe('quick')
    const refused = await runVerifyJob(unchecked)
    expect(refused.status).toBe('failed')
    expect(refused.error).toMatch(/worker crashed: .*damaged/)
  }, 60_000)

  it('a new project counts as unchecked, so its workers check; a context made elsewhere (a shard) too', () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const ctx = openProject(join(t.dir, 'new.vicurate'), { create: true })
    cleanups.push(() => ctx.close())
    expect(ctx.integrityCheck).toBe('off')
    expect(workerOpenCheck(ctx)).toBe('quick')
    expect(workerOpenCheck({})).toBe('quick')
  })
})
