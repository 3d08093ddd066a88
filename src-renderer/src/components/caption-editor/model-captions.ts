import type { ClipDetail } from '../../../../src-main/api/contract'

export type ModelCaption = ClipDetail['modelCaptions'][number]

const BASE_PREFERENCE = ['fine', 'coarse', 'imported'] as const

/** The caption a curator's text is compared with: the finest whole-clip model caption there is. */
export function diffBase(captions: readonly ModelCaption[]): ModelCaption | null {
  for (const scale of BASE_PREFERENCE) {
    const hit = captions.find((c) => c.scale === scale)
    if (hit) return hit
  }
  return null
}

/** Every other model caption (coarse, per-frame): context for judging the clip's content. */
export function contextCaptions(captions: readonly ModelCaption[], base: ModelCaption | null): ModelCaption[] {
  return captions
    .filter((c) => c !== base)
    .slice()
    .sort((x, y) => (x.scale === y.scale ? (x.frameIndex ?? 0) - (y.frameIndex ?? 0) : x.scale === 'frame' ? 1 : y.scale === 'frame' ? -1 : 0))
}

export function describeCaption(c: ModelCaption): string {
  const where =
    c.scale === 'frame' && c.frameTimeS !== null ? `frame at ${c.frameTimeS.toFixed(1)} s` : c.scale === 'frame' && c.frameIndex !== null ? `frame ${c.frameIndex}` : c.scale === 'fine' ? 'fine (summary)' : c.scale
  const by = [c.modelId, c.promptVersion && `prompt ${c.promptVersion}`].filter(Boolean).join(', ')
  return by ? `${where} · ${by}` : where
}
