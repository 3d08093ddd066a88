/**
 * Which instants of a clip each model looks at. Times are seconds on the source file's
 * timeline; the frame used for a time is the first frame shown at or after it.
 */
export interface ClipFramePlan {
  /** ViCLIP: the midpoints of 8 equal segments (InternVid's sampling). */
  viclip: number[]
  /** Aesthetic: 4 uniformly spread frames (InternVid takes the max score over them). */
  aesthetic: number[]
  /** Coarse caption: the middle frame. */
  middle: number
  /** Fine caption: 1 frame per second, at most `fineCap` frames, spread over the clip. */
  fine: number[]
  /** Scrub sprite for the grid. */
  sprite: number[]
}

export interface FramePlanOptions {
  fineCap: number
  spriteFrames: number
}

export const DEFAULT_FRAME_PLAN: FramePlanOptions = { fineCap: 5, spriteFrames: 10 }

const round = (t: number) => Math.round(t * 1e6) / 1e6

/** Midpoints of n equal segments of [start, end). */
export function segmentMidpoints(startS: number, endS: number, n: number): number[] {
  const step = (endS - startS) / n
  return Array.from({ length: n }, (_, i) => round(startS + (i + 0.5) * step))
}

export function planClipFrames(startS: number, endS: number, opts: FramePlanOptions = DEFAULT_FRAME_PLAN): ClipFramePlan {
  const duration = endS - startS
  // 1 fps, but never more than the cap: long clips get the cap spread evenly (HawkEye used 5).
  const fineCount = Math.max(1, Math.min(opts.fineCap, Math.floor(duration)))
  return {
    viclip: segmentMidpoints(startS, endS, 8),
    aesthetic: segmentMidpoints(startS, endS, 4),
    middle: round(startS + duration / 2),
    fine: segmentMidpoints(startS, endS, fineCount),
    sprite: segmentMidpoints(startS, endS, opts.spriteFrames),
  }
}

/** All model-frame times of a plan (the sprite has its own, smaller images). */
export function modelTimes(plan: ClipFramePlan): number[] {
  return [...plan.viclip, ...plan.aesthetic, plan.middle, ...plan.fine]
}
