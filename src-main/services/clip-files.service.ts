import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { ProjectContext } from '../core/project-context'
import { cutClip, videoStreamTiming } from '../media/ffmpeg'
import { unsafeIdReason } from './dataset-annotation'

/**
 * Clip file names. `internvid` is InternVid's own `{YoutubeID}_{Start_timestamp}_{End_timestamp}.mp4`
 * with the timestamps exactly as the exported rows write them (`HH:MM:SS.mmm`), so the folder
 * imports back with the importer's `{root}/{YoutubeID}_{start}_{end}.mp4` pattern. `safe` turns
 * ':' into '-' for file systems that forbid ':' (NTFS, SMB shares); the default is `internvid`
 * except on Windows, where ':' cannot be written at all.
 */
export type ClipNaming = 'internvid' | 'safe'
export const DEFAULT_CLIP_NAMING: ClipNaming = process.platform === 'win32' ? 'safe' : 'internvid'

export interface ClipFilesOptions {
  /** ffmpeg processes at once; each already uses several threads, so a few saturate a machine. */
  concurrency?: number
  naming?: ClipNaming
  signal?: AbortSignal
  onProgress?: (p: { done: number; total: number }) => void
}

export interface ClipFilesReport {
  dir: string
  total: number
  written: number
  /** Final files already present (non-empty) from an earlier run: kept, not re-cut. */
  existing: number
  skipped: { name: string; reason: string }[]
  failed: { name: string; error: string }[]
}

interface ExportedClip {
  youtubeId: string
  start: string
  end: string
}

interface ClipJob {
  name: string
  source: string | null
  startS: number
  durationS: number
  audio: boolean
  missing: string | null
}

export const clipFileName = (c: ExportedClip, naming: ClipNaming): string => {
  const t = (s: string) => (naming === 'safe' ? s.replace(/:/g, '-') : s)
  return `${c.youtubeId}_${t(c.start)}_${t(c.end)}.mp4`
}

const parseTs = (text: string): number => {
  const m = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text)
  if (!m) throw new Error(`bad timestamp "${text}"`)
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])
}

/** The first `n` fields of a CSV record (the identity columns come before the free-text caption). */
function csvFields(line: string, n: number): string[] {
  const out: string[] = []
  let i = 0
  while (out.length < n && i <= line.length) {
    if (line[i] === '"') {
      let v = ''
      i++
      for (; i < line.length; i++) {
        if (line[i] !== '"') v += line[i]
        else if (line[i + 1] === '"') v += line[++i] // "" is an escaped quote
        else break
      }
      out.push(v)
      i += 2 // the closing quote and the comma
    } else {
      const j = line.indexOf(',', i)
      out.push(line.slice(i, j < 0 ? undefined : j))
      i = j < 0 ? line.length + 1 : j + 1
    }
  }
  return out
}

/**
 * The clips of a finished export, read back from the file itself: the clip folder then matches
 * the exported rows one for one (filters, top-percent and DIV sampling already applied), without
 * a second selection that could disagree with the file. CSV captions may span lines, but the
 * identity columns never do, so only records starting with a known YoutubeID are taken.
 */
async function readExported(path: string, format: 'jsonl' | 'csv'): Promise<ExportedClip[]> {
  const rows: ExportedClip[] = []
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })
  let header = format === 'csv'
  for await (const line of lines) {
    if (!line) continue
    if (header) {
      header = false
      continue
    }
    if (format === 'jsonl') {
      const r = JSON.parse(line) as { YoutubeID: string; Start_timestamp: string; End_timestamp: string }
      rows.push({ youtubeId: r.YoutubeID, start: r.Start_timestamp, end: r.End_timestamp })
    } else {
      const [youtubeId, start, end] = csvFields(line, 3)
      if (start && end && /^\d+:\d{2}:\d{2}/.test(start)) rows.push({ youtubeId, start, end })
    }
  }
  return rows
}

function planJobs(ctx: ProjectContext, rows: ExportedClip[], naming: ClipNaming): ClipJob[] {
  // Exported stamps are rounded to the millisecond; the UNIQUE (video_id, start_s, end_s) index
  // finds the clip within half of that.
  const find = ctx.db.prepare<[string, number, number, number, number], { start_s: number; end_s: number; media_path: string | null; path: string | null; has_audio: number; status: string }>(
    `SELECT c.start_s, c.end_s, c.media_path, v.path, v.has_audio, v.status FROM videos v JOIN clips c ON c.video_id = v.id
     WHERE v.source_id = ? AND c.start_s BETWEEN ? AND ? AND c.end_s BETWEEN ? AND ? LIMIT 1`,
  )
  return rows.map((r) => {
    const name = clipFileName(r, naming)
    const unsafe = unsafeIdReason(r.youtubeId)
    if (unsafe) return { name, source: null, startS: 0, durationS: 0, audio: false, missing: `unsafe YoutubeID: ${unsafe}` }
    const s = parseTs(r.start)
    const e = parseTs(r.end)
    const c = find.get(r.youtubeId, s - 0.0005, s + 0.0005, e - 0.0005, e + 0.0005)
    if (!c) return { name, source: null, startS: 0, durationS: 0, audio: false, missing: 'clip not in the project' }
    const durationS = c.end_s - c.start_s
    // A pre-cut clip file starts at the clip's start_s (0002_datasets.sql), so it is cut from 0.
    const source = c.media_path ?? c.path
    const startS = c.media_path ? 0 : c.start_s
    if (!source || !existsSync(source)) return { name, source: null, startS, durationS, audio: false, missing: source ? `media missing: ${source}` : 'no media for this video' }
    // has_audio is known for ingested videos; a pre-cut file was never probed, so ask for the
    // optional first audio stream and let ffmpeg drop it when there is none.
    return { name, source, startS, durationS, audio: c.media_path !== null || c.has_audio === 1, missing: null }
  })
}

const nonEmpty = (p: string): boolean => {
  try {
    return statSync(p).size > 0
  } catch {
    return false
  }
}

/**
 * Writes one re-encoded mp4 per exported clip into `dir`, `concurrency` ffmpeg processes at once.
 * Resumable: each cut goes to `<name>.partial.mp4` and is renamed only after its video stream
 * checks out, so a final name always means a whole file; a re-run keeps those and redoes the rest
 * (leftover .partial files are overwritten). One clip's failure is recorded and the others go on.
 */
export async function writeClipFiles(ctx: ProjectContext, exportPath: string, format: 'jsonl' | 'csv', dir: string, opts: ClipFilesOptions = {}): Promise<ClipFilesReport> {
  const out = resolve(dir)
  mkdirSync(out, { recursive: true })
  const jobs = planJobs(ctx, await readExported(exportPath, format), opts.naming ?? DEFAULT_CLIP_NAMING)
  const report: ClipFilesReport = { dir: out, total: jobs.length, written: 0, existing: 0, skipped: [], failed: [] }
  let done = 0
  const tick = () => opts.onProgress?.({ done: ++done, total: jobs.length })
  opts.onProgress?.({ done, total: jobs.length })

  const one = async (job: ClipJob): Promise<void> => {
    const final = join(out, job.name)
    if (job.missing !== null) return void report.skipped.push({ name: job.name, reason: job.missing })
    if (nonEmpty(final)) return void report.existing++
    const partial = `${final.slice(0, -'.mp4'.length)}.partial.mp4`
    try {
      await cutClip(job.source!, partial, { startS: job.startS, durationS: job.durationS, audio: job.audio, signal: opts.signal })
      const got = await videoStreamTiming(partial, opts.signal)
      // A cut past the end of a truncated source comes out short; one frame of slack covers
      // frame-grid rounding, anything more is not the clip the row describes.
      const frame = got.fps > 0 ? 1 / got.fps : 0.05
      if (got.frames === 0 || Math.abs(got.durationS - job.durationS) > frame + 1e-3) {
        throw new Error(`cut is ${got.durationS.toFixed(3)} s long, expected ${job.durationS.toFixed(3)} s (source shorter or damaged?)`)
      }
      renameSync(partial, final)
      report.written++
    } catch (err) {
      rmSync(partial, { force: true })
      if (opts.signal?.aborted) throw err
      report.failed.push({ name: job.name, error: err instanceof Error ? err.message : String(err) })
    }
  }

  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      opts.signal?.throwIfAborted()
      const job = jobs[next++]
      await one(job)
      tick()
    }
  }
  const n = Math.max(1, Math.min(opts.concurrency ?? 2, jobs.length || 1))
  await Promise.all(Array.from({ length: n }, worker))
  return report
}
