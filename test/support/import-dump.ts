import type { ProjectContext } from '../../src-main/core/project-context'

/**
 * Everything an import leaves in a project, by clip identity, for comparing two projects: a clip
 * is named by its rank in id order (ids follow the file, but a bulk load that removed duplicates
 * leaves gaps in them). `words` are counted through the search index; a video path under
 * `videoRoot` is shown relative to it (two projects with a root each compare equal).
 */
export function importDump(ctx: ProjectContext, words: string[], videoRoot?: string) {
  const q = (sql: string) => ctx.db.prepare(sql).raw().all()
  const ranked = 'WITH r AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM clips)'
  return {
    clips: q(`${ranked} SELECT r.n, v.source_id, c.start_s, c.end_s, c.caption, c.similarity, c.aesthetic, c.extra_json, c.media_path, c.status
      FROM clips c JOIN r ON r.id = c.id JOIN videos v ON v.id = c.video_id ORDER BY c.id`),
    videos: (q('SELECT id, source_id, path, status FROM videos ORDER BY id') as [number, string, string | null, string][])
      .map(([id, source, path, status]) => [id, source, videoRoot && path ? path.replace(videoRoot, '<root>') : path, status]),
    // With their provenance, copied into captions/scores or still held by the clip (0009).
    captions: q(`${ranked} SELECT r.n, scale, text, model_id, model_revision FROM captions_with_imported k JOIN r ON r.id = k.clip_id
      ORDER BY r.n, k.scale <> 'imported', k.id`),
    scores: q(`${ranked} SELECT r.n, kind, value, model_id, model_revision, stale FROM scores_with_imported s JOIN r ON r.id = s.clip_id ORDER BY r.n, kind, model_id`),
    orphans: q(`SELECT 'captions', count(*) FROM captions WHERE clip_id NOT IN (SELECT id FROM clips)
      UNION ALL SELECT 'scores', count(*) FROM scores WHERE clip_id NOT IN (SELECT id FROM clips)`),
    schema: q("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') ORDER BY name"),
    search: words.map((w) => ctx.db.prepare('SELECT count(*) FROM clips_fts WHERE clips_fts MATCH ?').pluck().get(w)),
    pending: q("SELECT key FROM settings WHERE key LIKE 'dataset_import.%'"),
  }
}
