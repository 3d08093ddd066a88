import { afterEach, describe, expect, it } from 'vitest'
import { tempProject } from '../../support/temp-project'

// Selecting a scoring model rewrites the mirrored score column of the clips whose value changes;
// when most of them change (the first selection after an import) the indexes holding the column
// are dropped and built again inside the same transaction. Both ways must leave the same project.
const VICLIP = { id: 'viclip-b16', revision: 'r1' }

describe('selecting a scoring model', () => {
  let p: ReturnType<typeof tempProject> | null = null
  afterEach(() => p?.cleanup())

  /** `n` imported clips (their file's score still held by the clip); every 10th has a ViCLIP score. */
  function imported(n: number) {
    p = tempProject()
    const db = p.ctx.db
    db.prepare("INSERT INTO videos (id, source_id, status, created_at) VALUES (1, 'v', 'missing', 'now')").run()
    db.prepare("INSERT INTO imports (id, file_name, path, created_at) VALUES (1, 'iv.jsonl', '/d/iv.jsonl', 'now')").run()
    db.prepare(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
      INSERT INTO clips (id, video_id, start_s, end_s, caption, similarity, aesthetic, created_at, updated_at, import_id, imported_scores)
      SELECT i, 1, i, i + 1, 'c' || i, (i % 97) / 100.0, 5, 'now', 'now', 1, 3 FROM k`).run(n)
    db.prepare(`INSERT INTO scores (clip_id, kind, value, model_id, model_revision, created_at)
      SELECT id, 'similarity', 0.5 + (id % 7) / 100.0, ?, ?, 'now' FROM clips WHERE id % 10 = 0`).run(VICLIP.id, VICLIP.revision)
    return p.ctx
  }
  const rootPage = (ctx: ReturnType<typeof imported>) => ctx.db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'clips_similarity_id'").pluck().get()

  for (const [n, path] of [[60_000, 'rebuilds the indexes'], [2_000, 'updates the indexes in place']] as const) {
    it(`${n} clips, nearly all changing: ${path}; every value, copy, index and the schema come out right`, () => {
      const ctx = imported(n)
      const schema = () => ctx.db.prepare("SELECT name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') ORDER BY name").raw().all()
      const before = { schema: schema(), root: rootPage(ctx) }
      ctx.repos.scores.selectModel('similarity', VICLIP)
      // A rebuilt index lives on new pages; one updated in place keeps its root.
      expect(rootPage(ctx) !== before.root).toBe(n === 60_000)
      expect(schema()).toEqual(before.schema)
      expect(ctx.db.pragma('integrity_check', { simple: true })).toBe('ok')

      const ids = Array.from({ length: n }, (_, k) => k + 1)
      const viclip = ids.filter((i) => i % 10 === 0)
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
      const clips = ctx.db.prepare('SELECT count(similarity), sum(similarity), sum(imported_scores) FROM clips').raw().get() as number[]
      expect(clips[0]).toBe(viclip.length)
      expect(clips[1]).toBeCloseTo(sum(viclip.map((i) => 0.5 + (i % 7) / 100)), 6)
      expect(clips[2]).toBe(2 * n) // the aesthetic is still the file's
      const copies = ctx.db.prepare("SELECT count(*), sum(value), min(stale) FROM scores WHERE model_id = 'imported'").raw().get() as number[]
      expect(copies[0]).toBe(n)
      expect(copies[1]).toBeCloseTo(sum(ids.map((i) => (i % 97) / 100)), 6)
      expect(copies[2]).toBe(1)
      // The slider's index answers with the new values.
      expect(ctx.db.prepare('SELECT count(*) FROM clips INDEXED BY clips_similarity_id WHERE similarity >= 0.5').pluck().get()).toBe(viclip.length)
      expect(ctx.db.prepare('SELECT count(*) FROM clips INDEXED BY clips_import_scores WHERE import_id = 1 AND imported_scores > 0 AND imported_scores IN (1, 3)').pluck().get()).toBe(0)

      // Selecting it again changes nothing and rebuilds nothing.
      const root = rootPage(ctx)
      const dataVersion = ctx.db.prepare('SELECT content FROM clip_epochs').pluck().get()
      ctx.repos.scores.selectModel('similarity', VICLIP)
      expect(rootPage(ctx)).toBe(root)
      expect(ctx.db.prepare('SELECT content FROM clip_epochs').pluck().get()).toBe(dataVersion)
    })
  }
})
