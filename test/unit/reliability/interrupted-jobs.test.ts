import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandlers, dispatch } from '../../../src-main/api/handlers'
import { openProject } from '../../../src-main/core/project-context'
import { currentOwner, pidAlive } from '../../../src-main/core/process-owner'
import { JobHost } from '../../../src-main/jobs/job-host'
import { interruptOrphanedJobs } from '../../../src-main/jobs/job-owners'
import { SHARED_VIDEOS, tempDir, tempProject } from '../../support/temp-project'

const BIN = join(__dirname, '..', '..', '..', 'bin', 'vicurate')
const STOPPED = /^interrupted: the process running it \(pid \d+\) stopped before the job finished; resume it/

interface Row {
  id: number
  status: string
  params_json: string
  owner_pid: number | null
}

/** The jobs table as another process sees it, read without opening the project (no marking). */
function rows(project: string): Row[] {
  const db = new Database(project, { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT id, status, params_json, owner_pid FROM jobs ORDER BY id').all() as Row[]
  } finally {
    db.close()
  }
}

/** The CLI in its own process group, so kill -9 takes the launcher, Node and ffmpeg together. */
function start(args: string[]): { child: ChildProcess; exited: Promise<number | null>; kill: () => void } {
  const child = spawn(BIN, args, { stdio: 'ignore', detached: true })
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  return { child, exited, kill }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const runningRowFor = (project: string, file: string) => () => rows(project).find((r) => r.status === 'running' && r.params_json.includes(file))

/**
 * Until the killed CLI's Node process is dead: SIGKILL takes effect asynchronously, and the
 * launcher (whose exit we saw) may go before its child does.
 */
const gone = (pid: number) => until(`pid ${pid} to die`, () => (pidAlive(pid) ? undefined : true), 10_000)

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const pid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout)
  expect(pidAlive(pid)).toBe(false)
  return pid
}

describe('jobs whose process was killed', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('a CLI job killed -9 becomes interrupted when the jobs are listed or the project opened, a live CLI job is left running, and the interrupted one resumes', async () => {
    const t = tempDir()
    const project = join(t.dir, 'p.vicurate')
    openProject(project, { create: true }).close()
    // The live job: four copies of a 30 s trailer, seconds of work, so it outlives the checks.
    const long = [1, 2, 3, 4].map((i) => join(t.dir, `trailer-${i}.mp4`))
    for (const f of long) copyFileSync(join(SHARED_VIDEOS, 'sintel_trailer_30s.mp4'), f)
    const short = join(t.dir, 'cockatoo.mp4')
    copyFileSync(join(SHARED_VIDEOS, 'cockatoo.mp4'), short)
    const live = start(['ingest', project, ...long])
    cleanup = () => (live.kill(), t.cleanup())
    const liveRow = await until('the live ingest to run', runningRowFor(project, 'trailer-1.mp4'))
    const doomed = start(['ingest', project, short])
    cleanup = () => (live.kill(), doomed.kill(), t.cleanup())
    const doomedRow = await until('the second ingest to run', runningRowFor(project, 'cockatoo.mp4'))
    // Opened while both run: both owners are alive, so neither row is touched.
    const ctx = openProject(project)
    const handlers = createHandlers(ctx, new JobHost(ctx))
    cleanup = () => (live.kill(), doomed.kill(), ctx.close(), t.cleanup())
    expect(rows(project).filter((r) => r.status === 'running').map((r) => r.id)).toEqual([liveRow.id, doomedRow.id])

    doomed.kill()
    await doomed.exited
    await gone(doomedRow.owner_pid!)
    expect(rows(project).find((r) => r.id === doomedRow.id)?.status).toBe('running') // what the kill left

    // The Jobs panel lists while the UI has the project open: the dead CLI's row is marked there.
    const listed = (await dispatch(handlers, 'jobs:list', {}, { transport: 'http' })) as { id: number; status: string; error: string | null }[]
    expect(listed.find((j) => j.id === doomedRow.id)).toMatchObject({ status: 'interrupted', error: expect.stringMatching(STOPPED) })
    expect(listed.find((j) => j.id === liveRow.id)?.status).toBe('running')
    expect(pidAlive(liveRow.owner_pid!)).toBe(true) // it was alive when we looked: the check was real

    // A fresh open after the live one is killed too marks it as well.
    live.kill()
    await live.exited
    await gone(liveRow.owner_pid!)
    const again = openProject(project)
    try {
      expect(again.repos.jobs.get(liveRow.id)).toMatchObject({ status: 'interrupted', error: expect.stringMatching(STOPPED) })
    } finally {
      again.close()
    }

    // Resume (the Jobs panel's button) re-runs the stored request under a new id and finishes it.
    const { jobId } = (await dispatch(handlers, 'jobs:resume', { jobId: doomedRow.id }, { transport: 'http' })) as { jobId: number }
    await until('the resumed job to end', () => (['running', 'queued'].includes(ctx.repos.jobs.get(jobId)!.status) ? undefined : true))
    expect(ctx.repos.jobs.get(jobId)?.status).toBe('done')
    expect(ctx.repos.jobs.get(doomedRow.id)?.status).toBe('interrupted')
  }, 120_000)

  it('a job of `vicurate serve` killed -9 is interrupted on the next open', async () => {
    const t = tempDir()
    const project = join(t.dir, 'p.vicurate')
    openProject(project, { create: true }).close()
    const video = join(t.dir, 'trailer.mp4')
    copyFileSync(join(SHARED_VIDEOS, 'sintel_trailer_30s.mp4'), video)
    const serve = spawn(BIN, ['serve', project], { stdio: ['ignore', 'pipe', 'ignore'], detached: true })
    const exited = new Promise<void>((r) => serve.on('exit', () => r()))
    const kill = () => {
      try {
        process.kill(-serve.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    cleanup = () => (kill(), t.cleanup())
    const openUrl = await new Promise<string>((resolve, reject) => {
      let out = ''
      serve.stdout!.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /open: (\S+)/.exec(out)
        if (m) resolve(m[1])
      })
      serve.on('exit', () => reject(new Error(`serve exited early: ${out}`)))
    })
    const url = new URL(openUrl)
    const res = await fetch(`${url.origin}/api/jobs:start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${url.searchParams.get('token')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request: { name: 'ingest', data: { paths: [video] } } }),
    })
    expect(res.status).toBe(200)
    const row = await until('the ingest to run in serve\'s worker', runningRowFor(project, 'trailer.mp4'))
    kill()
    await exited
    await gone(row.owner_pid!)

    const ctx = openProject(project)
    try {
      expect(ctx.repos.jobs.get(row.id)).toMatchObject({ status: 'interrupted', error: expect.stringMatching(STOPPED) })
    } finally {
      ctx.close()
    }
  }, 60_000)

  it('marks only rows whose owner is certainly gone: a live process and another host are left alone, a reused pid is not', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const jobs = p.ctx.repos.jobs
    const me = currentOwner()
    const dead = deadPid()
    const mine = jobs.create('similarity', {}, me)
    jobs.markRunning(mine, me)
    const otherHost = jobs.create('similarity', {}, { host: `not-${hostname()}`, pid: dead, started: null })
    jobs.markRunning(otherHost, { host: `not-${hostname()}`, pid: dead, started: null })
    const deadOwner = jobs.create('aesthetic', {}, { ...me, pid: dead, started: null })
    // This process's pid but another start time: the pid was reused after its owner died.
    const reused = jobs.create('ingest', { paths: ['/v.mp4'] }, { ...me, started: 'another-boot:1' })
    jobs.markRunning(reused, { ...me, started: 'another-boot:1' })
    // A row from before schema 5 names no owner.
    const legacy = Number(p.ctx.db.prepare("INSERT INTO jobs (name, status, params_json, created_at) VALUES ('aesthetic', 'running', '{}', '2026-01-01T00:00:00.000Z')").run().lastInsertRowid)
    const finished = jobs.create('aesthetic', {}, { ...me, pid: dead, started: null })
    jobs.finish(finished, 'done')

    expect(interruptOrphanedJobs(jobs, p.ctx.db).sort((a, b) => a - b)).toEqual([deadOwner, reused, legacy])
    expect(jobs.get(mine)?.status).toBe('running')
    expect(jobs.get(otherHost)?.status).toBe('running')
    expect(jobs.get(deadOwner)).toMatchObject({ status: 'interrupted', error: expect.stringMatching(STOPPED) })
    expect(jobs.get(legacy)).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/^interrupted: the process running it stopped/) })
    expect(jobs.get(finished)?.status).toBe('done')
    // A row read before another process resumed it (new owner) is not overwritten by a stale check.
    const stale = jobs.get(mine)!
    jobs.markRunning(mine, { ...me, started: 'someone-else' })
    expect(jobs.interrupt(stale, 'stale')).toBe(false)
    expect(jobs.get(mine)?.status).toBe('running')
  })
})
