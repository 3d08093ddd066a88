import { describe, expect, it } from 'vitest'
import { applyClipRules, checkClipRules, DEFAULT_CLIP_RULES, type ClipRules } from '../../../src-main/media/scenes/clip-rules'
import { cutsToScenes, makeScene } from '../../../src-main/media/scenes/scene-list'

const spans = (clips: { startS: number; endS: number }[]) => clips.map((c) => [c.startS, c.endS])
const fromBounds = (...b: number[]) => b.slice(0, -1).map((s, i) => makeScene(s, b[i + 1]))
const rules = (over: Partial<ClipRules>): ClipRules => ({ ...DEFAULT_CLIP_RULES, ...over })

describe('scene list', () => {
  it('turns cuts into contiguous scenes with InternVid timestamps', () => {
    const scenes = cutsToScenes([4, 2], 0, 6.04)
    expect(scenes).toEqual([
      { startS: 0, endS: 2, start: '00:00:00.000', end: '00:00:02.000' },
      { startS: 2, endS: 4, start: '00:00:02.000', end: '00:00:04.000' },
      { startS: 4, endS: 6.04, start: '00:00:04.000', end: '00:00:06.040' },
    ])
  })

  it('ignores cuts outside the span or repeated, and rounds to the millisecond', () => {
    expect(spans(cutsToScenes([0, 2.0000001, 2, 7], 0, 6))).toEqual([[0, 2], [2, 6]])
    expect(cutsToScenes([], 0.003, 3725.5)[0]).toMatchObject({ start: '00:00:00.003', end: '01:02:05.500' })
    expect(() => cutsToScenes([], 5, 5)).toThrow(/span/)
  })
})

describe('clip rules', () => {
  it('defaults to InternVid-like settings: merge clips under 1 s, split clips over 120 s', () => {
    expect(DEFAULT_CLIP_RULES).toEqual({ minS: 1, short: 'merge', maxS: 120, long: 'split' })
  })

  it('keeps clips within the limits unchanged', () => {
    const scenes = fromBounds(0, 2, 4, 6)
    expect(applyClipRules(scenes)).toEqual(scenes)
  })

  it('drops short clips when told to', () => {
    expect(spans(applyClipRules(fromBounds(0, 0.5, 3, 3.9, 6), rules({ short: 'drop' })))).toEqual([[0.5, 3], [3.9, 6]])
  })

  it('merges a short clip into the clip before it, or the next one at the start', () => {
    expect(spans(applyClipRules(fromBounds(0, 3, 3.4, 6)))).toEqual([[0, 3.4], [3.4, 6]])
    expect(spans(applyClipRules(fromBounds(0, 0.3, 0.6, 4, 8)))).toEqual([[0, 4], [4, 8]])
    // A run of flashes collapses into the preceding clip.
    expect(spans(applyClipRules(fromBounds(0, 2, 2.2, 2.4, 2.6, 5)))).toEqual([[0, 2.6], [2.6, 5]])
  })

  it('drops what stays short after merging (a video shorter than the minimum)', () => {
    expect(applyClipRules(fromBounds(0, 0.4, 0.8))).toEqual([])
    // A short clip after a gap (scenes already filtered upstream) merges forwards.
    const gapped = [makeScene(0, 2), makeScene(3, 3.5), makeScene(3.5, 6)]
    expect(spans(applyClipRules(gapped))).toEqual([[0, 2], [3, 6]])
    expect(spans(applyClipRules([makeScene(0, 2), makeScene(3, 3.5)]))).toEqual([[0, 2]])
  })

  it('treats the minimum at millisecond precision (exactly 1 s is long enough)', () => {
    expect(spans(applyClipRules(fromBounds(0, 1, 1.999, 5), rules({ short: 'drop' })))).toEqual([[0, 1], [1.999, 5]])
  })

  it('splits long clips into equal parts no longer than the maximum, or drops them', () => {
    expect(spans(applyClipRules(fromBounds(0, 300, 310)))).toEqual([[0, 100], [100, 200], [200, 300], [300, 310]])
    expect(spans(applyClipRules(fromBounds(0, 121), rules({})))).toEqual([[0, 60.5], [60.5, 121]])
    expect(spans(applyClipRules(fromBounds(0, 120)))).toEqual([[0, 120]])
    expect(spans(applyClipRules(fromBounds(0, 10, 250), rules({ long: 'drop' })))).toEqual([[0, 10]])
    const parts = applyClipRules(fromBounds(0, 100), rules({ maxS: 30 }))
    expect(parts.map((p) => p.start)).toEqual(['00:00:00.000', '00:00:25.000', '00:00:50.000', '00:01:15.000'])
  })

  it('splits a clip that became long by merging', () => {
    expect(spans(applyClipRules(fromBounds(0, 10, 10.5), rules({ maxS: 10, minS: 1 })))).toEqual([[0, 5.25], [5.25, 10.5]])
  })

  it('rejects inconsistent settings with the reason', () => {
    expect(() => checkClipRules(rules({ minS: -1 }))).toThrow(/minimum/)
    expect(() => checkClipRules(rules({ maxS: 0 }))).toThrow(/maximum/)
    expect(() => checkClipRules(rules({ minS: 10, maxS: 15 }))).toThrow(/at least twice/)
    expect(() => checkClipRules(rules({ minS: 10, maxS: 15, long: 'drop' }))).not.toThrow()
    expect(() => checkClipRules(rules({ short: 'keep' as never }))).toThrow(/drop or merge/)
  })
})
