import { createHash } from 'node:crypto'
import { readdirSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import type { ProjectContext } from '../core/project-context'
import { probeVideo, type VideoProbe } from '../media/ffmpeg'
import { applyClipRules, DEFAULT_CLIP_RULES, type ClipRules } from '../media/scenes/clip-rules'
import { detectScenes, type DetectorKind } from '../media/scenes/detect-scenes'
import { extractVideoFrames, FRAMES_STEP } from './frames.service'

export interface IngestReport {
  videos_ok: number
  videos_failed: { path: string; error: string }[]
  clips: number
  /** Videos already in the project and fully processed: nothing was redone. */
  videos_skipped: number
  notes: { path: string; note: string }[]
}

export interface IngestProgress {
  phase: 'probe' | 'scenes' | 'frames'
  /** Frames decoded so far over all phases, against an estimate from the probes. */
  framesDone: number
  framesTotal: number
  path: string
}

export interface IngestOptions {
  recursive?: boolean
  signal?: AbortSignal
  onProgress?: (p: IngestProgress) => void
}

export interface SceneSettings {
  detector: DetectorKind
  threshold?: number
}

export const SCENES_STEP = 'scenes'
const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.gif', '.mpg', '.mpeg', '.ts', '.mts', '.wmv', '.flv', '.ogv', '.3gp'])

/** Expands directories to the video files inside (by extension); explicit files are always tried. */
export function expandInputs(inputs: string[], recursive: boolean): { files: string[]; errors: { path: string; error: string }[] } {
  const files: string[] = []
  const errors: { path: string; error: string }[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name)
      if (entry.isDirectory() && recursive) walk(full)
      else if (entry.isFile() && VIDEO_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.push(full)
    }
  }
  for (const input of inputs) {
    try {
      if (statSync(input).isDirectory()) walk(input)
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

/** Registers a probed file; one row per real path, so the same file is never registered twice. */
async function register(ctx: ProjectContext, input: string, report: IngestReport): Promise<{ id: number; probe: VideoProbe } | null> {
  const path = realpathSync(input)
  const st = statSync(path)
  if (st.size === 0) throw new Error('empty file (0 bytes)')
  const existing = ctx.repos.videos.findByPath(path)
  if (existing) {
    if (existing.size_bytes !== st.size || existing.mtime_ms !== Math.trunc(st.mtimeMs)) {
      throw new Error('file changed since it was ingested (size or mtime differ); re-ingesting changed media is not supported yet')
    }
    return { id: existing.id, probe: JSON.parse(existing.probe_json ?? '{}') as VideoProbe }
  }
  const probe = await probeVideo(path)
  if (probe.durationS === null) throw new Error('no duration (truncated or not a video)')
  for (const note of probe.notes) report.notes.push({ path, note })
  const id = ctx.repos.videos.insert({
    sourceId: uniqueSourceId(ctx, path),
    path,
    rootId: ctx.repos.videos.ensureRoot(dirname(path)),
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
  return { id, probe }
}

/**
 * Cuts a video at its scene changes into clips under the clip rules. The clips and the step
 * mark commit together: a killed run either has all of a video's clips or none of them.
 */
async function cutIntoClips(ctx: ProjectContext, videoId: number, path: string, opts: { signal?: AbortSignal; onFrames?: (n: number) => void }): Promise<number> {
  const scene = ctx.repos.settings.get<SceneSettings>('scenes', { detector: 'content' })
  const rules = ctx.repos.settings.get<ClipRules>('clips.rules', { ...DEFAULT_CLIP_RULES })
  const detection = await detectScenes(path, { detector: scene.detector, threshold: scene.threshold, signal: opts.signal, onProgress: (p) => opts.onFrames?.(p.frames) })
  const clips = applyClipRules(detection.scenes, rules)
  return ctx.db.transaction(() => {
    let added = 0
    for (const c of clips) if (ctx.repos.clips.insert({ videoId, startS: c.startS, endS: c.endS }) !== null) added++
    ctx.repos.jobs.setVideoStep(videoId, SCENES_STEP, clips.length > 0 ? 'done' : 'skipped', clips.length > 0 ? null : `no clip passes the clip rules (video is ${detection.durationS} s)`)
    return added
  })()
}

/**
 * The first stage of InternVid's pipeline, resumable per item: register each file once, cut it
 * at scene changes (one low-resolution decode), then extract model frames, posters and scrub
 * sprites (one more pass). A failing file is reported and the batch goes on.
 */
export async function ingestPaths(ctx: ProjectContext, inputs: string[], opts: IngestOptions = {}): Promise<IngestReport> {
  const report: IngestReport = { videos_ok: 0, videos_failed: [], clips: 0, videos_skipped: 0, notes: [] }
  const { files, errors } = expandInputs(inputs, opts.recursive ?? false)
  report.videos_failed.push(...errors)
  const registered: { path: string; id: number; frames: number }[] = []
  for (const input of files) {
    opts.signal?.throwIfAborted()
    try {
      const v = await register(ctx, input, report)
      if (v) registered.push({ path: input, id: v.id, frames: Math.ceil((v.probe.durationS ?? 0) * (v.probe.fps ?? 25)) })
    } catch (err) {
      report.videos_failed.push({ path: input, error: err instanceof Error ? err.message : String(err) })
    }
    opts.onProgress?.({ phase: 'probe', framesDone: 0, framesTotal: 0, path: input })
  }
  // Each video is decoded twice (scenes, then frames): progress counts both passes.
  const framesTotal = registered.reduce((n, v) => n + 2 * v.frames, 0)
  let framesDone = 0
  for (const v of registered) {
    opts.signal?.throwIfAborted()
    const scenesDone = ctx.repos.jobs.videoStep(v.id, SCENES_STEP)?.status
    const pendingFrames = ctx.repos.clips.listForVideo(v.id).some((c) => ctx.repos.jobs.clipStep(c.id, 'frames')?.status !== 'done')
    if (scenesDone && scenesDone !== 'failed' && !pendingFrames) {
      report.videos_skipped++
      framesDone += 2 * v.frames
      continue
    }
    try {
      if (!scenesDone || scenesDone === 'failed') {
        const base = framesDone
        report.clips += await cutIntoClips(ctx, v.id, v.path, {
          signal: opts.signal,
          onFrames: (n) => opts.onProgress?.({ phase: 'scenes', framesDone: base + n, framesTotal, path: v.path }),
        })
        const step = ctx.repos.jobs.videoStep(v.id, SCENES_STEP)
        if (step?.status === 'skipped') report.notes.push({ path: v.path, note: step.error ?? 'no clips' })
      }
    } catch (err) {
      if (opts.signal?.aborted) throw err
      const error = `scene detection failed: ${err instanceof Error ? err.message : String(err)}`
      ctx.repos.jobs.setVideoStep(v.id, SCENES_STEP, 'failed', error)
      report.videos_failed.push({ path: v.path, error })
      continue
    }
    framesDone += v.frames
    opts.onProgress?.({ phase: 'frames', framesDone, framesTotal, path: v.path })
    try {
      const frames = await extractVideoFrames(ctx, v.id, opts.signal)
      for (const f of frames.failed) report.notes.push({ path: v.path, note: `clip ${f.clipId}: frames failed: ${f.error}` })
      ctx.repos.jobs.setVideoStep(v.id, FRAMES_STEP, 'done')
      report.videos_ok++
    } catch (err) {
      if (opts.signal?.aborted) throw err
      // The clips stay (reviewable, re-runnable); only their frames are missing.
      const error = `frame extraction failed: ${err instanceof Error ? err.message : String(err)}`
      ctx.repos.jobs.setVideoStep(v.id, FRAMES_STEP, 'failed', error)
      report.videos_failed.push({ path: v.path, error })
    }
    framesDone += v.frames
    opts.onProgress?.({ phase: 'frames', framesDone, framesTotal, path: v.path })
  }
  if (report.clips > 0) ctx.bus.emit('clips:changed', { clipIds: [] })
  return report
}
