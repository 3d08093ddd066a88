import { parseTimestamp } from '../timecode'

/**
 * Minimum scene length, as PySceneDetect accepts it: a frame count (`15`) or a duration
 * (`0.6s`, `00:00:00.600`). Frames are turned into seconds with the video's nominal rate once,
 * then every comparison is done on presentation times, so VFR video is handled the same way.
 */
export type MinSceneLength = { frames: number } | { seconds: number }

/** Tolerance for comparing pts differences (15 frames at 25 fps is 0.6 s, give or take 1e-16). */
export const TIME_EPS = 1e-6

export function parseMinSceneLength(text: string): MinSceneLength {
  const t = text.trim()
  if (/^\d+$/.test(t)) return { frames: Number(t) }
  const secs = /^(\d+(?:\.\d+)?|\.\d+)\s*s$/.exec(t)
  if (secs) return { seconds: Number(secs[1]) }
  if (t.includes(':')) return { seconds: parseTimestamp(t) }
  throw new RangeError(`invalid minimum scene length "${text}" (expected frames like 15, or a duration like 0.6s or 00:00:00.600)`)
}

export function minSceneSeconds(len: MinSceneLength, fps: number): number {
  if ('frames' in len) {
    if (!Number.isInteger(len.frames) || len.frames < 0) throw new RangeError(`minimum scene length must be a whole number of frames ≥ 0 (got ${len.frames})`)
    if (!(fps > 0)) throw new RangeError(`cannot turn ${len.frames} frames into seconds without a frame rate`)
    return len.frames / fps
  }
  if (!Number.isFinite(len.seconds) || len.seconds < 0) throw new RangeError(`minimum scene length must be ≥ 0 s (got ${len.seconds})`)
  return len.seconds
}

/**
 * How a detector enforces the minimum scene length (PySceneDetect's FlashFilter modes).
 * - `suppress` (our default; the only behaviour of PySceneDetect ≤ 0.6.3, i.e. what a 2023
 *   pipeline such as InternVid's ran): after a cut, further cuts are ignored until the minimum
 *   length has passed since the last one.
 * - `merge` (the default of later PySceneDetect releases): a burst of above-threshold frames
 *   closer together than the minimum becomes one cut, placed at the burst's last frame once the
 *   burst has lasted the minimum length; strobe/flash sequences then give one cut, not several.
 */
export type MinLengthMode = 'merge' | 'suppress'

export class MinLengthFilter {
  private lastAbove: number | null = null
  private mergeEnabled = false
  private mergeTriggered = false
  private mergeStart = 0

  constructor(
    private readonly mode: MinLengthMode,
    private readonly minS: number,
  ) {}

  /** Feeds one frame's verdict; returns the cut times it releases (0 or 1 of them). */
  filter(ptsS: number, above: boolean): number[] {
    if (this.minS <= 0) return above ? [ptsS] : []
    if (this.lastAbove === null) this.lastAbove = ptsS
    return this.mode === 'merge' ? this.merge(ptsS, above) : this.suppress(ptsS, above)
  }

  private lengthMet(ptsS: number): boolean {
    return ptsS - (this.lastAbove as number) >= this.minS - TIME_EPS
  }

  private suppress(ptsS: number, above: boolean): number[] {
    if (!above || !this.lengthMet(ptsS)) return []
    this.lastAbove = ptsS
    return [ptsS]
  }

  private merge(ptsS: number, above: boolean): number[] {
    const lengthMet = this.lengthMet(ptsS)
    if (above) this.lastAbove = ptsS
    const last = this.lastAbove as number
    if (this.mergeTriggered) {
      // Still inside a burst: release one cut once the burst is long enough and has gone quiet.
      if (lengthMet && !above && last - this.mergeStart >= this.minS - TIME_EPS) {
        this.mergeTriggered = false
        return [last]
      }
      return []
    }
    if (!above) return []
    if (lengthMet) {
      this.mergeEnabled = true
      return [ptsS]
    }
    // Merging starts only after a first cut, so the opening frames never count as a burst.
    if (this.mergeEnabled) {
      this.mergeTriggered = true
      this.mergeStart = ptsS
    }
    return []
  }
}
