import { afterEach, describe, expect, it } from 'vitest'
import { createHandlers, dispatch } from '../../../src-main/api/handlers'
import { startServer } from '../../../src-main/server/http-server'
import { holdWriteLock } from '../../support/write-lock'
import { seedClips, tempProject } from '../../support/temp-project'

/**
 * SQLite failures in the middle of a session reach API callers as the project-file errors of
 * db/db-errors.ts: a specific code, an HTTP status saying what kind of problem it is, a message
 * naming the file, and no stack trace or SQLite jargon.
 */
describe('project-file errors through the API', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  async function answerOverHttp(t: ReturnType<typeof tempProject>, channel: string, args: unknown): Promise<{ status: number; body: { ok: boolean; error?: { code: string; message: string } } }> {
    const server = await startServer(t.ctx, { token: 't0ken' })
    try {
      const res = await fetch(`${server.url}/api/${channel}`, {
        method: 'POST',
        headers: { authorization: 'Bearer t0ken', 'content-type': 'application/json' },
        body: JSON.stringify(args),
      })
      return { status: res.status, body: (await res.json()) as never }
    } finally {
      await server.close()
    }
  }

  it('a write lock held past busy_timeout answers busy (503), naming the project and the wait; nothing is saved', async () => {
    const t = tempProject()
    cleanup = t.cleanup
    const [clipId] = seedClips(t.ctx, [{ startS: 0, endS: 1 }])
    t.ctx.db.pragma('busy_timeout = 200')
    const handlers = createHandlers(t.ctx)
    const message = `project ${t.ctx.path} is busy: another connection (a running job, another window or a vicurate command) held the write lock for 0.2 s; the change was not saved, try again when it finishes`

    let lock = holdWriteLock(t.ctx.path, 1500)
    await lock.locked
    await expect(dispatch(handlers, 'clips:decide', { clipId, action: 'accept' }, { transport: 'ipc' })).rejects.toMatchObject({ code: 'busy', message })
    await lock.done
    lock = holdWriteLock(t.ctx.path, 1500)
    await lock.locked
    const http = await answerOverHttp(t, 'clips:decide', { clipId, action: 'accept' })
    await lock.done
    expect(http).toEqual({ status: 503, body: { ok: false, error: { code: 'busy', message } } })
    expect(t.ctx.repos.clips.get(clipId)?.status).toBe('pending')
  })

  it('a full disk (max_page_count) answers disk_full (507) saying nothing was lost, and the project stays usable', async () => {
    const t = tempProject()
    cleanup = t.cleanup
    const [clipId] = seedClips(t.ctx, [{ startS: 0, endS: 1 }])
    const handlers = createHandlers(t.ctx)
    t.ctx.db.exec('VACUUM') // no free pages left inside the file: the caption must grow it
    t.ctx.db.pragma(`max_page_count = ${t.ctx.db.pragma('page_count', { simple: true }) as number}`)
    // ~10 KB of distinct words: overflow pages for the row and the audit event, new FTS terms.
    const caption = Array.from({ length: 1200 }, (_, i) => `word${i}`).join(' ')
    const message = `disk full while writing ${t.ctx.path}; nothing was lost: the last transaction was rolled back`

    await expect(dispatch(handlers, 'clips:updateCaption', { clipId, caption }, { transport: 'ipc' })).rejects.toMatchObject({ code: 'disk_full', message })
    expect(await answerOverHttp(t, 'clips:updateCaption', { clipId, caption })).toEqual({ status: 507, body: { ok: false, error: { code: 'disk_full', message } } })
    expect(t.ctx.db.inTransaction).toBe(false)
    t.ctx.db.pragma('max_page_count = 1073741823') // space freed: the same call now succeeds
    await expect(dispatch(handlers, 'clips:updateCaption', { clipId, caption }, { transport: 'ipc' })).resolves.toMatchObject({ id: clipId })
  })

  it('a connection SQLite holds read-only answers read_only (403), naming the file', async () => {
    const t = tempProject()
    cleanup = t.cleanup
    const [clipId] = seedClips(t.ctx, [{ startS: 0, endS: 1 }])
    const handlers = createHandlers(t.ctx)
    // chmod cannot make an open connection read-only (its file descriptor stays writable, and root
    // ignores modes); a read-only file is refused on open (test/unit/cli/cli-db-errors.test.ts).
    // query_only puts this connection in the state SQLite reports the same SQLITE_READONLY from.
    t.ctx.db.pragma('query_only = ON')
    const message = expect.stringMatching(new RegExp(`^project file is read-only: ${t.ctx.path.replace(/[.]/g, '\\.')} \\(vicurate needs to write the file`))

    await expect(dispatch(handlers, 'clips:decide', { clipId, action: 'reject' }, { transport: 'ipc' })).rejects.toMatchObject({ code: 'read_only', message })
    expect(await answerOverHttp(t, 'clips:decide', { clipId, action: 'reject' })).toEqual({ status: 403, body: { ok: false, error: { code: 'read_only', message } } })
    t.ctx.db.pragma('query_only = OFF')
    expect(t.ctx.repos.clips.get(clipId)?.status).toBe('pending')
  })
})
