import { describe, expect, it } from 'vitest'
import { AdaptiveDetector } from '../../../src-main/media/scenes/adaptive-detector'
import { ContentDetector, ContentScorer, LUMA_ONLY_WEIGHTS, type SceneDetector } from '../../../src-main/media/scenes/content-detector'
import { MinLengthFilter, minSceneSeconds, parseMinSceneLength } from '../../../src-main/media/scenes/min-scene-length'

// Synthetic frames: 8×8 solid colours, so every score is known by hand.
// gray(v) → gray(w): H and S are 0, V changes by |v - w|, so the score is |v - w| / 3.
const solid = (r: number, g: number, b: number) => {
  const f = new Uint8Array(64 * 3)
  for (let i = 0; i < 64; i++) f.set([r, g, b], i * 3)
  return f
}
const gray = (v: number) => solid(v, v, v)

/** Runs frames at `fps` through a detector; returns cut times rounded to the ms. */
function run(det: SceneDetector, frames: Uint8Array[], fps = 25): number[] {
  const cuts: number[] = []
  frames.forEach((f, i) => cuts.push(...det.processFrame(i / fps, f)))
  cuts.push(...det.finish())
  return cuts.map((c) => Math.round(c * 1000) / 1000)
}

/** `n` frames of one grey level per entry: [[100, 30], [200, 30]] = 30 frames of 100, 30 of 200. */
const shots = (spec: [number, number][]) => spec.flatMap(([v, n]) => Array.from({ length: n }, () => gray(v)))

describe('content score', () => {
  it('is the mean of the H, S and V mean absolute differences, 0 for the first frame', () => {
    const s = new ContentScorer()
    expect(s.score(gray(100))).toBe(0)
    expect(s.score(gray(160))).toBeCloseTo(60 / 3, 12)
    // red → blue: ΔH = 120 (OpenCV's half-degrees), ΔS = 0, ΔV = 0.
    expect(s.score(solid(255, 0, 0))).toBeCloseTo((0 + 255 + 95) / 3, 12)
    expect(s.score(solid(0, 0, 255))).toBeCloseTo(120 / 3, 12)
  })

  it('honours weights (luma only ignores a pure hue change)', () => {
    const s = new ContentScorer(LUMA_ONLY_WEIGHTS)
    s.score(solid(255, 0, 0))
    expect(s.score(solid(0, 0, 255))).toBe(0)
    expect(() => new ContentScorer({ hue: 0, sat: 0, lum: 0 })).toThrow(/not all zero/)
  })

  it('rejects a frame whose size changes mid-stream', () => {
    const s = new ContentScorer()
    s.score(gray(1))
    expect(() => s.score(new Uint8Array(12))).toThrow(/frame size changed/)
  })
})

describe('content detector', () => {
  it('cuts where the score reaches the threshold (27 by default) and nowhere else', () => {
    // 100 → 190 is a score of 30 (a cut); 190 → 250 is 20 (not a cut at 27).
    const frames = shots([[100, 30], [190, 30], [250, 30]])
    expect(run(new ContentDetector(), frames)).toEqual([1.2])
    expect(run(new ContentDetector({ threshold: 20 }), frames)).toEqual([1.2, 2.4])
  })

  it('enforces the minimum scene length in frames or seconds, measured on timestamps', () => {
    // Cuts 10 frames apart at 25 fps = 0.4 s.
    const frames = shots([[0, 20], [120, 10], [240, 20]])
    const at = (minS: number) => run(new ContentDetector({ minSceneLenS: minS }), frames)
    expect(at(minSceneSeconds({ frames: 15 }, 25))).toEqual([0.8])
    expect(at(minSceneSeconds({ frames: 10 }, 25))).toEqual([0.8, 1.2])
    expect(at(minSceneSeconds({ seconds: 0.4 }, 25))).toEqual([0.8, 1.2])
    expect(at(minSceneSeconds({ seconds: 0.41 }, 25))).toEqual([0.8])
    // The length counts from the first frame too: a cut at frame 10 needs min ≤ 10 frames.
    const early = shots([[0, 10], [200, 40]])
    expect(run(new ContentDetector({ minSceneLenS: 0.6 }), early)).toEqual([])
    expect(run(new ContentDetector({ minSceneLenS: 0.4 }), early)).toEqual([0.4])
  })

  it('merge mode turns a flash burst into one cut at its end', () => {
    // A scene, then flashes every 2 frames for 20 frames, then calm: suppress cuts at the first
    // flash and again 15 frames later; merge cuts once, after the burst.
    const frames = [...shots([[0, 30]]), ...Array.from({ length: 20 }, (_, i) => gray(i % 2 ? 0 : 200)), ...shots([[0, 30]])]
    const minS = 0.6
    expect(run(new ContentDetector({ minSceneLenS: minS, minLengthMode: 'suppress' }), frames)).toEqual([1.2, 1.8])
    const merged = run(new ContentDetector({ minSceneLenS: minS, minLengthMode: 'merge' }), frames)
    expect(merged).toEqual([1.2, 1.96])
  })

  it('rejects thresholds outside (0, 255]', () => {
    expect(() => new ContentDetector({ threshold: 0 })).toThrow(/threshold/)
    expect(() => new ContentDetector({ threshold: 300 })).toThrow(/threshold/)
  })
})

describe('adaptive detector', () => {
  it('cuts on an isolated spike, reported at the spike frame (two frames late)', () => {
    const det = new AdaptiveDetector()
    const frames = shots([[100, 30], [200, 30]])
    const out: [number, number[]][] = []
    frames.forEach((f, i) => out.push([i, det.processFrame(i / 25, f)]))
    const hit = out.filter(([, c]) => c.length > 0)
    expect(hit).toEqual([[32, [30 / 25]]])
    expect(det.lastRatio).toBe(0)
  })

  it('ignores steady high motion that the content detector would cut on every frame', () => {
    // Brightness alternates by 90 every frame (score 30 each): the ratio stays 1.
    const pan = Array.from({ length: 60 }, (_, i) => gray(i % 2 ? 40 : 130))
    expect(run(new AdaptiveDetector(), pan)).toEqual([])
    expect(run(new ContentDetector({ minSceneLenS: 0.6 }), pan)).toEqual([0.6, 1.2, 1.8])
  })

  it('needs min_content_val as well as the ratio', () => {
    // 100 → 130 is a score of 10: an infinite ratio, but below min_content_val 15.
    const frames = shots([[100, 30], [130, 30]])
    expect(run(new AdaptiveDetector(), frames)).toEqual([])
    expect(run(new AdaptiveDetector({ minContentVal: 5 }), frames)).toEqual([1.2])
  })

  it('applies the minimum length from the newest frame, like PySceneDetect', () => {
    // Cuts 14 frames apart: 14 + window 2 = 16 frames ≥ 15, so both are kept at default settings.
    const frames = shots([[0, 20], [150, 14], [0, 20]])
    expect(run(new AdaptiveDetector({ minSceneLenS: 0.6 }), frames)).toEqual([0.8, 1.36])
    expect(run(new AdaptiveDetector({ minSceneLenS: 0.7 }), frames)).toEqual([0.8])
  })

  it('validates its options', () => {
    expect(() => new AdaptiveDetector({ windowWidth: 0 })).toThrow(/window width/)
    expect(() => new AdaptiveDetector({ adaptiveThreshold: -1 })).toThrow(/adaptive threshold/)
  })
})

describe('minimum scene length', () => {
  it('parses frames, seconds and timecodes', () => {
    expect(parseMinSceneLength('15')).toEqual({ frames: 15 })
    expect(parseMinSceneLength('0.6s')).toEqual({ seconds: 0.6 })
    expect(parseMinSceneLength('2 s')).toEqual({ seconds: 2 })
    expect(parseMinSceneLength('00:00:00.600')).toEqual({ seconds: 0.6 })
    for (const bad of ['', 'abc', '1.5', '-3', '0.6 m', '1e3']) expect(() => parseMinSceneLength(bad)).toThrow(/minimum scene length|malformed/)
  })

  it('converts frames with the nominal rate and rejects nonsense', () => {
    expect(minSceneSeconds({ frames: 15 }, 25)).toBeCloseTo(0.6, 12)
    expect(minSceneSeconds({ frames: 15 }, 30000 / 1001)).toBeCloseTo(0.5005, 12)
    expect(() => minSceneSeconds({ frames: 1.5 }, 25)).toThrow(/whole number/)
    expect(() => minSceneSeconds({ seconds: -1 }, 25)).toThrow(/≥ 0/)
  })

  it('the filter passes everything when the minimum is 0', () => {
    const f = new MinLengthFilter('suppress', 0)
    expect([f.filter(0, true), f.filter(0.04, true), f.filter(0.08, false)]).toEqual([[0], [0.04], []])
  })
})
