/**
 * The fixed rejection reasons behind R then 1–9. The text is what the audit log and exports
 * store, so changing a wording splits the statistics: add new reasons, do not reword old ones.
 */
export const REJECTION_REASONS: readonly string[] = [
  'blurry / low quality',
  'watermark / text overlay',
  'caption wrong',
  'not a single scene',
  'static / no motion',
  'NSFW',
  'duplicate',
  'too short',
  'other',
]
