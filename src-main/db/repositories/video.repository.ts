import type { Db } from '../connection'
import { nowIso } from '../../core/clock'

export interface VideoRow {
  id: number
  source_id: string
  path: string | null
  root_id: number | null
  size_bytes: number | null
  mtime_ms: number | null
  duration_s: number | null
  fps: number | null
  width: number | null
  height: number | null
  codec: string | null
  has_audio: number
  probe_json: string | null
  status: 'ok' | 'failed' | 'missing'
  error: string | null
}

export interface NewVideo {
  sourceId: string
  path: string | null
  rootId: number | null
  sizeBytes: number | null
  mtimeMs: number | null
  durationS: number | null
  fps: number | null
  width: number | null
  height: number | null
  codec: string | null
  hasAudio: boolean
  probeJson: string | null
}

export function createVideoRepository(db: Db) {
  const byPath = db.prepare<[string], VideoRow>('SELECT * FROM videos WHERE path = ?')
  const byId = db.prepare<[number], VideoRow>('SELECT * FROM videos WHERE id = ?')
  const bySource = db.prepare<[string], { id: number }>('SELECT id FROM videos WHERE source_id = ?')
  const insert = db.prepare(`INSERT INTO videos
    (source_id, path, root_id, size_bytes, mtime_ms, duration_s, fps, width, height, codec, has_audio, probe_json, created_at)
    VALUES (@sourceId, @path, @rootId, @sizeBytes, @mtimeMs, @durationS, @fps, @width, @height, @codec, @hasAudio, @probeJson, @createdAt)`)
  const rootByPath = db.prepare<[string], { id: number }>('SELECT id FROM video_roots WHERE path = ?')
  const insertRoot = db.prepare('INSERT INTO video_roots (path, created_at) VALUES (?, ?)')
  const roots = db.prepare<[], { id: number; path: string }>('SELECT id, path FROM video_roots ORDER BY id')
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM videos')

  return {
    findByPath: (path: string): VideoRow | undefined => byPath.get(path),
    get: (id: number): VideoRow | undefined => byId.get(id),
    sourceIdTaken: (sourceId: string): boolean => bySource.get(sourceId) !== undefined,
    insert: (v: NewVideo): number =>
      Number(insert.run({ ...v, hasAudio: v.hasAudio ? 1 : 0, createdAt: nowIso() }).lastInsertRowid),
    ensureRoot(path: string): number {
      const found = rootByPath.get(path)
      return found ? found.id : Number(insertRoot.run(path, nowIso()).lastInsertRowid)
    },
    listRoots: (): { id: number; path: string }[] => roots.all(),
    count: (): number => count.get()!.n,
  }
}

export type VideoRepository = ReturnType<typeof createVideoRepository>
