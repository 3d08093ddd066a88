import { afterEach, describe, expect, it } from 'vitest'
import { seedClips, tempProject } from '../../support/temp-project'

describe('schema rules', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('keeps review events append-only', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const [clipId] = seedClips(p.ctx, [{ startS: 0, endS: 2 }])
    const id = p.ctx.repos.events.append({ clipId, kind: 'decision', action: 'accept', reviewer: 'ana' })
    expect(() => p.ctx.db.prepare("UPDATE review_events SET reviewer = 'mallory' WHERE id = ?").run(id)).toThrow(/append-only/)
    expect(() => p.ctx.db.prepare('DELETE FROM review_events WHERE id = ?').run(id)).toThrow(/append-only/)
  })

  it('rejects a clip whose end is not after its start and never duplicates a clip', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const [id] = seedClips(p.ctx, [{ startS: 1, endS: 3 }])
    const videoId = p.ctx.repos.clips.get(id)!.video_id
    expect(() => p.ctx.repos.clips.insert({ videoId, startS: 5, endS: 5 })).toThrow(/CHECK/)
    expect(p.ctx.repos.clips.insert({ videoId, startS: 1, endS: 3 })).toBeNull()
  })

  it('indexes the curated caption for full-text search and follows edits', () => {
    const p = tempProject()
    cleanup = p.cleanup
    const [a, b] = seedClips(p.ctx, [{ startS: 0, endS: 2 }, { startS: 2, endS: 4 }])
    const setCaption = p.ctx.db.prepare('UPDATE clips SET caption = ? WHERE id = ?')
    setCaption.run('a dog runs through snow', a)
    setCaption.run('a cat sleeps on a sofa', b)
    const match = (q: string) => p.ctx.db.prepare('SELECT rowid FROM clips_fts WHERE clips_fts MATCH ? ORDER BY rowid').pluck().all(q)
    expect(match('dog')).toEqual([a])
    setCaption.run('a dog sleeps on a sofa', b)
    expect(match('dog')).toEqual([a, b])
    expect(match('cat')).toEqual([])
  })

  it('has an index behind every clip sort the UI offers', () => {
    const p = tempProject()
    cleanup = p.cleanup
    for (const col of ['similarity', 'aesthetic', 'duration_s', 'caption_len']) {
      const plan = p.ctx.db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM clips WHERE ${col} > 0 ORDER BY ${col}, id LIMIT 50`).all() as { detail: string }[]
      expect(plan.map((r) => r.detail).join(' ')).toMatch(/USING (COVERING )?INDEX/)
      expect(plan.map((r) => r.detail).join(' ')).not.toMatch(/TEMP B-TREE/)
    }
  })
})
