import { readFileSync } from 'node:fs'
import type { ProjectContext } from '../../core/project-context'
import { decodeFramesAt, type VideoProbe } from '../../media/ffmpeg'
import type { RgbFrame } from '../../ml/preprocess/rgb-frame'
import { clipFramesPath, type ClipFrames } from '../frames.service'

/**
 * The frames a model needs for one clip, decoded at full resolution from the source video at
 * the exact presentation times the frame planner chose (recorded in the clip's frame manifest).
 * The JPEG cache serves the UI and captioning; scores use the same pixels the reference
 * implementations see. Errors name the clip and what is missing.
 */
export async function loadClipFrames(ctx: ProjectContext, clipId: number, which: 'viclip' | 'aesthetic', signal?: AbortSignal): Promise<RgbFrame[]> {
  const manifestPath = clipFramesPath(ctx, clipId)
  let manifest: ClipFrames
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ClipFrames
  } catch (err) {
    throw new Error(`clip ${clipId}: no frame plan (${manifestPath}: ${(err as Error).message}); run ingest again to extract frames`)
  }
  const clip = ctx.repos.clips.get(clipId)
  const video = clip ? ctx.repos.videos.get(clip.video_id) : undefined
  if (!video?.path) throw new Error(`clip ${clipId}: its video file is missing, so its frames cannot be decoded`)
  const probe = JSON.parse(video.probe_json ?? '{}') as Partial<VideoProbe>
  const times = manifest[which].map((f) => manifest.times[f])
  if (times.some((t) => typeof t !== 'number')) throw new Error(`${manifestPath}: a ${which} frame has no recorded time`)
  const decoded = await decodeFramesAt(video.path, times, { startTimeS: probe.startTimeS ?? 0, signal })
  const byTime = new Map(decoded.map((d) => [d.t, d.image]))
  return times.map((t) => byTime.get(t)!)
}
