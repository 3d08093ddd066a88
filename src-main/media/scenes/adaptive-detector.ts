import { ContentScorer, type ContentWeights, type SceneDetector } from './content-detector'
import { TIME_EPS } from './min-scene-length'

/**
 * PySceneDetect's AdaptiveDetector: the content score of a frame divided by the mean score of
 * the `windowWidth` frames on each side. A cut needs that ratio ≥ adaptiveThreshold AND the
 * frame's own score ≥ minContentVal, which lets fast camera motion (high scores everywhere)
 * pass while an isolated spike still cuts. A frame is judged once `windowWidth` later frames
 * have arrived, so cuts come out that many frames late; the last `windowWidth` frames of a video
 * are never judged (as in PySceneDetect).
 */

export interface AdaptiveDetectorOptions {
  /** Default 3.0. */
  adaptiveThreshold?: number
  /** Frames on each side in the rolling average; default 2, at least 1. */
  windowWidth?: number
  /** Default 15. */
  minContentVal?: number
  /** Minimum scene length in seconds (resolve frame counts with minSceneSeconds). Default 0. */
  minSceneLenS?: number
  weights?: ContentWeights
}

/** Ratio cap PySceneDetect uses, also the value when the neighbours' mean is zero. */
const MAX_RATIO = 255

export class AdaptiveDetector implements SceneDetector {
  private readonly scorer: ContentScorer
  private readonly threshold: number
  private readonly window: number
  private readonly minContent: number
  private readonly minLenS: number
  // Ring buffers of the last 2*window+1 (pts, score) pairs.
  private readonly pts: Float64Array
  private readonly scores: Float64Array
  private count = 0
  private lastCut: number | null = null
  /** Ratio computed for the most recently judged frame (for stats and tests). */
  lastRatio = 0

  constructor(options: AdaptiveDetectorOptions = {}) {
    this.threshold = options.adaptiveThreshold ?? 3
    this.window = options.windowWidth ?? 2
    this.minContent = options.minContentVal ?? 15
    this.minLenS = options.minSceneLenS ?? 0
    if (!Number.isInteger(this.window) || this.window < 1) throw new RangeError(`window width must be a whole number ≥ 1 (got ${this.window})`)
    if (!(this.threshold > 0)) throw new RangeError(`adaptive threshold must be > 0 (got ${this.threshold})`)
    if (!(this.minContent >= 0)) throw new RangeError(`minimum content value must be ≥ 0 (got ${this.minContent})`)
    this.scorer = new ContentScorer(options.weights)
    this.pts = new Float64Array(2 * this.window + 1)
    this.scores = new Float64Array(2 * this.window + 1)
  }

  processFrame(ptsS: number, rgb: Uint8Array): number[] {
    const score = this.scorer.score(rgb)
    this.lastCut ??= ptsS
    const size = this.pts.length
    this.pts[this.count % size] = ptsS
    this.scores[this.count % size] = score
    this.count++
    if (this.count < size) return []

    // The oldest entry is at count % size; the target sits `window` entries after it.
    const oldest = this.count % size
    const targetIdx = (oldest + this.window) % size
    let sum = 0
    for (let k = 0; k < size; k++) if (k !== targetIdx) sum += this.scores[k]
    const mean = sum / (2 * this.window)
    const target = this.scores[targetIdx]
    let ratio = 0
    if (Math.abs(mean) >= 1e-5) ratio = Math.min(target / mean, MAX_RATIO)
    else if (target >= this.minContent) ratio = MAX_RATIO
    this.lastRatio = ratio

    // PySceneDetect measures the minimum length from the newest frame, not the judged one.
    const lengthMet = ptsS - this.lastCut >= this.minLenS - TIME_EPS
    if (ratio >= this.threshold && target >= this.minContent && lengthMet) {
      this.lastCut = this.pts[targetIdx]
      return [this.lastCut]
    }
    return []
  }

  finish(): number[] {
    return []
  }
}
