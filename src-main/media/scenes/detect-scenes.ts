import { readFrames, type FrameProgress, type ScaleFlags, type VideoProbe } from '../ffmpeg'
import { AdaptiveDetector } from './adaptive-detector'
import { ContentDetector, type ContentWeights, type SceneDetector } from './content-detector'
import { minSceneSeconds, type MinLengthMode, type MinSceneLength } from './min-scene-length'
import { cutsToScenes, roundMs, type Scene } from './scene-list'

export type DetectorKind = 'content' | 'adaptive'

export interface DetectScenesOptions {
  detector?: DetectorKind
  /**
   * The detector's main threshold: the content score for `content` (default 27), the adaptive
   * ratio for `adaptive` (default 3).
   */
  threshold?: number
  /** Default 15 frames, as in PySceneDetect and InternVid. */
  minSceneLen?: MinSceneLength
  minLengthMode?: MinLengthMode
  weights?: ContentWeights
  /** Adaptive detector only: minimum content score of a cut frame (default 15). */
  minContentVal?: number
  /** Adaptive detector only: frames averaged on each side (default 2). */
  windowWidth?: number
  /** Analysis width (default 256, PySceneDetect's auto-downscale target). */
  maxWidth?: number
  scaleFlags?: ScaleFlags
  signal?: AbortSignal
  onProgress?: (p: FrameProgress) => void
  /** A probe the caller already has (ingest does): skips ffprobe. */
  probe?: VideoProbe
}

export interface SceneDetection {
  /** Nominal frame rate (the stream's average rate; derived from the frames when absent). */
  fps: number
  /** End of the last frame, in seconds from the start of the file. */
  durationS: number
  frames: number
  /** Times (seconds, ms precision) at which a new scene starts. */
  cutsS: number[]
  scenes: Scene[]
  analysis: { width: number; height: number; detector: DetectorKind; minSceneLenS: number }
}

/** Video path + options → cuts and scenes, in one decode pass. */
export async function detectScenes(videoPath: string, options: DetectScenesOptions = {}): Promise<SceneDetection> {
  const kind = options.detector ?? 'content'
  if (kind !== 'content' && kind !== 'adaptive') throw new RangeError(`unknown detector "${String(kind)}" (expected content or adaptive)`)
  const minLen = options.minSceneLen ?? { frames: 15 }
  const make = (fps: number): SceneDetector => {
    const minSceneLenS = minSceneSeconds(minLen, fps)
    return kind === 'content'
      ? new ContentDetector({ threshold: options.threshold, minSceneLenS, weights: options.weights, minLengthMode: options.minLengthMode })
      : new AdaptiveDetector({
          adaptiveThreshold: options.threshold,
          minSceneLenS,
          weights: options.weights,
          minContentVal: options.minContentVal,
          windowWidth: options.windowWidth,
        })
  }
  // Bad settings fail here, before any decoding (25 fps stands in for the real rate).
  make(25)

  // Built when the probe is in: a frame count becomes seconds at the stream's nominal rate
  // (25 fps for streams that state none).
  let detector: SceneDetector | null = null
  let minSceneLenS = 0
  const cuts: number[] = []
  let firstPts = Number.NaN
  const summary = await readFrames(
    videoPath,
    {
      probe: options.probe,
      maxWidth: options.maxWidth,
      scaleFlags: options.scaleFlags,
      signal: options.signal,
      onProgress: options.onProgress,
      onStart: ({ probe }) => {
        detector = make(probe.fps ?? 25)
        minSceneLenS = minSceneSeconds(minLen, probe.fps ?? 25)
      },
    },
    (frame) => {
      if (frame.index === 0) firstPts = frame.ptsS
      for (const c of (detector as SceneDetector).processFrame(frame.ptsS, frame.rgb)) cuts.push(c)
    },
  )
  for (const c of (detector as SceneDetector | null)?.finish() ?? []) cuts.push(c)

  const startS = Math.max(0, firstPts)
  const fps = summary.probe.fps ?? summary.frames / (summary.endS - startS)
  const cutsS = cuts.map(roundMs)
  return {
    fps: Math.round(fps * 1000) / 1000,
    durationS: roundMs(summary.endS),
    frames: summary.frames,
    cutsS,
    scenes: cutsToScenes(cutsS, roundMs(startS), roundMs(summary.endS)),
    analysis: { width: summary.width, height: summary.height, detector: kind, minSceneLenS },
  }
}
