import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readManifest, type TensorSpec } from '../../../src-main/ml/manifest'
import { InputSpecError, ModelLoadError, SessionFactory } from '../../../src-main/ml/onnx-session'

const fixtures = path.resolve(__dirname, '../../fixtures/models')
const visionOnnx = path.join(fixtures, 'viclip-tiny', 'vision.onnx')
const textOnnx = path.join(fixtures, 'viclip-tiny', 'text.onnx')
const imageOnnx = path.join(fixtures, 'clip-image-tiny', 'image.onnx')

// Whether this onnxruntime-node install has the CUDA provider at all (the tarball does not;
// its postinstall fetches it). Without it, 'auto' must fall back; with it, it may use CUDA.
const ortBin = path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch)
const cudaInstalled = existsSync(path.join(ortBin, 'libonnxruntime_providers_cuda.so'))

let tmp: string
let visionSpec: TensorSpec[]
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vicurate-onnx-session-'))
  visionSpec = (await readManifest(path.join(fixtures, 'viclip-tiny'))).graphs.vision!.inputs
})
afterAll(() => rm(tmp, { recursive: true, force: true }))

describe('SessionFactory providers', () => {
  it.skipIf(cudaInstalled)("'auto' really tries CUDA, falls back to CPU and records why", async () => {
    const s = await new SessionFactory().load(textOnnx, { provider: 'auto' })
    expect(s.provider).toBe('cpu')
    expect(s.fallbackReason).toMatch(/CUDA execution provider unavailable, using CPU: .*shared library/)
    expect(s.fallbackReason).toContain('libonnxruntime_providers_cuda.so')
    // The fallback session is a working one.
    expect(s.session.inputNames).toEqual(['input_ids'])
  })

  it.skipIf(cudaInstalled)("'cuda' fails instead of silently running on CPU, naming the file", async () => {
    const err = await new SessionFactory().load(textOnnx, { provider: 'cuda' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ModelLoadError)
    expect((err as Error).message).toContain(textOnnx)
    expect((err as Error).message).toMatch(/CUDA session could not be created/)
  })

  it("'cpu' gives a CPU session with no fallback reason", async () => {
    const s = await new SessionFactory().load(textOnnx, { provider: 'cpu', intraOpThreads: 1 })
    expect(s).toMatchObject({ provider: 'cpu', fallbackReason: null, file: textOnnx })
  })

  it('rejects a non-positive thread count', async () => {
    await expect(new SessionFactory().load(textOnnx, { provider: 'cpu', intraOpThreads: 0 })).rejects.toThrow(RangeError)
  })
})

describe('SessionFactory caching', () => {
  it('creates one session per (file, provider, threads), even for concurrent callers', async () => {
    const f = new SessionFactory({ provider: 'cpu' })
    const [a, b] = await Promise.all([f.load(textOnnx), f.load(path.relative(process.cwd(), textOnnx))])
    expect(a).toBe(b)
    expect(await f.load(textOnnx)).toBe(a)
    expect(await f.load(textOnnx, { intraOpThreads: 1 })).not.toBe(a)
    await f.releaseAll()
    expect(await f.load(textOnnx)).not.toBe(a) // released sessions are not handed out again
  })

  it('does not cache failures: a model that appears later loads', async () => {
    const f = new SessionFactory({ provider: 'cpu' })
    const file = path.join(tmp, 'late.onnx')
    await expect(f.load(file)).rejects.toThrow(`${file}: model file not found`)
    writeFileSync(file, readFileSync(textOnnx))
    await expect(f.load(file)).resolves.toMatchObject({ provider: 'cpu' })
  })
})

describe('SessionFactory validation', () => {
  it('a truncated model fails with an error naming the file', async () => {
    const file = path.join(tmp, 'truncated.onnx')
    writeFileSync(file, readFileSync(visionOnnx).subarray(0, 50_000))
    const err = await new SessionFactory().load(file, { provider: 'cpu' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ModelLoadError)
    expect((err as ModelLoadError).file).toBe(file)
    expect((err as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a loadable ONNX model \\(50000 bytes\\)`))
  })

  it('a model with other inputs than the manifest says fails naming expected vs actual', async () => {
    // The CLIP image tower takes [B,3,224,224] images, not ViCLIP's [B,8,3,224,224] clips.
    const err = await new SessionFactory().load(imageOnnx, { provider: 'cpu', expectInputs: visionSpec }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InputSpecError)
    expect((err as Error).message).toContain(imageOnnx)
    expect((err as Error).message).toContain('expected frames float32[batch,8,3,224,224], actual image float32[batch,3,224,224]')
  })

  it('a shape difference alone (16 frames expected, 8 in the graph) is caught', async () => {
    const spec16 = [{ ...visionSpec[0]!, shape: ['batch', 16, 3, 224, 224] }]
    await expect(new SessionFactory().load(visionOnnx, { provider: 'cpu', expectInputs: spec16 })).rejects.toThrow(
      'expected frames float32[batch,16,3,224,224], actual frames float32[batch,8,3,224,224]',
    )
    // Free dims where the manifest records fixed ones also mismatch: it must describe the file exactly.
    const fixedBatch = [{ ...visionSpec[0]!, shape: [1, 8, 3, 224, 224] }]
    await expect(new SessionFactory().load(visionOnnx, { provider: 'cpu', expectInputs: fixedBatch })).rejects.toThrow(InputSpecError)
    await expect(new SessionFactory().load(visionOnnx, { provider: 'cpu', expectInputs: visionSpec })).resolves.toBeTruthy()
  })
})
