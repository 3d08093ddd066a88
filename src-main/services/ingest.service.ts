import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import type { ProjectContext } from '../core/project-context'
import { probeVideo, writePoster, type VideoProbe } from '../media/ffmpeg'

export interface IngestReport {
  videos_ok: number
  videos_failed: { path: string; error: string }[]
  clips: number
  /** Videos already in the project (same real path, size and mtime): not registered again. */
  videos_skipped: number
  notes: { path: string; note: string }[]
}

export interface IngestOptions {
  recursive?: boolean
  signal?: AbortSignal
  onProgress?: (p: { done: number; total: number; path: string }) => void
}

const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.gif', '.mpg', '.mpeg', '.ts', '.mts', '.wmv', '.flv', '.ogv', '.3gp'])

/** Expands directories to the video files inside (by extension); explicit files are always tried. */
export function expandInputs(inputs: string[], recursive: boolean): { files: string[]; errors: { path: string; error: string }[] } {
  const files: string[] = []
  const errors: { path: string; error: string }[] = []
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name)
      if (entry.isDirectory() && recursive) walk(full, depth + 1)
      else if (entry.isFile() && VIDEO_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(full)
    }
  }
  for (const input of inputs) {
    try {
      const st = statSync(input)
      if (st.isDirectory()) walk(input, 0)
      else files.push(input)
    } catch (err) {
      errors.push({ path: input, error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String((err as Error).message) })
    }
  }
  return { files, errors }
}

function uniqueSourceId(ctx: ProjectContext, path: string): string {
  const stem = basename(path, extname(path))
  if (!ctx.repos.videos.sourceIdTaken(stem)) return stem
  return `${stem}_${createHash('sha1').update(path).digest('hex').slice(0, 8)}`
}

/**
 * Registers each video once and cuts it into clips. Until scene detection lands, a video is one
 * clip spanning its whole duration. A failing file is reported and the batch goes on; the video
 * row and its clips are written in one transaction so a failure leaves nothing half-written.
 */
export async function ingestPaths(ctx: ProjectContext, inputs: string[], opts: IngestOptions = {}): Promise<IngestReport> {
  const report: IngestReport = { videos_ok: 0, videos_failed: [], clips: 0, videos_skipped: 0, notes: [] }
  const { files, errors } = expandInputs(inputs, opts.recursive ?? false)
  report.videos_failed.push(...errors)
  const thumbsDir = join(ctx.dataDir, 'thumbs')
  mkdirSync(thumbsDir, { recursive: true })

  for (const [i, input] of files.entries()) {
    opts.signal?.throwIfAborted()
    opts.onProgress?.({ done: i, total: files.length, path: input })
    try {
      const path = realpathSync(input)
      const st = statSync(path)
      if (st.size === 0) throw new Error('empty file (0 bytes)')
      const existing = ctx.repos.videos.findByPath(path)
      if (existing && existing.size_bytes === st.size && existing.mtime_ms === Math.trunc(st.mtimeMs)) {
        report.videos_skipped++
        continue
      }
      if (existing) throw new Error('file changed since it was ingested (size or mtime differ); re-ingesting changed media is not supported yet')
      const probe = await probeVideo(path)
      if (probe.durationS === null) throw new Error('ffprobe reports no duration (truncated or not a video)')
      for (const note of probe.notes) report.notes.push({ path, note })
      const clipIds = registerVideo(ctx, path, st, probe)
      report.videos_ok++
      report.clips += clipIds.length
      for (const clipId of clipIds) await makeThumbnail(ctx, clipId, path, thumbsDir)
    } catch (err) {
      report.videos_failed.push({ path: input, error: err instanceof Error ? err.message : String(err) })
    }
  }
  opts.onProgress?.({ done: files.length, total: files.length, path: '' })
  if (report.clips > 0) ctx.bus.emit('clips:changed', { clipIds: [] })
  return report
}

function registerVideo(ctx: ProjectContext, path: string, st: { size: number; mtimeMs: number }, probe: VideoProbe): number[] {
  return ctx.db.transaction(() => {
    const rootId = ctx.repos.videos.ensureRoot(dirname(path))
    const videoId = ctx.repos.videos.insert({
      sourceId: uniqueSourceId(ctx, path),
      path,
      rootId,
      sizeBytes: st.size,
      mtimeMs: Math.trunc(st.mtimeMs),
      durationS: probe.durationS,
      fps: probe.fps,
      width: probe.width,
      height: probe.height,
      codec: probe.codec,
      hasAudio: probe.hasAudio,
      probeJson: JSON.stringify(probe),
    })
    const clipId = ctx.repos.clips.insert({ videoId, startS: 0, endS: probe.durationS! })
    return clipId === null ? [] : [clipId]
  })()
}

async function makeThumbnail(ctx: ProjectContext, clipId: number, videoPath: string, thumbsDir: string): Promise<void> {
  const clip = ctx.repos.clips.get(clipId)
  if (!clip) return
  const file = `${clipId}.jpg`
  try {
    await writePoster(videoPath, (clip.start_s + clip.end_s) / 2, join(thumbsDir, file))
    ctx.repos.clips.setThumbnail(clipId, file)
  } catch {
    // A missing poster is cosmetic: the grid shows a placeholder and the clip stays reviewable.
  }
}
