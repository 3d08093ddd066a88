/**
 * Media is addressed by id, never by file path: the core resolves ids to files inside the
 * project's video roots. Desktop uses the `vicurate-media:` protocol; browser mode is same-origin
 * `/media`, where the auth cookie rides along without any token in the URL.
 */
export const IPC_MEDIA_BASE = 'vicurate-media://local'
export const HTTP_MEDIA_BASE = '/media'

export interface MediaUrls {
  /**
   * `revision` (from `media:prepare`) names the playback proxy being served: a new one gets a new
   * URL, so no cached bytes of the previous file are reused. The core ignores the query.
   */
  video(videoId: number, revision?: string | null): string
  poster(clipId: number): string
}

export function createMediaUrls(base: string): MediaUrls {
  const root = base.replace(/\/+$/, '')
  return {
    video: (videoId, revision) =>
      `${root}/video/${encodeURIComponent(String(videoId))}${revision ? `?rev=${encodeURIComponent(revision)}` : ''}`,
    poster: (clipId) => `${root}/thumb/${encodeURIComponent(String(clipId))}`,
  }
}
