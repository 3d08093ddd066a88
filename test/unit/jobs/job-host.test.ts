import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobProgressEvent } from '../../../src-main/api/contract'
import { JobHost } from '../../../src-main/jobs/job-host'
import { SHARED_VIDEOS, tempProject } from '../../support/temp-project'

describe('jobs run in worker threads for the UI transports', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('runs an ingest off the main thread and relays throttled progress with rate and ETA', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const video = join(p.dir, 'three.mp4')
    copyFileSync(join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4'), video)
    const host = new JobHost(p.ctx)
    const events: JobProgressEvent[] = []
    const changed: unknown[] = []
    p.ctx.bus.subscribe((name, payload) => {
      if (name === 'jobs:progress') events.push(payload as JobProgressEvent)
      if (name === 'clips:changed') changed.push(payload)
    })
    let ticks = 0
    const timer = setInterval(() => ticks++, 20) // the main loop stays free while the worker decodes
    const jobId = host.start({ name: 'ingest', data: { paths: [video], recursive: false } })
    expect(() => host.start({ name: 'ingest', data: { paths: [video], recursive: false } })).toThrow(/already running/)
    await host.settled(jobId)
    clearInterval(timer)
    expect(ticks).toBeGreaterThan(5)
    expect(p.ctx.repos.jobs.get(jobId)).toMatchObject({ status: 'done', done: expect.any(Number), total: expect.any(Number) })
    expect(p.ctx.repos.clips.countByStatus().pending).toBe(3)
    expect(events.at(-1)).toMatchObject({ jobId, name: 'ingest', status: 'done', unit: 'frames' })
    expect(events.every((e) => e.total === 0 || e.done <= e.total)).toBe(true)
    expect(changed.length).toBeGreaterThan(0)
    expect(host.list()[0]).toMatchObject({ id: jobId, name: 'ingest', status: 'done' })
  })

  it('cancels a running job and records it as cancelled', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    const host = new JobHost(p.ctx)
    const videos = ['sintel_trailer_30s.mp4', 'cockatoo.mp4'].map((v) => join(SHARED_VIDEOS, v))
    const jobId = host.start({ name: 'ingest', data: { paths: videos, recursive: false } })
    await new Promise((r) => setTimeout(r, 1500))
    expect(host.cancel(jobId)).toBe(true)
    await host.settled(jobId)
    expect(p.ctx.repos.jobs.get(jobId)?.status).toBe('cancelled')
    expect(host.cancel(jobId)).toBe(false)
  })
})
