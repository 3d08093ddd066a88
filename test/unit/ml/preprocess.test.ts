import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIP_STD, clipImageTensor, clipResizeCrop, clipResizedSize } from '../../../src-main/ml/preprocess/clip-image'
import type { RgbFrame } from '../../../src-main/ml/preprocess/rgb-frame'
import {
  IMAGENET_STD,
  viclipClipTensor,
  viclipFrameIndices,
} from '../../../src-main/ml/preprocess/viclip-frames'
import { cvLinearResize } from '../../../src-main/ml/preprocess/cv-linear'
import { repoRoot, runPython } from '../../support/python'

const VIDEOS = resolve(repoRoot, '../shared/assets/videos')

// Real footage decoded by ffmpeg (plus two noise images), some reshaped so every code path runs: landscape and portrait,
// an odd crop offset (Python's round-half-even), upscaling, and OpenCV's exact-2× area path.
const CASES = [
  { name: 'sintel 854x480', file: 'sintel_trailer_30s.mp4', args: ['-ss', '14'], vf: 'fps=2', w: 854, h: 480 },
  { name: 'cockatoo 1280x720', file: 'cockatoo.mp4', args: [], vf: 'fps=2', w: 1280, h: 720 },
  { name: 'friday 640x480 (4:3)', file: 'friday.mp4', args: [], vf: 'fps=4', w: 640, h: 480 },
  { name: 'sintel portrait 480x854', file: 'sintel_trailer_30s.mp4', args: ['-ss', '21'], vf: 'fps=4,transpose=1', w: 480, h: 854 },
  { name: 'flower odd 333x501', file: 'flower.mp4', args: [], vf: 'fps=4,format=rgb24,crop=333:501:100:20', w: 333, h: 501 },
  { name: 'cuts upscaled from 160x90', file: 'cc0_3shots_cuts_at_2s_4s.mp4', args: [], vf: 'fps=4,scale=160:90', w: 160, h: 90 },
  { name: 'cockatoo 448x448 (2x)', file: 'cockatoo.mp4', args: [], vf: 'fps=2,crop=448:448:400:100', w: 448, h: 448 },
  // Noise is the worst case for the filters' negative lobes and uint8 clamping between passes.
  { name: 'noise 100x37', file: null, args: [], vf: '', w: 100, h: 37 },
  { name: 'noise 151x400', file: null, args: [], vf: '', w: 151, h: 400 },
] as const
const COUNT = 8

type Case = (typeof CASES)[number]
interface Decoded {
  frames: RgbFrame[]
  ref: { clipU8: Uint8Array; clip: Float32Array; viclipU8: Uint8Array; viclip: Float32Array }
}

let dir: string
const decoded = new Map<string, Decoded>()

function noise(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes)
  let x = 12345
  for (let i = 0; i < bytes; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    buf[i] = x >>> 24
  }
  return buf
}

function decode(c: Case, out: string): Buffer {
  if (c.file === null) {
    const raw = noise(c.w * c.h * 3 * COUNT)
    writeFileSync(out, raw)
    return raw
  }
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', ...c.args, '-i', join(VIDEOS, c.file), '-vf', c.vf, '-frames:v', String(COUNT), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 64 << 20 },
  )
  writeFileSync(out, raw)
  return raw
}

function f32(file: string): Float32Array {
  const b = readFileSync(file)
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'preprocess-'))
  const raws = CASES.map((c, i) => {
    mkdirSync(join(dir, String(i)))
    const raw = decode(c, join(dir, String(i), 'frames.rgb'))
    expect(raw.length, `${c.name}: decoded bytes`).toBe(c.w * c.h * 3 * COUNT)
    return raw
  })
  // One interpreter for all cases: importing torch + cv2 takes seconds.
  const args = CASES.flatMap((c, i) => [join(dir, String(i), 'frames.rgb'), String(c.w), String(c.h), String(COUNT), join(dir, String(i))])
  const r = await runPython(['tools/reference/preprocess_reference.py', ...args], { timeoutMs: 180_000 })
  if (r.code !== 0) throw new Error(`preprocess_reference.py failed:\n${r.stderr}`)
  CASES.forEach((c, i) => {
    const raw = raws[i]!
    const size = c.w * c.h * 3
    const caseDir = join(dir, String(i))
    decoded.set(c.name, {
      frames: Array.from({ length: COUNT }, (_, f) => ({ data: raw.subarray(f * size, (f + 1) * size), width: c.w, height: c.h })),
      ref: {
        clipU8: readFileSync(join(caseDir, 'clip_u8.bin')),
        clip: f32(join(caseDir, 'clip.f32')),
        viclipU8: readFileSync(join(caseDir, 'viclip_u8.bin')),
        viclip: f32(join(caseDir, 'viclip.f32')),
      },
    })
  })
}, 240_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Largest |a−b|·std over the tensor, in 0..1 pixel units; the brief allows 1/255. */
function maxPixelError(a: Float32Array, b: Float32Array, std: readonly number[], plane: number): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) {
    const c = Math.floor(i / plane) % 3
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) * std[c]!)
  }
  return worst
}

function levelsOff(a: Uint8Array, b: Uint8Array): { differing: number; maxLevels: number } {
  let differing = 0
  let maxLevels = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!)
    if (d) differing++
    maxLevels = Math.max(maxLevels, d)
  }
  return { differing, maxLevels }
}

describe('CLIP image preprocessing matches torchvision + PIL (tools/reference/preprocess_reference.py)', () => {
  for (const c of CASES) {
    it(`${c.name}: bicubic resize + centre crop are pixel-exact, normalised tensor within 1/255`, () => {
      const { frames, ref } = decoded.get(c.name)!
      const pixels = new Uint8Array(frames.length * 224 * 224 * 3)
      frames.forEach((f, i) => pixels.set(clipResizeCrop(f), i * 224 * 224 * 3))
      expect(levelsOff(pixels, ref.clipU8)).toEqual({ differing: 0, maxLevels: 0 })
      const tensor = clipImageTensor(frames)
      expect(tensor.dims).toEqual([COUNT, 3, 224, 224])
      expect(maxPixelError(tensor.data, ref.clip, CLIP_STD, 224 * 224)).toBeLessThanOrEqual(1 / 255)
    })
  }

  it('resizes the shorter side to 224 and truncates the longer like torchvision', () => {
    expect(clipResizedSize(854, 480)).toEqual([398, 224])
    expect(clipResizedSize(333, 501)).toEqual([224, 337])
  })
})

describe('ViCLIP frame preprocessing matches InternVid frames2tensor (cv2.resize bilinear)', () => {
  for (const c of CASES) {
    it(`${c.name}: 224x224 bilinear + ImageNet normalisation within 1/255`, () => {
      const { frames, ref } = decoded.get(c.name)!
      const tensor = viclipClipTensor([frames])
      expect(tensor.dims).toEqual([1, COUNT, 3, 224, 224])
      expect(maxPixelError(tensor.data, ref.viclip, IMAGENET_STD, 224 * 224)).toBeLessThanOrEqual(1 / 255)
      const pixels = new Uint8Array(frames.length * 224 * 224 * 3)
      frames.forEach((f, i) => pixels.set(cvLinearResize(f.data, f.width, f.height, 224, 224), i * 224 * 224 * 3))
      expect(levelsOff(pixels, ref.viclipU8)).toEqual({ differing: 0, maxLevels: 0 })
    })
  }

  it('picks frames like the demo: every floor(n/8)-th frame from the first', () => {
    expect(viclipFrameIndices(20)).toEqual([0, 2, 4, 6, 8, 10, 12, 14])
    expect(viclipFrameIndices(8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(() => viclipFrameIndices(7)).toThrow(/at least 8 frames, got 7/)
  })

  it('rejects a frame whose buffer does not match its size, naming clip and frame', () => {
    const frames = decoded.get(CASES[0].name)!.frames.slice()
    frames[3] = { ...frames[3]!, width: 853 }
    expect(() => viclipClipTensor([frames])).toThrow(/clip 0 frame 3: RGB24 853x480 needs 1228320 bytes, got 1229760/)
  })
})
