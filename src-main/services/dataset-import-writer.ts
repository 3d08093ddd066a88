import type { ImportStage } from '../db/repositories/dataset-import-stage.repository'
import type { DatasetRepository } from '../db/repositories/dataset.repository'
import type { ParsedBatch, Rejection } from './dataset-import-batch'
import { NUM_FIELDS } from './dataset-import-batch'
import type { MediaResolver } from './dataset-media'

/** Per YoutubeID, looked up once per import: the video row and whether its file is present. */
export interface VideoSeen {
  id: number
  hasFile: boolean
}

export interface BatchCounts {
  rowsOk: number
  rowsExisting: number
  mediaFound: number
  mediaMissing: number
  videosNew: number
  /** Rows the media lookup refused (path traversal through a link), in line order. */
  rejects: Rejection[]
}

export interface BatchWriter {
  repo: DatasetRepository
  /** Rows into clips through a staging table with ON CONFLICT (needs the clip span index)… */
  staged: ImportStage
  /** …or straight in, while a bulk load (this one or another process's) has that index dropped. */
  direct: ImportStage
  resolver: MediaResolver | null
  rootId: number | null
  /** Videos met by this import so far; emptied before a batch once it holds videoCacheMax. */
  videos: Map<string, VideoSeen>
  videoCacheMax: number
  /** The imports row (its file's provenance) every clip of this import points at. */
  importId: number
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x)

/**
 * Writes one parsed batch; the caller runs it in a transaction, so a batch is all or nothing.
 * Rows reach clips in line order (ids follow the file). With the clip span index in place, a row
 * already in the project or earlier in the file is skipped; in a bulk load it is inserted and
 * removed when the index is rebuilt (db/clip-span-dedupe.ts), so `rowsOk` counts it for now. The
 * clips' provenance is their import id: their caption and scores are copied into captions/scores
 * only when something replaces them (0009_import_provenance.sql).
 */
export function writeBatch(w: BatchWriter, batch: ParsedBatch, now: string): BatchCounts {
  const counts: BatchCounts = { rowsOk: 0, rowsExisting: 0, mediaFound: 0, mediaMissing: 0, videosNew: 0, rejects: [] }
  const before = w.repo.maxClipId()
  // Decided per batch, inside its transaction: another process's bulk load may end (and bring
  // the index back) or begin between two batches.
  const stage = w.repo.hasSpanIndex() ? w.staged : w.direct
  stage.begin(now, w.importId)
  // Forgetting is safe: a video already written is found again by findVideos below.
  if (w.videos.size >= w.videoCacheMax) w.videos.clear()
  const unseen = [...new Set(batch.youtubeId.filter((id) => !w.videos.has(id)))]
  const existing = unseen.length ? w.repo.findVideos(unseen) : new Map<string, { id: number; path: string | null }>()
  let rows = 0
  let withMedia = 0
  for (let i = 0; i < batch.n; i++) {
    const o = i * NUM_FIELDS
    const startS = batch.num[o]
    const endS = batch.num[o + 1]
    const youtubeId = batch.youtubeId[i]
    let mediaPath: string | null = null
    if (w.resolver?.kind === 'clip') {
      const found = w.resolver.lookup(rowAt(batch, i))
      if ('reason' in found) {
        counts.rejects.push({ line: batch.line[i], reason: found.reason })
        continue
      }
      mediaPath = found.path
    }
    const video = w.videos.get(youtubeId) ?? resolveVideo(w, rowAt(batch, i), existing.get(youtubeId), now, counts)
    if (video === null) continue
    if (w.resolver?.kind === 'clip' ? mediaPath !== null : video.hasFile) withMedia++
    stage.add(batch.line[i], video.id, startS, endS, batch.caption[i], orNull(batch.num[o + 2]), orNull(batch.num[o + 3]), batch.extraJson[i], mediaPath)
    rows++
  }
  const inserted = stage.commit()
  counts.rowsOk = inserted
  counts.rowsExisting = rows - inserted
  // Which of the offered rows were new is known only to SQLite; count in SQL only when the
  // batch mixed rows with and without media.
  counts.mediaFound = withMedia === 0 || inserted === 0 ? 0 : withMedia === rows ? inserted
    : w.repo.countNewWithMedia(before, w.resolver?.kind === 'clip' ? 'clip' : 'video')
  counts.mediaMissing = inserted - counts.mediaFound
  return counts
}

type RowKey = Parameters<MediaResolver['lookup']>[0] & { line: number }

const rowAt = (b: ParsedBatch, i: number): RowKey => ({
  line: b.line[i], youtubeId: b.youtubeId[i], startText: b.startText?.[i] ?? '', endText: b.endText?.[i] ?? '',
  startS: b.num[i * NUM_FIELDS], endS: b.num[i * NUM_FIELDS + 1],
})

/** First sight of a YoutubeID in this import: create its video unless it exists, attach its file. */
function resolveVideo(
  w: BatchWriter,
  row: RowKey,
  existing: { id: number; path: string | null } | undefined,
  now: string,
  counts: BatchCounts,
): VideoSeen | null {
  let file: string | null = null
  if (w.resolver?.kind === 'video' && !existing?.path) {
    const found = w.resolver.lookup(row)
    if ('reason' in found) {
      counts.rejects.push({ line: row.line, reason: found.reason })
      return null
    }
    // A file already registered under another name (e.g. by `ingest`) keeps that registration.
    file = found.path && !w.repo.videoPathTaken(found.path) ? found.path : null
  }
  let id: number
  if (existing) {
    id = existing.id
    if (file) w.repo.attachVideoFile(id, file, w.rootId!)
  } else {
    id = w.repo.insertVideo(row.youtubeId, file, file ? w.rootId : null, now)
    counts.videosNew++
  }
  const video = { id, hasFile: Boolean(existing?.path || file) }
  w.videos.set(row.youtubeId, video)
  return video
}
