import { makeScene, type Scene } from './scene-list'

/**
 * InternVid's clip rules applied to a scene list: scenes too short to caption are dropped or
 * merged into a neighbour, scenes too long for a single caption are split into equal parts or
 * dropped. Pure: scenes in, clips out; nothing is cut here.
 */

export type ShortClipAction = 'drop' | 'merge'
export type LongClipAction = 'split' | 'drop'

export interface ClipRules {
  /** Clips shorter than this (seconds) are short. Default 1. */
  minS: number
  short: ShortClipAction
  /** Clips longer than this (seconds) are long. Default 120. */
  maxS: number
  long: LongClipAction
}

export const DEFAULT_CLIP_RULES: Readonly<ClipRules> = { minS: 1, short: 'merge', maxS: 120, long: 'split' }

/** Times are compared at millisecond precision, the precision of the timestamps themselves. */
const EPS = 5e-4

export function checkClipRules(rules: ClipRules): void {
  const { minS, maxS } = rules
  if (!(Number.isFinite(minS) && minS >= 0)) throw new RangeError(`clip minimum must be ≥ 0 s (got ${minS})`)
  if (!(Number.isFinite(maxS) && maxS > 0)) throw new RangeError(`clip maximum must be > 0 s (got ${maxS})`)
  // Equal parts of a long clip are longer than maxS / 2; below 2×min they could come out short.
  if (rules.long === 'split' && maxS < 2 * minS) {
    throw new RangeError(`clip maximum (${maxS} s) must be at least twice the minimum (${minS} s) when long clips are split`)
  }
  if (rules.short !== 'drop' && rules.short !== 'merge') throw new RangeError(`short-clip action must be drop or merge (got ${String(rules.short)})`)
  if (rules.long !== 'split' && rules.long !== 'drop') throw new RangeError(`long-clip action must be split or drop (got ${String(rules.long)})`)
}

const len = (c: { startS: number; endS: number }) => c.endS - c.startS

/**
 * Short clips are merged backwards into the clip they follow (the cut before them was most likely
 * a flash or a fast pan), or forwards when they open the video or follow a gap; a clip that stays
 * short after merging (a video shorter than the minimum) is dropped. Merging runs before
 * splitting, so a merge can never produce an over-long clip.
 */
function mergeShort(scenes: readonly Scene[], minS: number): { startS: number; endS: number }[] {
  const out: { startS: number; endS: number }[] = []
  let carry: { startS: number; endS: number } | null = null
  for (const s of scenes) {
    let cur = { startS: s.startS, endS: s.endS }
    if (carry && Math.abs(carry.endS - cur.startS) < EPS) cur = { startS: carry.startS, endS: cur.endS }
    carry = null
    const prev = out[out.length - 1]
    const contiguous = prev !== undefined && Math.abs(prev.endS - cur.startS) < EPS
    if (len(cur) < minS - EPS) {
      if (contiguous) prev.endS = cur.endS
      else carry = cur
      continue
    }
    out.push(cur)
  }
  // A `carry` left over (a short tail after a gap, or a whole video shorter than minS) is dropped.
  return out
}

export function applyClipRules(scenes: readonly Scene[], rules: ClipRules = DEFAULT_CLIP_RULES): Scene[] {
  checkClipRules(rules)
  const kept =
    rules.short === 'merge'
      ? mergeShort(scenes, rules.minS)
      : scenes.filter((s) => len(s) >= rules.minS - EPS).map((s) => ({ startS: s.startS, endS: s.endS }))
  const clips: Scene[] = []
  for (const c of kept) {
    const d = len(c)
    if (d <= rules.maxS + EPS) {
      clips.push(makeScene(c.startS, c.endS))
    } else if (rules.long === 'split') {
      const parts = Math.ceil(d / rules.maxS - EPS)
      for (let i = 0; i < parts; i++) {
        const a = c.startS + (d * i) / parts
        const b = i === parts - 1 ? c.endS : c.startS + (d * (i + 1)) / parts
        clips.push(makeScene(a, b))
      }
    }
  }
  return clips
}
