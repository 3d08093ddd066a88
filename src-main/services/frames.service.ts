import { existsSync, mkdirSync, writeFileSync, renameSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { ProjectContext } from '../core/project-context'
import { grabFrames, tileSprites, type GrabbedFrame } from '../media/ffmpeg/frame-grab'
import type { VideoProbe } from '../media/ffmpeg'
import { DEFAULT_FRAME_PLAN, modelTimes, planClipFrames, type ClipFramePlan } from '../media/frame-plan'

export const FRAMES_STEP = 'frames'
/** Model frames are cached with this shorter side; ViCLIP and CLIP both resize down to 224. */
export const MODEL_SHORT_SIDE = 256
export const SPRITE_WIDTH = 160

/** What a clip's frame manifest (frames/c<clipId>.json) holds: files relative to the data dir. */
export interface ClipFrames {
  clipId: number
  plan: ClipFramePlan
  viclip: string[]
  aesthetic: string[]
  middle: string
  fine: string[]
  /** The presentation time of each file actually used, for display and checks. */
  times: Record<string, number>
}

export const clipFramesPath = (ctx: ProjectContext, clipId: number): string => join(ctx.dataDir, 'frames', `c${clipId}.json`)
export const spritePath = (ctx: ProjectContext, clipId: number): string => join(ctx.dataDir, 'sprites', `${clipId}.jpg`)

/** The first grabbed frame at or after t (the frame on screen at t), else the last one. */
function frameAt(frames: GrabbedFrame[], t: number): GrabbedFrame {
  const eps = 1e-4
  return frames.find((f) => f.t >= t - eps) ?? frames[frames.length - 1]
}

export interface FramesResult {
  clips: number
  failed: { clipId: number; error: string }[]
}

/**
 * Extracts every frame the models and the grid need for the clips of one video that do not
 * have them yet, decoding each stretch of the video once. Each clip's manifest is written
 * atomically and its `frames` step is marked last, so a killed run redoes only unfinished clips.
 */
export async function extractVideoFrames(ctx: ProjectContext, videoId: number, signal?: AbortSignal, onClip?: () => void): Promise<FramesResult> {
  const video = ctx.repos.videos.get(videoId)
  if (!video?.path) return { clips: 0, failed: [] }
  const probe = JSON.parse(video.probe_json ?? 'null') as VideoProbe | null
  const fineCap = ctx.repos.settings.get('frames.fineCap', DEFAULT_FRAME_PLAN.fineCap)
  const clips = ctx.repos.clips.listForVideo(videoId).filter((c) => ctx.repos.jobs.clipStep(c.id, FRAMES_STEP)?.status !== 'done')
  if (clips.length === 0) return { clips: 0, failed: [] }
  const plans = clips.map((c) => ({ clip: c, plan: planClipFrames(c.start_s, c.end_s, { ...DEFAULT_FRAME_PLAN, fineCap }) }))
  const outDir = join(ctx.dataDir, 'frames', `v${videoId}`)
  const grabbed = await grabFrames(
    video.path,
    plans.flatMap((p) => modelTimes(p.plan)),
    plans.flatMap((p) => p.plan.sprite),
    outDir,
    { modelShortSide: MODEL_SHORT_SIDE, spriteWidth: SPRITE_WIDTH, startTimeS: probe?.startTimeS ?? 0, timeBase: probe?.timeBase ?? [1, 1000], signal },
  )
  const result: FramesResult = { clips: 0, failed: [] }
  if (grabbed.model.length === 0) {
    for (const { clip } of plans) {
      ctx.repos.jobs.setClipStep(clip.id, FRAMES_STEP, 'failed', null, 'no frame could be decoded')
      result.failed.push({ clipId: clip.id, error: 'no frame could be decoded' })
    }
    return result
  }
  mkdirSync(join(ctx.dataDir, 'sprites'), { recursive: true })
  const rel = (f: GrabbedFrame) => relative(ctx.dataDir, f.file)
  const spriteSource = grabbed.sprite.length ? grabbed.sprite : grabbed.model
  const strips = plans.map(({ plan }) => plan.sprite.map((t) => frameAt(spriteSource, t).file))
  await tileSprites(strips, DEFAULT_FRAME_PLAN.spriteFrames, plans.map((p) => spritePath(ctx, p.clip.id)), outDir, signal)
  for (const { clip, plan } of plans) {
    const pick = (t: number) => frameAt(grabbed.model, t)
    const used = [...modelTimes(plan)].map(pick)
    const manifest: ClipFrames = {
      clipId: clip.id,
      plan,
      viclip: plan.viclip.map((t) => rel(pick(t))),
      aesthetic: plan.aesthetic.map((t) => rel(pick(t))),
      middle: rel(pick(plan.middle)),
      fine: plan.fine.map((t) => rel(pick(t))),
      times: Object.fromEntries(used.map((f) => [rel(f), Math.round(f.t * 1e6) / 1e6])),
    }
    const target = clipFramesPath(ctx, clip.id)
    writeFileSync(`${target}.tmp`, JSON.stringify(manifest))
    renameSync(`${target}.tmp`, target)
    ctx.db.transaction(() => {
      ctx.repos.clips.setThumbnail(clip.id, manifest.middle)
      ctx.repos.jobs.setClipStep(clip.id, FRAMES_STEP, existsSync(spritePath(ctx, clip.id)) ? 'done' : 'failed', null, null)
    })()
    result.clips++
    onClip?.()
  }
  return result
}
