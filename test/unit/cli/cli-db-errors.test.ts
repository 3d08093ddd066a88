import { spawn } from 'node:child_process'
import { chmodSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import { holdWriteLock } from '../../support/write-lock'
import { SHARED_VIDEOS, tempDir } from '../../support/temp-project'

const BIN = join(__dirname, '..', '..', '..', 'bin', 'vicurate')
// Root ignores file modes, so as root a command that must meet a read-only file runs as "nobody".
const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } } : {}

function cli(args: string[], opts: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts })
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('close', (code) => resolve({ code, stderr }))
  })
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('project-file errors through the CLI', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('a read-only project file exits 1 with "project file is read-only" naming it, no stack trace, and is left as it was', async () => {
    const t = tempDir()
    const project = join(t.dir, 'p.vicurate')
    openProject(project, { create: true }).close()
    const before = readFileSync(project)
    chmodSync(project, 0o444)
    chmodSync(t.dir, 0o755) // others may enter the folder, not write in it
    cleanup = t.cleanup
    const r = await cli(['ingest', project, join(SHARED_VIDEOS, 'cockatoo.mp4')], asNobody)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`^vicurate: project file is read-only: ${escape(project)} \\(vicurate needs to write the file and create`))
    expect(r.stderr).not.toMatch(/\n\s+at |SQLITE_|Error:/)
    expect(readFileSync(project).equals(before)).toBe(true)
  })

  it('a write lock held past busy_timeout exits 1 with the busy message naming the project and the 5 s wait', async () => {
    const t = tempDir()
    const project = join(t.dir, 'p.vicurate')
    openProject(project, { create: true }).close()
    cleanup = t.cleanup
    // Held until the command gave up (its first write, the job row, waits 5 s); released then.
    const lock = holdWriteLock(project, 20_000)
    await lock.locked
    const r = await cli(['ingest', project, join(SHARED_VIDEOS, 'cockatoo.mp4')])
    lock.release()
    await lock.done
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      `vicurate: project ${project} is busy: another connection (a running job, another window or a vicurate command) held the write lock for 5.0 s; the change was not saved, try again when it finishes\n`,
    )
  }, 30_000)
})
