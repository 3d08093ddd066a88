import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ProjectContext } from '../../core/project-context'
import { decodeImages } from '../../media/ffmpeg'
import type { RgbFrame } from '../../ml/preprocess/rgb-frame'
import { clipFramesPath, type ClipFrames } from '../frames.service'

/** The cached frames a model needs for one clip, decoded to RGB; errors name the clip and file. */
export async function loadClipFrames(ctx: ProjectContext, clipId: number, which: 'viclip' | 'aesthetic', signal?: AbortSignal): Promise<RgbFrame[]> {
  const manifestPath = clipFramesPath(ctx, clipId)
  let manifest: ClipFrames
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ClipFrames
  } catch (err) {
    throw new Error(`clip ${clipId}: no frame cache (${manifestPath}: ${(err as Error).message}); run ingest again to extract frames`)
  }
  const files = manifest[which].map((f) => join(ctx.dataDir, f))
  return decodeImages(files, signal)
}
