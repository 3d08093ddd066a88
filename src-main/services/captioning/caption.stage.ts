import { randomUUID } from 'node:crypto'
import type { ClipFilters, ClipStatus } from '../../api/contract'
import type { ProjectContext } from '../../core/project-context'
import { decodeFramesAt, probeVideo, type VideoProbe } from '../../media/ffmpeg'
import type { RgbFrame } from '../../ml/preprocess/rgb-frame'
import { sqlFor } from '../filter.service'
import { mlSettings, type ModelLocator } from '../scoring/scoring-deps'
import { openCaptionBackends, type CaptionBackends } from './caption-backends'
import { captionSettings } from './caption-settings'
import { fineFrameTimes, PROMPT_VERSION, summaryMessages } from './summary-prompt'

export const CAPTION_STEP = 'caption'

export interface CaptionStageOptions {
  /** Caption only clips passing these filters (captioning is slow: caption what may be kept). */
  filters?: ClipFilters
  status?: ClipStatus | 'all'
  signal: AbortSignal
  onProgress: (p: { done: number; total: number }) => void
}

export interface CaptionReport {
  stage: 'caption'
  captioner: { id: string; revision: string; provider: string; fallbackReason: string | null }
  summariser: { id: string; revision: string; provider: string; fallbackReason: string | null } | null
  promptVersion: string
  captioned: number
  /** Clips whose curated caption was a curator's edit: model captions stored, edit kept. */
  keptCuratorEdit: number
  failed: { clipId: number; error: string }[]
  /** Clips whose clips.caption changed (their similarity is stale and gets recomputed). */
  changedClipIds: number[]
}

interface Candidate {
  id: number
  start_s: number
  end_s: number
  media_path: string | null
  path: string
  probe_json: string | null
}

export class EmptyCaptionError extends Error {}

function selectCandidates(ctx: ProjectContext, fingerprint: string, opts: CaptionStageOptions): Candidate[] {
  const where = sqlFor(ctx, opts.status ?? 'all', opts.filters ?? {})
  return ctx.db
    .prepare(
      `SELECT c.id, c.start_s, c.end_s, c.media_path, v.path, v.probe_json FROM clips c
       JOIN videos v ON v.id = c.video_id AND v.path IS NOT NULL AND v.status = 'ok'
       LEFT JOIN clip_steps s ON s.clip_id = c.id AND s.step = '${CAPTION_STEP}'
       WHERE (s.clip_id IS NULL OR s.status != 'done' OR s.model_revision IS NOT @fingerprint) ${where.sql}
       ORDER BY c.id`,
    )
    .all({ ...where.params, fingerprint }) as Candidate[]
}

/**
 * Instants closer than one frame apart select the same frame (the decoder returns each frame
 * once), e.g. a 5.005 s clip's midpoint 2.5025 s and its 1 fps instant 2.5 s: map each wanted
 * instant to the first instant of its group, so every group is decoded once and shared.
 */
export function groupInstants(times: number[], fps: number | null | undefined): Map<number, number> {
  const gap = fps && fps > 0 ? 1 / fps : 0.04
  const rep = new Map<number, number>()
  let head: number | null = null
  for (const t of [...new Set(times)].sort((a, b) => a - b)) {
    if (head === null || t - head >= gap) head = t
    rep.set(t, head)
  }
  return rep
}

/** The middle frame and the 1 fps frames of one clip, decoded at full resolution. */
async function decodeClipFrames(c: Candidate, fineFrames: number, signal: AbortSignal): Promise<{ middle: RgbFrame; fine: { t: number; frame: RgbFrame }[] }> {
  const duration = c.end_s - c.start_s
  // A pre-cut clip file starts at the clip's start; otherwise times are on the source's timeline.
  const source = c.media_path ?? c.path
  const offset = c.media_path ? 0 : c.start_s
  const probe: Partial<VideoProbe> = c.media_path ? await probeVideo(c.media_path) : (JSON.parse(c.probe_json ?? '{}') as Partial<VideoProbe>)
  const rel = fineFrameTimes(duration, fineFrames)
  const mid = duration / 2
  const rep = groupInstants([mid, ...rel].map((t) => offset + t), probe.fps)
  const decoded = await decodeFramesAt(source, [...new Set(rep.values())], { startTimeS: probe.startTimeS ?? 0, signal })
  const at = new Map(decoded.map((d) => [d.t, d.image]))
  const frame = (t: number) => at.get(rep.get(offset + t)!)!
  return { middle: frame(mid), fine: rel.map((t) => ({ t, frame: frame(t) })) }
}

function hasCuratorEdit(ctx: ProjectContext, clipId: number): boolean {
  return ctx.db.prepare("SELECT 1 FROM review_events WHERE clip_id = ? AND kind = 'caption' LIMIT 1").get(clipId) !== undefined
}

/**
 * InternVid's multi-scale captioning for every pending clip: coarse = caption of the middle
 * frame; fine = captions of frames at 1 fps (capped) summarised by a language model with the
 * versioned prompt, the coarse caption included. Each clip's rows (coarse, frames, fine) are
 * written in one transaction with their provenance, then its step is marked done with the
 * fingerprint of every model and the prompt version, so a re-run skips it and a settings change
 * re-captions it. An empty caption from a model is a per-clip failure, never stored.
 */
export async function runCaptionStage(ctx: ProjectContext, models: ModelLocator, opts: CaptionStageOptions): Promise<CaptionReport> {
  const settings = captionSettings(ctx)
  const backends: CaptionBackends = await openCaptionBackends(models, settings, mlSettings(ctx))
  const { captioner, summariser, fingerprint } = backends
  const report: CaptionReport = {
    stage: 'caption',
    captioner: { ...captioner.ref, provider: captioner.provider, fallbackReason: captioner.fallbackReason },
    summariser: summariser && { ...summariser.ref, provider: summariser.provider, fallbackReason: summariser.fallbackReason },
    promptVersion: PROMPT_VERSION,
    captioned: 0,
    keptCuratorEdit: 0,
    failed: [],
    changedClipIds: [],
  }
  try {
    const items = selectCandidates(ctx, fingerprint.revision, opts)
    opts.onProgress({ done: 0, total: items.length })
    const insert = ctx.db.prepare(`INSERT INTO captions (clip_id, scale, frame_index, frame_time_s, text, model_id, model_revision, prompt_version, run_id, created_at)
      VALUES (@clipId, @scale, @frameIndex, @t, @text, @modelId, @modelRevision, @prompt, @runId, @now)`)
    for (const [i, c] of items.entries()) {
      opts.signal.throwIfAborted()
      try {
        const { middle, fine } = await decodeClipFrames(c, settings.fineFrames, opts.signal)
        const [coarse, ...frameTexts] = await captioner.caption([middle, ...fine.map((f) => f.frame)], opts.signal)
        if (!coarse) throw new EmptyCaptionError(`${captioner.ref.id} returned an empty coarse caption for the middle frame`)
        const frames = fine.map((f, k) => ({ t: f.t, text: frameTexts[k], index: k })).filter((f) => f.text)
        let final = coarse
        if (summariser) {
          if (frames.length === 0) throw new EmptyCaptionError(`${captioner.ref.id} returned empty captions for every 1 fps frame`)
          final = await summariser.summarise(summaryMessages(coarse, frames), opts.signal)
          if (!final) throw new EmptyCaptionError(`${summariser.ref.id} returned an empty summary`)
        }
        const now = new Date().toISOString()
        const runId = randomUUID()
        const base = { clipId: c.id, runId, now, modelId: captioner.ref.id, modelRevision: captioner.ref.revision, prompt: null as string | null }
        const changed = ctx.db.transaction(() => {
          insert.run({ ...base, scale: 'coarse', frameIndex: null, t: c.end_s - c.start_s > 0 ? (c.end_s - c.start_s) / 2 : 0, text: coarse })
          for (const f of frames) insert.run({ ...base, scale: 'frame', frameIndex: f.index, t: f.t, text: f.text })
          if (summariser) insert.run({ ...base, scale: 'fine', frameIndex: null, t: null, text: final, modelId: summariser.ref.id, modelRevision: summariser.ref.revision, prompt: PROMPT_VERSION })
          ctx.repos.jobs.setClipStep(c.id, CAPTION_STEP, 'done', fingerprint)
          // A curator's edit wins: the model captions are stored beside it, the edit stays.
          if (hasCuratorEdit(ctx, c.id)) return 'kept-edit'
          const r = ctx.db.prepare('UPDATE clips SET caption = ?, updated_at = ? WHERE id = ? AND caption IS NOT ?').run(final, now, c.id, final)
          if (r.changes > 0) ctx.repos.scores.markSimilarityStale(c.id)
          return r.changes > 0 ? 'changed' : 'same'
        })()
        report.captioned++
        if (changed === 'kept-edit') report.keptCuratorEdit++
        if (changed === 'changed') report.changedClipIds.push(c.id)
      } catch (e) {
        if (opts.signal.aborted) throw e
        const error = e instanceof Error ? e.message : String(e)
        ctx.repos.jobs.setClipStep(c.id, CAPTION_STEP, 'failed', fingerprint, error)
        report.failed.push({ clipId: c.id, error })
      }
      opts.onProgress({ done: i + 1, total: items.length })
    }
  } finally {
    await backends.dispose()
  }
  if (report.changedClipIds.length > 0) ctx.bus.emit('clips:changed', { clipIds: report.changedClipIds.slice(0, 1000) })
  return report
}
