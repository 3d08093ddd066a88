import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { latestSchemaVersion } from '../../../src-main/db/migrate'
import { SHARED_VIDEOS, tempDir } from '../../support/temp-project'

const ROOT = join(__dirname, '..', '..', '..')
// The real launcher, run the way a user runs it (it re-execs under Node 22 when needed).
const cli = (...args: string[]) => spawnSync(join(ROOT, 'bin', 'vicurate'), args, { encoding: 'utf8', timeout: 60_000 })

describe('vicurate CLI', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('exits 2 with usage on stderr for no command, an unknown command or a missing argument', () => {
    for (const args of [[], ['frobnicate'], ['init'], ['serve', 'x.vicurate', '--port', 'abc']]) {
      const r = cli(...args)
      expect({ args, status: r.status }).toEqual({ args, status: 2 })
      expect(r.stderr).toMatch(/Usage|error:/)
    }
  })

  it('prints help for every subcommand with exit 0', () => {
    for (const sub of ['init', 'ingest', 'scenes', 'run', 'import', 'export', 'serve', 'models', 'similarity', 'demo']) {
      const r = cli(sub, '--help')
      expect({ sub, status: r.status }).toEqual({ sub, status: 0 })
      expect(r.stdout).toContain(`vicurate ${sub}`)
    }
  })

  it('init creates a project at the current schema version and refuses to overwrite', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const p = join(t.dir, 'x.vicurate')
    const r = cli('init', p)
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(`schema version ${latestSchemaVersion()}`)
    expect(existsSync(p)).toBe(true)
    expect(cli('init', p).status).toBe(1)
  })

  it('opening a non-project file fails with a clear error and exit 1', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const p = join(t.dir, 'notes.txt')
    writeFileSync(p, 'hello '.repeat(40))
    const r = cli('ingest', p, SHARED_VIDEOS)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/not a vicurate project/)
  })

  it('ingest --json reports per-file failures and goes on with the batch', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const p = join(t.dir, 'x.vicurate')
    expect(cli('init', p).status).toBe(0)
    const bogus = join(t.dir, 'not a video ü.mp4')
    writeFileSync(bogus, 'this is text, not video')
    const empty = join(t.dir, 'empty.mp4')
    writeFileSync(empty, '')
    const good = join(t.dir, 'flower clip.webm')
    copyFileSync(join(SHARED_VIDEOS, 'flower.webm'), good)
    const r = cli('ingest', p, bogus, empty, good, '--json')
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout) as { videos_ok: number; videos_failed: { path: string; error: string }[]; clips: number }
    expect(report.videos_ok).toBe(1)
    expect(report.clips).toBeGreaterThanOrEqual(1)
    expect(report.videos_failed).toEqual([
      { path: bogus, error: expect.stringMatching(/ffprobe cannot read it/) },
      { path: empty, error: 'empty file (0 bytes)' },
    ])
    // Same file again: registered once.
    const again = JSON.parse(cli('ingest', p, good, '--json').stdout) as { videos_ok: number; clips: number }
    expect(again).toMatchObject({ videos_ok: 0, clips: 0 })
    // Nothing processable at all: exit 1.
    expect(cli('ingest', p, bogus, '--json').status).toBe(1)
  })
})
