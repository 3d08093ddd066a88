import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../../src-main/api/errors'
import { decideBatchAsync, undoBatchAsync } from '../../../src-main/services/batch-runner'
import { datasetWorkerEntry } from '../../../src-main/services/dataset-worker-entry'
import { seedClips, tempProject } from '../../support/temp-project'

/**
 * Large batch decisions run in a worker thread (threshold forced to 1 clip here): same result,
 * same audit rows, the same refusal when the set changed, and the server's own clients told.
 */
describe('batch decisions off the server thread', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  function project() {
    const p = tempProject()
    cleanup = p.cleanup
    const ids = seedClips(p.ctx, Array.from({ length: 30 }, (_, i) => ({ startS: i * 10, endS: i * 10 + 2 + (i % 5), similarity: 0.1 + (i % 10) / 40 })))
    const events: unknown[] = []
    p.ctx.bus.subscribe((name, payload) => events.push([name, payload]))
    return { ctx: p.ctx, ids, events }
  }
  const statuses = (ctx: ReturnType<typeof project>['ctx']) => ctx.db.prepare('SELECT status, count(*) AS n FROM clips GROUP BY status ORDER BY status').all()

  it('decides the filtered set in a worker, writes the audit rows, and undoes it there too', async () => {
    const { ctx, events } = project()
    // The worker entry is found (here the .ts source run through tsx): no fallback to this thread.
    expect(datasetWorkerEntry('batch-worker')).not.toBeNull()
    const filters = { similarity: { min: 0.2 } }
    const n = ctx.db.prepare('SELECT count(*) FROM clips WHERE similarity >= 0.2').pluck().get() as number
    const r = await decideBatchAsync(ctx, { status: 'pending', filters, action: 'reject', reason: 'off topic', expectedCount: n }, 1)
    expect(r.changed).toBe(n)
    expect(statuses(ctx)).toEqual([{ status: 'pending', n: 30 - n }, { status: 'rejected', n }])
    const audit = ctx.db.prepare("SELECT count(*) FROM review_events WHERE batch_id = ? AND reason = 'off topic' AND value_after = 'rejected'").pluck().get(r.batchId)
    expect(audit).toBe(n)
    expect(events).toEqual([['clips:changed', { clipIds: [] }]])
    const u = await undoBatchAsync(ctx, r.batchId, 1)
    expect(u).toEqual({ restored: n, skipped: 0 })
    expect(statuses(ctx)).toEqual([{ status: 'pending', n: 30 }])
    expect(events).toHaveLength(2)
  })

  it("brings the worker's refusals back with their codes, and changes nothing", async () => {
    const { ctx, events } = project()
    const wrong = decideBatchAsync(ctx, { status: 'all', filters: {}, action: 'accept', expectedCount: 29 }, 1)
    await expect(wrong).rejects.toBeInstanceOf(ApiError)
    await expect(wrong).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/now has 30 clips, not 29/) })
    await expect(decideBatchAsync(ctx, { action: 'maybe' as never, expectedCount: 5 }, 1)).rejects.toMatchObject({ code: 'bad_request' })
    await expect(undoBatchAsync(ctx, 'no-such-batch', 0)).rejects.toMatchObject({ code: 'not_found' })
    expect(statuses(ctx)).toEqual([{ status: 'pending', n: 30 }])
    expect(events).toEqual([])
  })
})
