import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AESTHETIC_SAMPLING,
  AestheticHead,
  aggregateFrameScores,
  uniformSampleTimes,
} from '../../../src-main/ml/models/aesthetic-head'
import { parseNpy, readNpy } from '../../../src-main/ml/npy'
import { repoRoot, runPython } from '../../support/python'

// Real LAION heads, converted at test time (never committed): see ../shared/assets/README.md.
const ASSETS = resolve(repoRoot, '../shared/assets/aesthetic')
const V2_EXPECTED = [1.655, 2.359, 3.07, 3.672, 4.238, 4.701, 5.073, 5.365, 5.577, 5.747]
const ratings = Array.from({ length: 10 }, (_, i) => readNpy(join(ASSETS, `vit_l_14_embeddings/rating${i}.npy`)))

let dir: string
let v2: AestheticHead
let v1: AestheticHead

async function convert(pth: string, out: string): Promise<string> {
  const dst = join(dir, out)
  const r = await runPython(['tools/aesthetic/convert_laion_head.py', join(ASSETS, pth), dst], { timeoutMs: 120_000 })
  if (r.code !== 0) throw new Error(`convert_laion_head.py ${pth} failed (${r.code}):\n${r.stderr}`)
  return dst
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aesthetic-'))
  const [v2Path, v1Path] = await Promise.all([
    convert('sac+logos+ava1-l14-linearMSE.pth', 'v2.onnx'),
    convert('sa_0_4_vit_l_14_linear.pth', 'v1.onnx'),
  ])
  v2 = await AestheticHead.load(v2Path)
  // The other path: a session made elsewhere (the app's session factory).
  v1 = await AestheticHead.load(await ort.InferenceSession.create(v1Path))
}, 180_000)

afterAll(async () => {
  await v2?.release()
  await v1?.release()
  rmSync(dir, { recursive: true, force: true })
})

function stack(rows: Float32Array[]): Float32Array {
  const flat = new Float32Array(rows.length * 768)
  rows.forEach((r, i) => flat.set(r, i * 768))
  return flat
}

describe('LAION aesthetic head through onnxruntime-node', () => {
  it('reads LAION rating embeddings as float32 [1,768] of norm 1', () => {
    for (const r of ratings) {
      expect(r.dtype).toBe('float32')
      expect(r.shape).toEqual([1, 768])
      expect(Math.hypot(...(r.data as Float32Array))).toBeCloseTo(1, 5)
    }
  })

  it('v2 head gives the golden scores for rating0..9 in one batch', async () => {
    const scores = await v2.score(stack(ratings.map((r) => r.data as Float32Array)), [10, 768])
    expect(scores).toBeInstanceOf(Float32Array)
    Array.from(scores).forEach((s, i) => expect(Math.abs(s - V2_EXPECTED[i]!)).toBeLessThanOrEqual(1e-3))
  })

  it('v1 head spans about −2.458 … 11.304 and is monotone in the rating', async () => {
    const scores = Array.from(await v1.scoreRows(ratings.map((r) => r.data as Float32Array)))
    expect(scores[0]).toBeCloseTo(-2.458, 2)
    expect(scores[9]).toBeCloseTo(11.304, 2)
    for (let i = 1; i < 10; i++) expect(scores[i]!).toBeGreaterThan(scores[i - 1]!)
  })

  it('normalises unnormalised embeddings, and splits big batches without changing results', async () => {
    const scaled = (ratings[7]!.data as Float32Array).map((v) => v * 37.5)
    const [s] = await v2.scoreRows([scaled])
    expect(s).toBeCloseTo(V2_EXPECTED[7]!, 3)
    const small = await AestheticHead.load(v2.session, { maxBatch: 3 })
    const rows = ratings.map((r) => r.data as Float32Array)
    expect(Array.from(await small.scoreRows(rows))).toEqual(Array.from(await v2.scoreRows(rows)))
  })

  it('names expected and actual shape for a wrong-shape input', async () => {
    await expect(v2.score(new Float32Array(2 * 512), [2, 512])).rejects.toThrow(/expected embeddings of shape \[batch,768\], got \[2,512\]/)
    await expect(v2.score(new Float32Array(700), [1, 768])).rejects.toThrow(/\[1,768\] needs 768 values, got 700/)
    await expect(v2.scoreRows([new Float32Array(512)])).rejects.toThrow(/row 0: expected shape \[768\], got \[512\]/)
  })

  it('refuses a zero embedding instead of scoring NaN', async () => {
    await expect(v2.scoreRows([new Float32Array(768)])).rejects.toThrow(/row 0 has norm 0/)
  })

  it('names the file when the .onnx is truncated', async () => {
    const bytes = readFileSync(join(dir, 'v2.onnx'))
    const truncated = join(dir, 'truncated.onnx')
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 3)))
    await expect(AestheticHead.load(truncated)).rejects.toThrow(`${truncated}: not a loadable ONNX model`)
    await expect(AestheticHead.load(join(dir, 'missing.onnx'))).rejects.toThrow(/missing\.onnx: cannot open/)
  })
})

describe('clip-level aggregation', () => {
  it('takes the max over frames (InternVid) or the mean (Open-Sora)', () => {
    const frames = [1, 5, 2, 4, 3, 3, 3, 3]
    expect(Array.from(aggregateFrameScores(frames, 4, 'max'))).toEqual([5, 3])
    expect(Array.from(aggregateFrameScores(frames, 4, 'mean'))).toEqual([3, 3])
    expect(AESTHETIC_SAMPLING.internvid).toEqual({ frames: 4, aggregate: 'max' })
    expect(AESTHETIC_SAMPLING.opensora).toEqual({ frames: 3, aggregate: 'mean' })
    expect(() => aggregateFrameScores(frames, 3)).toThrow(/8 frame scores do not split into clips of 3/)
  })
  it('samples frame times uniformly inside the clip', () => {
    expect(uniformSampleTimes(2, 4, 4)).toEqual([2.25, 2.75, 3.25, 3.75])
    expect(() => uniformSampleTimes(4, 4, 4)).toThrow(/cannot sample/)
  })
})

describe('npy reader', () => {
  it('rejects a non-npy buffer with the source name', () => {
    expect(() => parseNpy(new Uint8Array(20), 'x.npy')).toThrow(/x\.npy: not a readable \.npy file: missing/)
  })
  it('rejects a file whose data is shorter than its shape says', () => {
    const full = readFileSync(join(ASSETS, 'vit_l_14_embeddings/rating0.npy'))
    expect(() => parseNpy(full.subarray(0, full.length - 4), 'cut.npy')).toThrow(/cut\.npy.*expected 3072 data bytes/)
  })
})
