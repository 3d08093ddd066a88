import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import type { MinSceneLength } from '../../../src-main/media/scenes/min-scene-length'

/**
 * Test footage with known cuts, composed at test time with ffmpeg from the CC0 clips in
 * ../shared/assets/videos (never copied into the repo). Tests may spawn ffmpeg directly; the app
 * goes through src-main/media/ffmpeg.
 */

export const REPO_ROOT = resolve(__dirname, '../../..')
export const VIDEOS = resolve(REPO_ROOT, '../shared/assets/videos')
export const asset = (name: string) => resolve(VIDEOS, name)

export interface Segment {
  /** File name under VIDEOS. */
  file: string
  fromS: number
  durS: number
  /** This segment's frame rate; segments with different rates make a VFR file. */
  fps: number
}

export interface ComposedCase {
  name: string
  segments: Segment[]
  width: number
  height: number
  /** Why the case exists (printed by the benchmark). */
  note: string
  /** Detection setting the case needs (default: PySceneDetect's 15 frames). */
  minSceneLen?: MinSceneLength
}

/** Cut times of a composed case: where each segment after the first starts. */
export function expectedCuts(c: ComposedCase): number[] {
  const cuts: number[] = []
  let t = 0
  for (const s of c.segments.slice(0, -1)) {
    t += s.durS
    cuts.push(Math.round(t * 1000) / 1000)
  }
  return cuts
}

/**
 * Renders the segments back to back with hard cuts into an H.264 MP4. Every segment is resampled
 * to its own rate and restamped from zero, then concatenated in a 1/3000 s time base (exact for
 * 10, 15, 24, 25, 30 and 50 fps) and muxed with `-fps_mode passthrough`, so mixed rates stay VFR.
 */
export function composeVideo(outPath: string, c: ComposedCase): string {
  const args = ['-v', 'error', '-y']
  // `trim` decodes from the start instead of seeking with -ss: seeking into cockatoo.mp4 gives
  // decoder errors ("gray chroma") that differ from run to run with frame threads.
  for (const s of c.segments) args.push('-i', asset(s.file))
  const parts = c.segments.map(
    (s, i) =>
      `[${i}:v]trim=start=${s.fromS}:duration=${s.durS},setpts=PTS-STARTPTS,fps=${s.fps},` +
      `scale=${c.width}:${c.height}:force_original_aspect_ratio=increase,crop=${c.width}:${c.height},` +
      `setsar=1,format=yuv420p,trim=duration=${s.durS},settb=1/3000[v${i}]`,
  )
  const concat = `${c.segments.map((_, i) => `[v${i}]`).join('')}concat=n=${c.segments.length}:v=1:a=0[out]`
  args.push('-filter_complex', `${parts.join(';')};${concat}`, '-map', '[out]')
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-fps_mode', 'passthrough', '-video_track_timescale', '3000', outPath)
  execFileSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  return outPath
}

/** Composed cases used by the tests and the benchmark (each 4–8 s, so rendering stays cheap). */
export const COMPOSED_CASES: ComposedCase[] = [
  {
    name: 'three-sources-25fps',
    note: 'three different CC0 sources, 25 fps, 640×360',
    width: 640,
    height: 360,
    segments: [
      { file: 'flower.mp4', fromS: 0.5, durS: 1.6, fps: 25 },
      { file: 'friday.mp4', fromS: 1, durS: 2.4, fps: 25 },
      { file: 'cockatoo.mp4', fromS: 1, durS: 2, fps: 25 },
    ],
  },
  {
    name: 'four-shots-portrait-30fps',
    note: 'four shots, two from the same source (flower at 0.2 s and 3.5 s), 30 fps, portrait 360×640',
    width: 360,
    height: 640,
    segments: [
      { file: 'flower.mp4', fromS: 0.2, durS: 1.2, fps: 30 },
      { file: 'friday.mp4', fromS: 4, durS: 1.5, fps: 30 },
      { file: 'cockatoo.mp4', fromS: 10, durS: 1.5, fps: 30 },
      { file: 'flower.mp4', fromS: 3.5, durS: 1.2, fps: 30 },
    ],
  },
  {
    name: 'vfr-10-30-15fps',
    note: 'variable frame rate: 10, 30 and 15 fps segments (frame index ÷ average fps would misplace the cuts)',
    width: 480,
    height: 270,
    segments: [
      { file: 'friday.mp4', fromS: 0, durS: 2, fps: 10 },
      { file: 'flower.mp4', fromS: 1, durS: 2, fps: 30 },
      { file: 'cockatoo.mp4', fromS: 3, durS: 2, fps: 15 },
    ],
  },
  {
    name: 'short-shot-0.4s',
    note: 'a 0.4 s shot (10 frames at 25 fps) between two long ones, detected with min scene length 0.3 s',
    minSceneLen: { seconds: 0.3 },
    width: 426,
    height: 240,
    segments: [
      { file: 'cockatoo.mp4', fromS: 0, durS: 2, fps: 25 },
      { file: 'flower.mp4', fromS: 2, durS: 0.4, fps: 25 },
      { file: 'friday.mp4', fromS: 2, durS: 2, fps: 25 },
    ],
  },
]

export function caseByName(name: string): ComposedCase {
  const c = COMPOSED_CASES.find((x) => x.name === name)
  if (!c) throw new Error(`no composed case ${name}`)
  return c
}

/** Greedy one-to-one matching of detected to expected cuts within ±tol seconds. */
export function matchCuts(found: readonly number[], expected: readonly number[], tol = 0.1): { tp: number; fp: number; fn: number; f1: number } {
  const used = new Set<number>()
  let tp = 0
  for (const e of expected) {
    let best = -1
    for (let i = 0; i < found.length; i++) {
      if (used.has(i) || Math.abs(found[i] - e) > tol + 1e-9) continue
      if (best < 0 || Math.abs(found[i] - e) < Math.abs(found[best] - e)) best = i
    }
    if (best >= 0) {
      used.add(best)
      tp++
    }
  }
  const fp = found.length - tp
  const fn = expected.length - tp
  const f1 = tp === 0 ? (fp === 0 && fn === 0 ? 1 : 0) : (2 * tp) / (2 * tp + fp + fn)
  return { tp, fp, fn, f1 }
}
