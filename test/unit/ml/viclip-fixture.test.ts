import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { readManifest, verifyManifestFiles } from '../../../src-main/ml/manifest'
import { SessionFactory } from '../../../src-main/ml/onnx-session'
import { ViclipModel, cosine, cosineMatrix, softmaxProbabilities } from '../../../src-main/ml/models/viclip'
import { seededUniform } from './viclip-seeded'

// The committed fixtures hold PyTorch outputs (reference.json) for seeded inputs; these tests
// run the same inputs through onnxruntime-node and compare.
const fixtures = path.resolve(__dirname, '../../fixtures/models')
const viclipDir = path.join(fixtures, 'viclip-tiny')

interface ViclipReference {
  inputs: { frames: { shape: number[]; seed: number; scale: number; head: number[] }; inputIds: number[][] }
  outputs: { video: number[][]; text: number[][]; cosine: number[][]; softmax100: number[][] }
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T
const rows = (flat: Float32Array, dim: number): Float32Array[] =>
  Array.from({ length: flat.length / dim }, (_, i) => flat.subarray(i * dim, (i + 1) * dim))

describe('ViCLIP tiny fixture: onnxruntime-node vs PyTorch', () => {
  const ref = readJson<ViclipReference>(path.join(viclipDir, 'reference.json'))

  it('regenerates the exporter’s seeded frames bit-for-bit', () => {
    const f = ref.inputs.frames
    const frames = seededUniform(8, f.seed, f.scale)
    expect(Array.from(frames)).toEqual(f.head)
  })

  it('produces video and text embeddings with cosine ≥ 0.9999 to PyTorch, and equal similarities', async () => {
    const model = await ViclipModel.load(viclipDir, { provider: 'cpu', intraOpThreads: 2 })
    const f = ref.inputs.frames
    const frames = seededUniform(f.shape.reduce((a, b) => a * b, 1), f.seed, f.scale)
    const video = await model.encodeVideo(frames)
    const text = await model.encodeText(ref.inputs.inputIds)
    expect(model.dim).toBe(16)
    rows(video, model.dim).forEach((v, i) => {
      expect(cosine(v, ref.outputs.video[i]!)).toBeGreaterThanOrEqual(0.9999)
      expect(Math.hypot(...v)).toBeCloseTo(1, 5) // the graph L2-normalises
    })
    rows(text, model.dim).forEach((t, i) => expect(cosine(t, ref.outputs.text[i]!)).toBeGreaterThanOrEqual(0.9999))
    const sims = cosineMatrix(video, text, model.dim)
    const expected = ref.outputs.cosine.flat()
    expect(sims.length).toBe(expected.length)
    sims.forEach((s, i) => expect(Math.abs(s - expected[i]!)).toBeLessThan(1e-4))
    const probs = softmaxProbabilities(sims, ref.outputs.cosine.length)
    probs.forEach((p, i) => expect(Math.abs(p - ref.outputs.softmax100.flat()[i]!)).toBeLessThan(1e-3))
  })

  it('pools text at the EOT token: tokens after EOT do not change the embedding, tokens before do', async () => {
    const model = await ViclipModel.load(viclipDir, { provider: 'cpu' })
    const base = ref.inputs.inputIds[0]!
    const afterEot = base.map((t, i) => (i === 20 ? 1234 : t)) // padding position, past EOT
    const beforeEot = base.map((t, i) => (i === 2 ? 1234 : t))
    const [a, b, c] = rows(await model.encodeText([base, afterEot, beforeEot]), model.dim)
    expect(cosine(a!, b!)).toBeGreaterThan(0.999999)
    expect(cosine(a!, c!)).toBeLessThan(0.9999)
  })

  it('rejects inputs that are not whole clips or token rows', async () => {
    const model = await ViclipModel.load(viclipDir, { provider: 'cpu' })
    await expect(model.encodeVideo(new Float32Array(100))).rejects.toThrow(/not a whole number of clips of \[8,3,224,224\]/)
    await expect(model.encodeText([1, 2, 3])).rejects.toThrow(/not a whole number of rows of 32/)
  })

  it('manifest lists every file with its true size and sha256', async () => {
    const manifest = await readManifest(viclipDir)
    await verifyManifestFiles(viclipDir, manifest)
    expect(manifest.tokenizer).toMatchObject({ type: 'clip-bpe', context: 32, sot: 49406, eot: 49407 })
    expect(manifest.graphs.vision!.inputs).toEqual([{ name: 'frames', dtype: 'float32', shape: ['batch', 8, 3, 224, 224] }])
    expect(manifest.graphs.text!.inputs).toEqual([{ name: 'input_ids', dtype: 'int64', shape: ['batch', 32] }])
  })
})

describe('CLIP image tower tiny fixture', () => {
  it('matches PyTorch (cosine ≥ 0.9999) and outputs 768-d unit vectors for the aesthetic heads', async () => {
    const dir = path.join(fixtures, 'clip-image-tiny')
    const manifest = await readManifest(dir)
    const ref = readJson<{ inputs: { image: { shape: number[]; seed: number; scale: number } }; outputs: { image: number[][] } }>(
      path.join(dir, 'reference.json'),
    )
    const { session } = await new SessionFactory().load(path.join(dir, 'image.onnx'), {
      provider: 'cpu',
      expectInputs: manifest.graphs.image!.inputs,
    })
    const spec = ref.inputs.image
    const input = new ort.Tensor('float32', seededUniform(spec.shape.reduce((a, b) => a * b, 1), spec.seed, spec.scale), spec.shape)
    const out = (await session.run({ image: input })).embedding!.data as Float32Array
    expect(manifest.embeddingDim).toBe(768)
    rows(out, 768).forEach((v, i) => expect(cosine(v, ref.outputs.image[i]!)).toBeGreaterThanOrEqual(0.9999))
  })
})
