import type { MediaUrls } from '../../api/media-urls'

/**
 * The scrub strip's URL (`<mediaBase>/sprite/<clipId>`, per the contract's ClipSummary.hasSprite).
 * media-urls.ts has no `sprite()` yet (that file belongs to the API layer); until it does, the
 * poster URL is rewritten, which keeps the same base, encoding and auth as the poster.
 */
export function spriteUrlFor(media: MediaUrls & { sprite?: (clipId: number) => string }, clipId: number): string {
  if (media.sprite) return media.sprite(clipId)
  return media.poster(clipId).replace(/\/thumb\/([^/]*)$/, '/sprite/$1')
}
