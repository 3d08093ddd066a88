import { spawn, spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pidAlive } from '../../../src-main/core/process-owner'
import { exportDataset } from '../../../src-main/services/dataset-export.service'
import { seedClips, tempProject } from '../../support/temp-project'

/** The pid of a process that has run and exited: what a killed export leaves in its temp names. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  const pid = Number(r.stdout)
  expect(pidAlive(pid)).toBe(false)
  return pid
}

describe('an export cleans up after killed exports to the same path', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('removes its own temp files of dead pids, and keeps live pids\' files, other outputs\' files and anything else', async () => {
    const t = tempProject()
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' })
    cleanup = () => (live.kill('SIGKILL'), t.cleanup())
    await new Promise((r) => live.once('spawn', r))
    seedClips(t.ctx, [{ startS: 0, endS: 2, similarity: 0.5 }])
    const out = join(t.dir, 'data.jsonl')
    const dead = deadPid()
    const stale = [`data.jsonl.tmp-${dead}-0badc0de`, `data.jsonl.manifest.json.tmp-${dead}`]
    const kept = [
      `data.jsonl.tmp-${live.pid}-0badc0de`, // a live export to the same path is still writing it
      `data.jsonl.manifest.json.tmp-${live.pid}`,
      `other.jsonl.tmp-${dead}-0badc0de`, // another output's temp file is that export's business
      `data.jsonl2.tmp-${dead}-0badc0de`,
      `data.jsonl.tmp-${dead}-0badc0de.keep`, // not exactly our pattern: the user's file
      `data.jsonl.tmp-${dead}-NOTHEX00`,
      'data.jsonl.tmp-notapid-0badc0de',
    ]
    for (const name of [...stale, ...kept]) writeFileSync(join(t.dir, name), 'partial')
    // A folder and a link with a matching name are not files an export wrote.
    mkdirSync(join(t.dir, `data.jsonl.tmp-${dead}-00000001`))
    symlinkSync(join(t.dir, 'data.jsonl.tmp-notapid-0badc0de'), join(t.dir, `data.jsonl.tmp-${dead}-00000002`))

    const r = exportDataset(t.ctx, out, { status: 'all', where: [], topPercent: null, div: null, preset: null })

    expect(r.rows).toBe(1)
    for (const name of stale) expect(existsSync(join(t.dir, name)), name).toBe(false)
    for (const name of kept) expect(existsSync(join(t.dir, name)), name).toBe(true)
    expect(lstatSync(join(t.dir, `data.jsonl.tmp-${dead}-00000001`)).isDirectory()).toBe(true)
    expect(lstatSync(join(t.dir, `data.jsonl.tmp-${dead}-00000002`)).isSymbolicLink()).toBe(true)
    expect(readdirSync(t.dir).filter((n) => n.startsWith('data.jsonl') && !n.includes('.tmp-'))).toEqual(['data.jsonl', 'data.jsonl.manifest.json'])
  })
})
