import { hsvWithDeltas } from './hsv'
import { MinLengthFilter, type MinLengthMode } from './min-scene-length'

/**
 * PySceneDetect's ContentDetector (the one InternVid ran at threshold 27): a frame's score is the
 * weighted mean of the mean absolute differences of its H, S and V planes from the previous
 * frame's; a score ≥ threshold is a cut at that frame (the first frame of the new scene), subject
 * to the minimum scene length. The edge component (Canny + dilate) is not implemented: its
 * default weight is 0 and InternVid did not use it.
 */

export interface ContentWeights {
  hue: number
  sat: number
  lum: number
}

export const DEFAULT_WEIGHTS: Readonly<ContentWeights> = { hue: 1, sat: 1, lum: 1 }
export const LUMA_ONLY_WEIGHTS: Readonly<ContentWeights> = { hue: 0, sat: 0, lum: 1 }

/** A detector sees frames in presentation order and returns the cut times (seconds) it finds. */
export interface SceneDetector {
  processFrame(ptsS: number, rgb: Uint8Array): number[]
  /** Called after the last frame: cuts still held back (none for these two detectors). */
  finish(): number[]
}

function checkWeights(w: ContentWeights): number {
  const total = Math.abs(w.hue) + Math.abs(w.sat) + Math.abs(w.lum)
  if (![w.hue, w.sat, w.lum].every(Number.isFinite) || total === 0) {
    throw new RangeError(`content weights must be finite and not all zero (got ${JSON.stringify(w)})`)
  }
  return total
}

/** Frame-to-frame content score; keeps the previous frame's HSV planes. */
export class ContentScorer {
  private readonly weights: ContentWeights
  private readonly weightSum: number
  private planes: Uint8Array[] = []
  private pixels = 0
  private readonly sums = new Float64Array(3)
  private hasPrev = false

  constructor(weights: ContentWeights = DEFAULT_WEIGHTS) {
    this.weights = { ...weights }
    this.weightSum = checkWeights(this.weights)
  }

  /** Score of `rgb` against the previous frame; 0 for the first frame, as in PySceneDetect. */
  score(rgb: Uint8Array): number {
    const n = rgb.length / 3
    if (n !== this.pixels) {
      if (this.pixels !== 0) throw new RangeError(`frame size changed from ${this.pixels} to ${n} pixels`)
      this.pixels = n
      this.planes = [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)]
    }
    hsvWithDeltas(rgb, this.planes, this.sums)
    if (!this.hasPrev) {
      this.hasPrev = true
      return 0
    }
    const w = this.weights
    const [dh, ds, dv] = this.sums
    // Same order of operations as PySceneDetect (per-channel mean first) so ties at the
    // threshold land the same way.
    return (w.hue * (dh / n) + w.sat * (ds / n) + w.lum * (dv / n)) / this.weightSum
  }
}

export interface ContentDetectorOptions {
  /** Default 27 (PySceneDetect's default and InternVid's setting). */
  threshold?: number
  /** Minimum scene length in seconds (resolve frame counts with minSceneSeconds). Default 0. */
  minSceneLenS?: number
  weights?: ContentWeights
  minLengthMode?: MinLengthMode
}

export class ContentDetector implements SceneDetector {
  private readonly scorer: ContentScorer
  private readonly threshold: number
  private readonly filter: MinLengthFilter
  /** Score of the most recent frame (for stats and tests). */
  lastScore = 0

  constructor(options: ContentDetectorOptions = {}) {
    this.threshold = options.threshold ?? 27
    if (!(this.threshold > 0 && this.threshold <= 255)) throw new RangeError(`content threshold must be in (0, 255] (got ${this.threshold})`)
    this.scorer = new ContentScorer(options.weights)
    this.filter = new MinLengthFilter(options.minLengthMode ?? 'suppress', options.minSceneLenS ?? 0)
  }

  processFrame(ptsS: number, rgb: Uint8Array): number[] {
    this.lastScore = this.scorer.score(rgb)
    return this.filter.filter(ptsS, this.lastScore >= this.threshold)
  }

  finish(): number[] {
    return []
  }
}
