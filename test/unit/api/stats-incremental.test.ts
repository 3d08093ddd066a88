import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClipFilters, ClipStatus, FilterField } from '../../../src-main/api/contract'
import type { ProjectContext } from '../../../src-main/core/project-context'
import { pruneStatusLog } from '../../../src-main/db/clip-status-log'
import { decideBatch } from '../../../src-main/services/batch.service'
import { updateCaption } from '../../../src-main/services/caption.service'
import { resolveFilters } from '../../../src-main/services/filter.service'
import { decideClip } from '../../../src-main/services/review.service'
import { ClipStats, DEFAULT_DENSITY_BINS, DEFAULT_HISTOGRAM_BINS, type StatsTuning } from '../../../src-main/services/stats/clip-stats'
import { ClipSnapshot } from '../../../src-main/services/stats/clip-snapshot'
import { mulberry32 } from '../../support/jsonl-fixtures'
import { seedClips, tempProject } from '../../support/temp-project'

/**
 * The statistics keep their caches across commits that change no clip data and across status
 * changes (schema 7's epochs and status log), and every answer still equals a fresh computation.
 */
const FIELDS: FilterField[] = ['similarity', 'aesthetic', 'duration', 'captionLength']
const SCOPES: { status: ClipStatus | 'all'; filters: ClipFilters }[] = [
  { status: 'all', filters: {} },
  { status: 'pending', filters: {} },
  { status: 'accepted', filters: { similarity: { min: 0.2 } } },
  { status: 'all', filters: { aesthetic: { min: 5 }, text: 'dog' } },
  { status: 'rejected', filters: { duration: { max: 3 } } },
  // Clip 2 sits exactly on this bound (both bounds are inclusive) and is decided below.
  { status: 'accepted', filters: { similarity: { min: 0.25, max: 0.25 } } },
]

function seed(ctx: ProjectContext): number[] {
  const random = mulberry32(11)
  const ids = seedClips(ctx, Array.from({ length: 400 }, (_, i) => ({
    startS: i * 10, endS: i * 10 + 0.5 + random() * 5,
    similarity: random() < 0.1 ? null : 0.1 + random() * 0.3, aesthetic: random() < 0.1 ? null : 3 + random() * 4,
  })))
  const words = ['dog', 'cat', 'beach']
  const set = ctx.db.prepare('UPDATE clips SET caption = ?, status = ? WHERE id = ?')
  for (const id of ids) set.run(`a ${words[id % 3]} ${'x'.repeat(id % 17)}`, ['pending', 'accepted', 'rejected'][id % 4 === 0 ? 1 : id % 7 === 0 ? 2 : 0], id)
  ctx.db.prepare('UPDATE clips SET similarity = 0.25, status = ? WHERE id = ?').run('pending', ids[1])
  return ids
}

describe('filter statistics across writes', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  for (const [label, tuning] of [['column snapshot', {}], ['SQL passes', { snapshotMaxRows: 0 }]] as [string, StatsTuning][]) {
    it(`${label}: decisions and unrelated commits update in place, content changes rebuild, answers always equal a fresh pass`, () => {
      const p = tempProject()
      cleanup = p.cleanup
      const { ctx } = p
      const ids = seed(ctx)
      const stats = new ClipStats(ctx.db, (d, f) => resolveFilters({ db: d }, f), tuning)
      // The reference runs on its own connection: one ClipStats per connection (it registers
      // its SQL aggregates there), and a fresh one each time, so nothing of it is cached.
      const fresh = () => {
        const db = new Database(ctx.path, { readonly: true })
        try {
          return answers(new ClipStats(db, (d, f) => resolveFilters({ db: d }, f), tuning))
        } finally {
          db.close()
        }
      }
      // Hours are a float sum: a moved clip's duration added or removed may differ from a fresh
      // sum in the last bits, so they are compared to 1e-9 h; every count must be exact.
      const hours = (k: { hours: number; totalHours: number }) => ({ ...k, hours: Math.round(k.hours * 1e9), totalHours: Math.round(k.totalHours * 1e9) })
      const answers = (s: ClipStats) => SCOPES.map((scope) => ({
        hist: FIELDS.map((f) => s.histogram(f, 20, scope)),
        keep: hours(s.keepRate(scope)),
        density: s.density(8, scope),
      }))
      const check = (rebuilds: number) => {
        expect(answers(stats)).toEqual(fresh())
        expect(stats.changes.rebuilds).toBe(rebuilds)
      }
      check(1)
      decideClip(ctx, { clipId: ids[1], action: 'accept' })
      check(1)
      decideClip(ctx, { clipId: ids[2], action: 'reject', reason: 'blurry' })
      decideClip(ctx, { clipId: ids[1], action: 'reset' })
      check(1)
      // Changed and changed back between two reads: no net move.
      decideClip(ctx, { clipId: ids[3], action: 'reject' })
      decideClip(ctx, { clipId: ids[3], action: 'reset' })
      check(1)
      // A write that touches no clip (a job's row, a setting) keeps everything.
      ctx.db.prepare("INSERT INTO settings (key, value_json) VALUES ('reviewer', '\"ana\"') ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json").run()
      check(1)
      const n = stats.keepRate({ status: 'pending', filters: { similarity: { min: 0.3 } } }).clips
      decideBatch(ctx, { status: 'pending', filters: { similarity: { min: 0.3 } }, action: 'accept', expectedCount: n })
      check(1)
      ctx.db.prepare('UPDATE clips SET similarity = 0.39 WHERE id = ?').run(ids[5])
      check(2)
      updateCaption(ctx, ids[6], 'a dog on the beach')
      check(3)
      seedClips(ctx, [{ startS: 9000, endS: 9002, similarity: 0.2, aesthetic: 6 }], 'vid-new')
      check(4)
      ctx.db.prepare('DELETE FROM clips WHERE id = ?').run(ids[7])
      check(5)
      // Log rows pruned before this reader saw them: it cannot vouch for the gap, so it rebuilds.
      decideClip(ctx, { clipId: ids[8], action: 'reject' })
      decideClip(ctx, { clipId: ids[9], action: 'reject' })
      ctx.db.prepare('DELETE FROM clip_status_log WHERE seq = (SELECT min(seq) FROM clip_status_log WHERE seq > (SELECT max(seq) - 2 FROM clip_status_log))').run()
      check(6)
    })
  }

  it('a filtered Filters panel with the default bins (what the app asks for) is one pass over the snapshot, and a slider move one more', () => {
    const t = tempProject()
    cleanup = t.cleanup
    seed(t.ctx)
    const stats = new ClipStats(t.ctx.db, (d, f) => resolveFilters({ db: d }, f), {})
    const count = ClipSnapshot.prototype.count
    let passes = 0
    ClipSnapshot.prototype.count = function (this: ClipSnapshot, ...args: Parameters<typeof count>) {
      if (args[0]) passes++ // a pass that bins (a bare count has no spec)
      return count.apply(this, args)
    }
    try {
      const panel = (min: number) => {
        const scope = { status: 'pending' as const, filters: { similarity: { min } } }
        for (const f of FIELDS) stats.histogram(f, DEFAULT_HISTOGRAM_BINS, scope)
        stats.keepRate(scope)
        stats.density(DEFAULT_DENSITY_BINS, scope)
      }
      panel(0.2)
      const first = passes
      panel(0.25)
      expect(passes - first).toBe(1)
    } finally {
      ClipSnapshot.prototype.count = count
    }
  })

  it('logs only real status changes, and pruning on open keeps the newest rows', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const { ctx } = p
    const ids = seed(ctx)
    const logged = () => ctx.db.prepare('SELECT count(*) FROM clip_status_log').pluck().get() as number
    const before = logged()
    decideClip(ctx, { clipId: ids[1], action: 'accept' })
    ctx.db.prepare("UPDATE clips SET status = status, similarity = similarity WHERE id = ?").run(ids[1])
    expect(logged()).toBe(before + 1)
    pruneStatusLog(ctx.db)
    expect(logged()).toBe(before + 1) // far fewer than STATUS_LOG_KEEP: nothing pruned
    const maxSeq = ctx.db.prepare('SELECT max(seq) FROM clip_status_log').pluck().get() as number
    ctx.db.prepare("UPDATE sqlite_sequence SET seq = seq + 200000 WHERE name = 'clip_status_log'").run()
    decideClip(ctx, { clipId: ids[2], action: 'accept' })
    pruneStatusLog(ctx.db)
    expect(ctx.db.prepare('SELECT seq FROM clip_status_log').pluck().all()).toEqual([maxSeq + 200001])
  })
})
