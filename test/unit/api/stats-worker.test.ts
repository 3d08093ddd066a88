import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandlers, type CallContext, type Handlers } from '../../../src-main/api/handlers'
import { openProject, type ProjectContext } from '../../../src-main/core/project-context'
import { startServer, type RunningServer } from '../../../src-main/server/http-server'
import { density } from '../../../src-main/services/density.service'
import { histogram, keepRate } from '../../../src-main/services/filter.service'
import { StatsHost } from '../../../src-main/services/stats/stats-host'
import { createBigProject } from '../../support/big-project'
import { tempDir } from '../../support/temp-project'

/** A generated project big enough that a cold statistics pass takes real time (~50k clips). */
function bigProject(clips = 50_000): { ctx: ProjectContext; cleanup: () => void } {
  const t = tempDir()
  const path = join(t.dir, 'big.vicurate')
  createBigProject(path, { clips })
  const ctx = openProject(path, { check: 'off' })
  return {
    ctx,
    cleanup: () => {
      ctx.db.close()
      t.cleanup()
    },
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('statistics off the event loop', () => {
  let cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c()
    cleanups = []
  })

  function host(ctx: ProjectContext): StatsHost {
    const h = new StatsHost(ctx)
    cleanups.push(() => h.close())
    return h
  }

  it('the worker answers exactly what the in-process statistics answer', async () => {
    const p = bigProject(5_000)
    cleanups.push(p.cleanup)
    const h = host(p.ctx)
    const q = { status: 'pending' as const, filters: { similarity: { min: 0.3 }, aesthetic: { max: 6 } } }
    const [hist, keep, grid] = await Promise.all([h.histogram({ field: 'duration', bins: 40, ...q }), h.keepRate(q), h.density({ bins: 16, ...q })])
    expect(hist).toEqual(histogram(p.ctx, { field: 'duration', bins: 40, ...q }))
    expect(keep).toEqual(keepRate(p.ctx, q))
    expect(grid).toEqual(density(p.ctx, { bins: 16, ...q }))
    // Validation happens before anything is queued, with the service's messages.
    await expect(h.histogram({ field: 'colour' as never })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/cannot histogram/) })
  })

  it('drops a queued request whose caller went away, and stops the running one inside the worker', async () => {
    const p = bigProject(5_000)
    cleanups.push(p.cleanup)
    const h = host(p.ctx)
    const first = new AbortController()
    const second = new AbortController()
    // The worker is still starting: the first request is sent to it, the second waits here.
    const running = h.density({ status: 'pending' }, first.signal)
    const queued = h.histogram({ field: 'similarity', status: 'pending' }, second.signal)
    expect(h.pending).toBe(2)
    second.abort()
    await expect(queued).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cancelled/) })
    expect(h.pending).toBe(1)
    // Stopped before its pass got anywhere: the worker answers `cancelled`, not a result.
    first.abort()
    await expect(running).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cancelled/) })
    expect(h.pending).toBe(0)
    // The next request is not affected by the stop meant for the previous one.
    expect(await h.keepRate({ status: 'pending' })).toEqual(keepRate(p.ctx, { status: 'pending' }))
  })

  it('HTTP: clips:list answers while the statistics of a filter are still being computed', async () => {
    const p = bigProject()
    cleanups.push(p.cleanup)
    const real = createHandlers(p.ctx)
    const started = deferred()
    const handlers: Handlers = {
      ...real,
      'clips:density': (args, call) => {
        started.resolve()
        return real['clips:density'](args, call)
      },
    }
    const server: RunningServer = await startServer(p.ctx, { handlers, staticDir: p.ctx.dataDir })
    cleanups.push(() => server.close())
    const post = (channel: string, args: unknown) =>
      fetch(`${server.url}/api/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      }).then((r) => r.json() as Promise<{ ok: boolean; result: unknown }>)

    let statsDone = false
    // Cold: a new worker, ranges, the `all` grid and a pass over every pending clip.
    const stats = post('clips:density', { status: 'pending', filters: { aesthetic: { min: 4 } } }).then((r) => {
      statsDone = true
      return r
    })
    await started.promise
    const t0 = performance.now()
    const page = await post('clips:list', { status: 'pending', filters: { aesthetic: { min: 4 } }, limit: 100 })
    const listMs = performance.now() - t0
    expect(page.ok).toBe(true)
    expect(statsDone).toBe(false)
    expect((await stats).ok).toBe(true)
    expect(listMs).toBeLessThan(1000)
  })

  it('HTTP: a client that disconnects aborts the signal its handler was given', async () => {
    const p = bigProject(100)
    cleanups.push(p.cleanup)
    const seen = deferred()
    let signal: AbortSignal | undefined
    const handlers: Handlers = {
      ...createHandlers(p.ctx),
      'clips:histogram': (_args, call: CallContext) => {
        signal = call.signal
        seen.resolve()
        return new Promise(() => {})
      },
    }
    const server = await startServer(p.ctx, { handlers, staticDir: p.ctx.dataDir })
    cleanups.push(() => server.close())
    const client = new AbortController()
    const request = fetch(`${server.url}/api/clips:histogram`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ field: 'similarity' }),
      signal: client.signal,
    }).catch(() => 'aborted')
    await seen.promise
    expect(signal?.aborted).toBe(false)
    client.abort()
    expect(await request).toBe('aborted')
    await expect.poll(() => signal?.aborted, { timeout: 2000 }).toBe(true)
  })
})
