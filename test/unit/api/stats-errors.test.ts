import { copyFileSync, openSync, closeSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../src-main/api/errors'
import type { ProjectContext } from '../../../src-main/core/project-context'
import { StatsHost } from '../../../src-main/services/stats/stats-host'
import { statsErrorReply } from '../../../src-main/services/stats/stats-jobs'
import { seedClips, tempProject } from '../../support/temp-project'

/**
 * A SQLite failure inside the statistics worker reaches the client as the project-file error the
 * API handlers give (db/project-errors.ts), not as SQLite's text under `internal`: only
 * `{code, message}` crosses the thread, so the worker maps it before it posts.
 */
const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('statistics worker errors', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  it('maps SQLite codes as the handlers do and leaves other errors as they are', () => {
    const t = tempProject()
    cleanups.push(t.cleanup)
    const path = t.ctx.path
    expect(statsErrorReply(sqliteError('SQLITE_CORRUPT', 'database disk image is malformed'), path, t.ctx.db)).toEqual({
      code: 'damaged',
      message: expect.stringMatching(new RegExp(`^project file ${path} is damaged \\(database disk image is malformed\\)\\. .*backup`)),
    })
    expect(statsErrorReply(sqliteError('SQLITE_BUSY', 'database is locked'), path, t.ctx.db)).toMatchObject({ code: 'busy', message: expect.stringContaining(path) })
    expect(statsErrorReply(sqliteError('SQLITE_IOERR_READ', 'disk I/O error'), path, t.ctx.db).code).not.toBe('damaged')
    expect(statsErrorReply(new ApiError('bad_request', 'bins must be 1..200'), path, t.ctx.db)).toEqual({ code: 'bad_request', message: 'bins must be 1..200' })
    expect(statsErrorReply(new Error('boom'), path, t.ctx.db)).toEqual({ code: 'internal', message: 'boom' })
  })

  it('a damaged page met by the worker answers `damaged` naming the project', async () => {
    const t = tempProject()
    cleanups.push(t.cleanup)
    seedClips(t.ctx, Array.from({ length: 4000 }, (_, i) => ({ startS: i, endS: i + 1, similarity: (i % 97) / 100, aesthetic: 3 + (i % 13) / 4 })))
    t.ctx.db.pragma('wal_checkpoint(TRUNCATE)')
    // A copy with every page of the clips table and its indexes overwritten (the schema intact, so
    // the worker opens it): any statistics pass meets SQLITE_CORRUPT.
    const damaged = join(t.dir, 'damaged.vicurate')
    copyFileSync(t.ctx.path, damaged)
    const probe = new Database(damaged, { readonly: true })
    const pageSize = probe.pragma('page_size', { simple: true }) as number
    const pages = probe
      .prepare("SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'clips' AND type IN ('table', 'index'))")
      .pluck()
      .all() as number[]
    probe.close()
    expect(pages.length).toBeGreaterThan(10)
    const fd = openSync(damaged, 'r+')
    for (const page of pages) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize)
    closeSync(fd)

    const host = new StatsHost({ ...t.ctx, path: damaged } as ProjectContext)
    cleanups.push(() => host.close())
    await expect(host.keepRate({ status: 'all', filters: { similarity: { min: 0.3 } } })).rejects.toMatchObject({
      code: 'damaged',
      message: expect.stringContaining(`project file ${damaged} is damaged`),
    })
  }, 30_000)
})
