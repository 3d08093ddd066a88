import { realpathSync } from 'node:fs'
import { join, relative, isAbsolute } from 'node:path'
import { ApiError } from '../api/errors'
import { readyProxy } from '../media/proxy-cache'
import type { ProjectContext } from './project-context'

/** True when `child` (already real, absolute) lies inside `root` (real, absolute). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

function real(path: string): string | null {
  try {
    return realpathSync(path)
  } catch {
    return null
  }
}

/**
 * Media is addressed by id, never by a client-supplied path, and the resolved file must still
 * lie inside a registered video root after symlinks are followed.
 */
export function resolveVideoFile(ctx: ProjectContext, videoId: number): string {
  const video = ctx.repos.videos.get(videoId)
  if (!video?.path) throw new ApiError('not_found', `video ${videoId} has no media file`)
  const file = real(video.path)
  if (!file) throw new ApiError('not_found', `media file is missing: ${video.path}`)
  const roots = ctx.repos.videos.listRoots().map((r) => real(r.path)).filter((r): r is string => r !== null)
  if (!roots.some((root) => isInside(root, file))) {
    throw new ApiError('not_found', `video ${videoId} is outside the project's video roots`)
  }
  return file
}

function resolveDataFile(ctx: ProjectContext, relPath: string | null, what: string): string {
  const data = real(ctx.dataDir)
  const file = relPath ? real(join(ctx.dataDir, relPath)) : null
  if (!data || !file || !isInside(data, file)) throw new ApiError('not_found', `${what} is missing`)
  return file
}

/** Poster: a cached frame under the project's data folder (path stored relative to it). */
export function resolveThumbnailFile(ctx: ProjectContext, clipId: number): string {
  const clip = ctx.repos.clips.get(clipId)
  if (!clip) throw new ApiError('not_found', `clip ${clipId} does not exist`)
  return resolveDataFile(ctx, clip.thumbnail, `thumbnail of clip ${clipId}`)
}

export function resolveSpriteFile(ctx: ProjectContext, clipId: number): string {
  return resolveDataFile(ctx, join('sprites', `${clipId}.jpg`), `scrub sprite of clip ${clipId}`)
}

/**
 * What the player gets for a video: its playback proxy once one is ready (sources browsers cannot
 * play, see media-proxy.service.ts), else the source itself. The source is resolved first either
 * way, so a video outside the roots or missing on disk is refused even when a proxy exists.
 */
export function resolvePlayableVideoFile(ctx: ProjectContext, videoId: number): string {
  const source = resolveVideoFile(ctx, videoId)
  return readyProxy(ctx.dataDir, videoId, source)?.file ?? source
}

/** Parses `/video/<id>`, `/thumb/<clipId>` or `/sprite/<clipId>` (the path after the media prefix) to a file. */
export function resolveMediaPath(ctx: ProjectContext, path: string): string {
  const m = /^\/?(video|thumb|sprite)\/(\d{1,15})$/.exec(path)
  if (!m) throw new ApiError('not_found', `no media at ${path}`)
  const id = Number(m[2])
  if (m[1] === 'video') return resolvePlayableVideoFile(ctx, id)
  return m[1] === 'thumb' ? resolveThumbnailFile(ctx, id) : resolveSpriteFile(ctx, id)
}
