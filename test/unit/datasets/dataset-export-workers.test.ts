import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { updateCaption } from '../../../src-main/services/caption.service'
import { exportDataset, type ExportOptions } from '../../../src-main/services/dataset-export.service'
import { ExportFile } from '../../../src-main/services/dataset-export-rows'
import { exportThreading, ExportWorkerPool } from '../../../src-main/services/dataset-export-worker-pool'
import { importDataset } from '../../../src-main/services/dataset-import.service'
import { parseWhere, type SelectionSpec } from '../../../src-main/services/export-filters'
import { decideClip } from '../../../src-main/services/review.service'
import { generateRows, writeJsonl } from '../../support/jsonl-fixtures'
import { tempProject } from '../../support/temp-project'

const ALL: SelectionSpec = { status: 'all', where: [], topPercent: null, div: null, preset: null }
const ROOT = join(__dirname, '..', '..', '..')

/**
 * A CLI-like process exporting on workers that stops for good after its first write to the temp
 * file (and says so on stdout), to be killed there.
 */
const KILLED_EXPORT = `
const r = (p) => require(require('node:path').join(process.env.VX_ROOT, p))
const { openProject } = r('src-main/core/project-context.ts')
const { exportDataset } = r('src-main/services/dataset-export.service.ts')
const { ExportFile } = r('src-main/services/dataset-export-rows.ts')
const { exportThreading, ExportWorkerPool } = r('src-main/services/dataset-export-worker-pool.ts')
Object.assign(exportThreading, { minRows: 0, minIdleCores: 0, blockIds: 97 })
const run = ExportWorkerPool.prototype.run
ExportWorkerPool.prototype.run = function (...a) { process.stdout.write('workers\\n'); return run.apply(this, a) }
const write = ExportFile.prototype.write
ExportFile.prototype.write = function (b) {
  write.call(this, b)
  process.stdout.write('wrote\\n')
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000)
}
exportDataset(openProject(process.env.VX_PROJECT), process.env.VX_OUT, { status: 'all', where: [], topPercent: null, div: null, preset: null })
`
const defaults = { ...exportThreading }

/**
 * Large JSONL exports are formatted on worker threads (dataset-export-worker-pool.ts). Here a
 * small project goes through them in many small blocks, and must give the bytes and manifest the
 * one-thread export gives; failures must leave nothing behind.
 */
describe('dataset export on worker threads', () => {
  let t: ReturnType<typeof tempProject>
  const out = (name = 'out.jsonl') => join(t.dir, name)
  const manifestOf = (file: string) => {
    const { created_at: _at, ...rest } = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8')) as Record<string, unknown>
    return rest
  }
  const onWorkers = (on: boolean) => Object.assign(exportThreading, { ...defaults, minRows: on ? 0 : Infinity, minIdleCores: 0, blockIds: 97 })
  const tempFiles = () => readdirSync(t.dir).filter((f) => f.includes('.tmp-'))
  /** Nothing still reads an old snapshot once the workers are gone: a full checkpoint is not blocked. */
  const readersGone = async () => {
    await vi.waitFor(() => expect((t.ctx.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0].busy).toBe(0), { timeout: 5000 })
  }

  beforeAll(async () => {
    t = tempProject()
    writeJsonl(join(t.dir, 'in.jsonl'), generateRows(3000, { seed: 9, videos: 300 }))
    await importDataset(t.ctx, join(t.dir, 'in.jsonl'), {})
    // Curation that changes lines (Caption_Original, review fields), awkward captions, and gaps in the ids.
    for (const id of [1, 500, 2999]) updateCaption(t.ctx, id, `curated "caption" ${id} – ünï 😀\\`)
    for (let id = 2; id <= 2400; id += 37) decideClip(t.ctx, { clipId: id, action: id % 3 ? 'accept' : 'reject', reason: id % 3 ? null : 'blurry' })
    t.ctx.db.prepare('DELETE FROM clips WHERE id BETWEEN 1000 AND 1300').run()
    const video = t.ctx.db.prepare('SELECT id FROM videos LIMIT 1').pluck().get()
    t.ctx.db.prepare("INSERT INTO clips (id, video_id, start_s, end_s, caption, similarity, created_at, updated_at) VALUES (90000, ?, 9000, 9001.5, 'far', 0.75, 'now', 'now')").run(video)
  })
  afterEach(() => {
    Object.assign(exportThreading, defaults)
    vi.restoreAllMocks()
  })
  afterAll(() => t?.cleanup())

  const cases: [string, SelectionSpec, ExportOptions][] = [
    ['everything', ALL, {}],
    ['with review fields', ALL, { withReview: true }],
    ['filtered by status and score', { ...ALL, status: 'not-rejected', where: [parseWhere('similarity>=0.4'), parseWhere('duration<=15')] }, {}],
    ['top percent', { ...ALL, topPercent: { percent: 40, by: 'aesthetic' } }, { withReview: true }],
    ['DIV sample', { ...ALL, div: { n: 700, seed: 3 } }, {}],
  ]
  it.each(cases)('%s: the same bytes and manifest as the one-thread export', async (_name, spec, opts) => {
    const run = vi.spyOn(ExportWorkerPool.prototype, 'run')
    onWorkers(false)
    const here = exportDataset(t.ctx, out('here.jsonl'), spec, opts)
    expect(run).not.toHaveBeenCalled()
    onWorkers(true)
    const there = exportDataset(t.ctx, out('there.jsonl'), spec, opts)
    expect(run).toHaveBeenCalledTimes(1)
    expect(there.rows).toBeGreaterThan(100)
    expect(readFileSync(out('there.jsonl')).equals(readFileSync(out('here.jsonl')))).toBe(true)
    expect(manifestOf(out('there.jsonl'))).toEqual({ ...manifestOf(out('here.jsonl')), file: 'there.jsonl' })
    expect({ ...there, path: '', manifestPath: '', seconds: 0 }).toEqual({ ...here, path: '', manifestPath: '', seconds: 0 })
    expect(tempFiles()).toEqual([])
    await readersGone()
  })

  it('the workers read the snapshot of the export transaction, not what is committed after it began', () => {
    const pool = ExportWorkerPool.start(t.ctx.path)!
    expect(pool).not.toBeNull()
    const other = new Database(t.ctx.path)
    const lines: string[] = []
    try {
      t.ctx.db.exec('BEGIN')
      expect(pool.alignSnapshot(t.ctx.db, () => t.ctx.db.prepare('SELECT count(*) FROM clips').get())).toBe(true)
      // Committed after the snapshot was shared: neither this connection nor the workers may see it.
      other.prepare("UPDATE clips SET caption = 'changed after the snapshot' WHERE id = 2").run()
      pool.setup('1', [], { selected: null, originals: new Map(), decisions: null, maxVideoId: 1000 }, 1)
      pool.run([[1, 50], [50, 100]][Symbol.iterator]() as Iterator<[number, number]>, (bytes) => lines.push(...Buffer.from(bytes).toString('utf8').trimEnd().split('\n')))
      t.ctx.db.exec('COMMIT')
    } finally {
      pool.close()
      other.close()
    }
    const captions = lines.map((l) => (JSON.parse(l) as { Caption: string }).Caption)
    expect(captions).toHaveLength(99)
    expect(captions).not.toContain('changed after the snapshot')
    expect(t.ctx.db.prepare('SELECT caption FROM clips WHERE id = 2').pluck().get()).toBe('changed after the snapshot')
  })

  it('a row a worker cannot format fails the export: the previous file stays, no temp file, no worker left reading', async () => {
    onWorkers(true)
    writeFileSync(out('fail.jsonl'), 'previous export\n')
    const id = 2500
    const times = t.ctx.db.prepare('SELECT start_s, end_s FROM clips WHERE id = ?').raw().get(id) as [number, number]
    // Times that are not numbers (only a hand edit can store them): formatting the row throws.
    t.ctx.db.prepare("UPDATE clips SET start_s = 'x', end_s = 'y' WHERE id = ?").run(id)
    try {
      expect(() => exportDataset(t.ctx, out('fail.jsonl'), ALL)).toThrow(/invalid time x/)
    } finally {
      t.ctx.db.prepare('UPDATE clips SET start_s = ?, end_s = ? WHERE id = ?').run(...times, id)
    }
    expect(readFileSync(out('fail.jsonl'), 'utf8')).toBe('previous export\n')
    expect(tempFiles()).toEqual([])
    await readersGone()
  })

  it('a failure on the writing side (disk full, say) stops the workers and removes the temp file', async () => {
    onWorkers(true)
    writeFileSync(out('full.jsonl'), 'previous export\n')
    const write = ExportFile.prototype.write
    let calls = 0
    vi.spyOn(ExportFile.prototype, 'write').mockImplementation(function (this: ExportFile, b: Uint8Array) {
      if (++calls === 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      write.call(this, b)
    })
    expect(() => exportDataset(t.ctx, out('full.jsonl'), ALL)).toThrow(/ENOSPC/)
    expect(calls).toBe(3)
    expect(readFileSync(out('full.jsonl'), 'utf8')).toBe('previous export\n')
    expect(tempFiles()).toEqual([])
    await readersGone()
  })

  it('kill -9 mid-write on workers: the previous file stays; the next export removes the temp file and writes the whole file', async () => {
    onWorkers(false)
    exportDataset(t.ctx, out('reference.jsonl'), ALL)
    writeFileSync(out('killed.jsonl'), 'previous export\n')
    const node = Number(process.versions.node.split('.')[0]) >= 22 ? process.execPath : join(ROOT, 'node_modules', 'node', 'bin', 'node')
    const child = spawn(node, ['--require', join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs'), '-e', KILLED_EXPORT], {
      env: { ...process.env, VX_ROOT: ROOT, VX_PROJECT: t.ctx.path, VX_OUT: out('killed.jsonl') }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let said = ''
    let errors = ''
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()))
    const exited = new Promise((resolve) => child.on('exit', resolve))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        said += d.toString()
        if (said.includes('wrote')) resolve()
      })
      void exited.then(() => reject(new Error(`the export process ended before writing: ${said} ${errors}`)))
    })
    expect(said).toContain('workers')
    expect(tempFiles()).toEqual([expect.stringMatching(new RegExp(`^killed\\.jsonl\\.tmp-${child.pid}-[0-9a-f]{8}$`))])
    child.kill('SIGKILL')
    await exited
    expect(readFileSync(out('killed.jsonl'), 'utf8')).toBe('previous export\n')
    onWorkers(true)
    exportDataset(t.ctx, out('killed.jsonl'), ALL)
    expect(tempFiles()).toEqual([])
    expect(readFileSync(out('killed.jsonl')).equals(readFileSync(out('reference.jsonl')))).toBe(true)
  }, 60_000)

  it('small exports (DIV size known up front) and a machine without an idle core stay on one thread', () => {
    const start = vi.spyOn(ExportWorkerPool, 'start')
    Object.assign(exportThreading, { ...defaults, minRows: 1000, minIdleCores: 0 })
    exportDataset(t.ctx, out('small.jsonl'), { ...ALL, div: { n: 999, seed: 1 } })
    expect(start).not.toHaveBeenCalled()
    Object.assign(exportThreading, { ...defaults, minRows: 0, minIdleCores: Infinity })
    exportDataset(t.ctx, out('busy.jsonl'), ALL)
    expect(start).not.toHaveBeenCalled()
    Object.assign(exportThreading, { ...defaults, minRows: 1000, minIdleCores: 0 })
    exportDataset(t.ctx, out('big.jsonl'), ALL)
    expect(start).toHaveBeenCalledTimes(1)
  })

  it('with the write lock held elsewhere the export does not wait: it runs on one thread and gives the same file', () => {
    onWorkers(false)
    exportDataset(t.ctx, out('here.jsonl'), ALL)
    onWorkers(true)
    const run = vi.spyOn(ExportWorkerPool.prototype, 'run')
    const writer = new Database(t.ctx.path)
    try {
      writer.exec('BEGIN IMMEDIATE')
      exportDataset(t.ctx, out('locked.jsonl'), ALL)
      writer.exec('ROLLBACK')
    } finally {
      writer.close()
    }
    expect(run).not.toHaveBeenCalled()
    expect(readFileSync(out('locked.jsonl')).equals(readFileSync(out('here.jsonl')))).toBe(true)
  })
})
