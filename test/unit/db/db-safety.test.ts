import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import Database from 'better-sqlite3'
import { Command } from 'commander'
import { afterEach, describe, expect, it } from 'vitest'
import { registerRestore } from '../../../src-main/cli/commands/restore.command'
import { openProject } from '../../../src-main/core/project-context'
import { APPLICATION_ID, openProjectDb } from '../../../src-main/db/connection'
import { backupDirFor, createBackup, listBackups, restoreProject } from '../../../src-main/db/db-safety'
import { latestSchemaVersion, loadMigrations, migrate } from '../../../src-main/db/migrate'
import { seedClips, tempDir } from '../../support/temp-project'

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')

/** Overwrites bytes inside page `page` (1-based) of a closed database file. */
function patchPage(file: string, page: number, patch: (pageBytes: Buffer) => void): void {
  const probe = new Database(file, { readonly: true })
  const size = probe.pragma('page_size', { simple: true }) as number
  probe.close()
  const buf = readFileSync(file)
  patch(buf.subarray((page - 1) * size, page * size))
  writeFileSync(file, buf)
}

function rootPage(file: string, name: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(name) as number
  } finally {
    db.close()
  }
}

/** A project with two clips, closed cleanly (so it has one 'close' backup). */
function closedProject(dir: string, name = 'p.vicurate'): string {
  const path = join(dir, name)
  const ctx = openProject(path, { create: true })
  seedClips(ctx, [{ startS: 0, endS: 1 }, { startS: 1, endS: 2 }], 'vid-bbbb')
  ctx.close()
  return path
}

const clipCount = (file: string) => {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('SELECT count(*) FROM clips').pluck().get() as number
  } finally {
    db.close()
  }
}

function runRestore(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride()
  registerRestore(program)
  for (const c of program.commands) c.exitOverride()
  return program.parseAsync(['restore', ...args], { from: 'user' })
}

describe('database safety', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('refuses a damaged project without writing to it, naming the newest backup and the restore command', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = closedProject(t.dir)
    const backup = listBackups(path)[0]
    expect(backup.reason).toBe('close')
    patchPage(path, rootPage(path, 'clips'), (p) => p.fill(0xa5, 0, 64))
    const before = sha(path)
    let message = ''
    try {
      openProject(path)
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toContain(`project file ${path} is damaged`)
    expect(message).toContain(`Newest backup: ${backup.path}`)
    expect(message).toContain(`vicurate restore ${path} --latest`)
    expect(sha(path)).toBe(before)
    // The read-only probe may create an empty -wal beside it; it must hold no frames.
    expect(statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0)
  })

  it('runs the full integrity_check only when asked: it finds an index that no longer matches its table', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = closedProject(t.dir)
    // Same length, still sorted: the b-tree is sound, only the index entry disagrees with its row.
    patchPage(path, rootPage(path, 'sqlite_autoindex_videos_1'), (p) => {
      const at = p.indexOf('vid-bbbb')
      expect(at).toBeGreaterThan(0)
      p.write('vid-bbbc', at, 'latin1')
    })
    const before = sha(path)
    expect(() => openProjectDb(path, { check: 'full' })).toThrow(/is damaged \(.*index/)
    expect(sha(path)).toBe(before)
    openProjectDb(path).close() // quick_check does not cross-check indexes against tables
  })

  it('backs up before a migration, only when one will actually run on an existing file', () => {
    const t = tempDir()
    cleanup = t.cleanup
    expect(latestSchemaVersion()).toBeGreaterThan(1)
    const path = join(t.dir, 'old.vicurate')
    const old = new Database(path)
    old.pragma(`application_id = ${APPLICATION_ID}`)
    migrate(old, loadMigrations().slice(0, 1))
    old.prepare("INSERT INTO settings (key, value_json) VALUES ('reviewer', '\"ann\"')").run()
    old.close()

    openProjectDb(path).close()
    const pre = listBackups(path).filter((b) => b.reason === 'pre-migration')
    expect(pre).toHaveLength(1)
    const copy = new Database(pre[0].path, { readonly: true })
    expect(copy.pragma('user_version', { simple: true })).toBe(1)
    expect(copy.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    expect(copy.prepare("SELECT value_json FROM settings WHERE key = 'reviewer'").pluck().get()).toBe('"ann"')
    copy.close()

    openProjectDb(path).close() // up to date: nothing to migrate, no backup
    openProjectDb(join(t.dir, 'new.vicurate'), { create: true }).close() // new file: nothing to keep
    expect(listBackups(path).filter((b) => b.reason === 'pre-migration')).toHaveLength(1)
    expect(listBackups(join(t.dir, 'new.vicurate'))).toEqual([])
  })

  it('backs up on a clean close only when the session changed something', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = closedProject(t.dir)
    expect(listBackups(path)).toHaveLength(1)
    openProject(path).close()
    expect(listBackups(path)).toHaveLength(1)
    const ctx = openProject(path)
    seedClips(ctx, [{ startS: 5, endS: 6 }], 'vid-other')
    ctx.close()
    const backups = listBackups(path)
    expect(backups).toHaveLength(2)
    expect(clipCount(backups[0].path)).toBe(3)
  })

  it('a job worker closes without a backup and its parent backs up its commits when it closes', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = closedProject(t.dir)
    expect(listBackups(path)).toHaveLength(1)
    const parent = openProject(path)
    const worker = openProject(path, { check: 'off' })
    seedClips(worker, [{ startS: 7, endS: 8 }], 'vid-worker')
    worker.close({ backup: false })
    expect(listBackups(path)).toHaveLength(1)
    // The parent wrote nothing itself; the worker's commit is what makes its close back up.
    parent.close()
    const backups = listBackups(path)
    expect(backups).toHaveLength(2)
    expect(clipCount(backups[0].path)).toBe(3)
  })

  it('keeps the newest 5 backups per reason and never lists a half-written one', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'p.vicurate')
    const db = openProjectDb(path, { create: true })
    const pre = createBackup(db, path, 'pre-migration', { now: new Date('2026-01-01T00:00:00Z') })
    const made: string[] = []
    for (let i = 0; i < 7; i++) made.push(createBackup(db, path, 'close', { now: new Date(Date.UTC(2026, 1, 1, 0, 0, i)) }))
    // Two in the same millisecond get distinct names.
    const twin = createBackup(db, path, 'close', { now: new Date(Date.UTC(2026, 1, 1, 0, 0, 6)) })
    db.close()
    const stale = join(backupDirFor(path), `${basename(made[0])}.tmp-1-abc`)
    writeFileSync(stale, 'half')
    expect(listBackups(path).map((b) => b.path)).not.toContain(stale)
    utimesSync(stale, new Date(2000, 0, 1), new Date(2000, 0, 1))
    createBackup(openProjectDb(path), path, 'pre-restore')
    const close = listBackups(path).filter((b) => b.reason === 'close').map((b) => b.path)
    expect(close).toEqual([twin, ...made.slice(3).reverse()])
    expect(listBackups(path).map((b) => b.path)).toContain(pre)
    expect(readdirSync(backupDirFor(path)).filter((n) => n.includes('.tmp-'))).toEqual([])
  })

  it('restore --latest puts the newest backup back, keeps the replaced file and drops stale -wal/-shm', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = closedProject(t.dir)
    patchPage(path, rootPage(path, 'clips'), (p) => p.fill(0xa5, 0, 64))
    const damaged = sha(path)
    writeFileSync(`${path}-wal`, 'stale wal')
    writeFileSync(`${path}-shm`, 'stale shm')
    await runRestore([path, '--latest'])
    expect(existsSync(`${path}-shm`)).toBe(false)
    expect(existsSync(`${path}-wal`)).toBe(false)
    const replaced = readdirSync(t.dir).filter((n) => n.startsWith('p.vicurate.replaced-'))
    expect(replaced).toHaveLength(2) // the file and its -wal, moved aside together
    expect(sha(join(t.dir, replaced.find((n) => !n.endsWith('-wal'))!))).toBe(damaged)
    const ctx = openProject(path)
    expect(ctx.repos.clips.countByStatus().pending).toBe(2)
    ctx.close()
  })

  it('restore refuses a backup that is not SQLite, not ours or damaged, and changes nothing', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = closedProject(t.dir)
    const before = sha(path)
    const text = join(t.dir, 'notes.vicurate')
    writeFileSync(text, 'x'.repeat(200))
    const other = join(t.dir, 'other.db')
    new Database(other).exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)').close()
    const broken = join(t.dir, 'broken.vicurate')
    writeFileSync(broken, readFileSync(listBackups(path)[0].path))
    patchPage(broken, rootPage(broken, 'clips'), (p) => p.fill(0xa5, 0, 64))
    expect(() => restoreProject(path, { file: text })).toThrow(/not an SQLite database; the project was not changed/)
    expect(() => restoreProject(path, { file: other })).toThrow(/not a vicurate project/)
    expect(() => restoreProject(path, { file: broken })).toThrow(/it is damaged/)
    await expect(runRestore([path])).rejects.toThrow(/--latest or --from/)
    expect(sha(path)).toBe(before)
    expect(readdirSync(t.dir).filter((n) => n.includes('.replaced-') || n.includes('restore-tmp'))).toEqual([])
  })
})
