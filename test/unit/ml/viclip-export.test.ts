import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as ort from 'onnxruntime-node'
import { readManifest, sha256File, verifyManifestFiles } from '../../../src-main/ml/manifest'
import { SessionFactory } from '../../../src-main/ml/onnx-session'
import { ViclipModel, cosine } from '../../../src-main/ml/models/viclip'
import { pythonMissingSync, runPython, runPythonModule } from '../../support/python'
import { seededUniform } from './viclip-seeded'

// Runs the real exporter (tools/export, PyTorch + onnx under /usr/bin/python3) at test time.
const missing = pythonMissingSync()
// Each export spawns Python and imports torch (~2 s); generous limits for a busy 2-core CI box.
const PY_TIMEOUT = 180_000
const fixtureRef = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../fixtures/models/viclip-tiny/reference.json'), 'utf8'),
) as { inputs: { frames: { shape: number[]; seed: number; scale: number }; inputIds: number[][] }; outputs: { video: number[][]; text: number[][] } }

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vicurate-viclip-export-'))
})
afterAll(() => rm(tmp, { recursive: true, force: true }))

async function embed(dir: string): Promise<{ video: Float32Array; text: Float32Array; dim: number }> {
  const model = await ViclipModel.load(dir, { provider: 'cpu' })
  const f = fixtureRef.inputs.frames
  const video = await model.encodeVideo(seededUniform(f.shape.reduce((a, b) => a * b, 1), f.seed, f.scale))
  const text = await model.encodeText(fixtureRef.inputs.inputIds)
  return { video, text, dim: model.dim }
}

function minCosineToReference(e: { video: Float32Array; text: Float32Array; dim: number }): number {
  const d = e.dim
  const v = fixtureRef.outputs.video.map((r, i) => cosine(e.video.subarray(i * d, (i + 1) * d), r))
  const t = fixtureRef.outputs.text.map((r, i) => cosine(e.text.subarray(i * d, (i + 1) * d), r))
  return Math.min(...v, ...t)
}

describe.skipIf(missing !== null)(`tools/export viclip (python: ${missing ?? 'ok'})`, () => {
  it('exports the tiny model end to end: manifest, sha256s, I/O spec and reproducible weights', async () => {
    const out = path.join(tmp, 'tiny')
    const run = await runPythonModule('tools.export', ['viclip', '--random-init', '--size', 'tiny', '--seed', '0', '--out', out])
    expect((await readdir(out)).sort()).toEqual(['manifest.json', 'text.onnx', 'vision.onnx'])
    const manifest = await readManifest(out)
    expect(JSON.parse(run.stdout)).toEqual(manifest) // stdout carries the same manifest
    for (const f of manifest.files) expect(f.sha256).toBe(await sha256File(path.join(out, f.name)))
    await verifyManifestFiles(out, manifest)
    expect(manifest).toMatchObject({
      id: 'viclip-tiny-random',
      task: 'video-text-similarity',
      embeddingDim: 16,
      weights: { source: 'random-init', seed: 0 },
      export: { opset: 17, precision: 'fp32', ioDtype: 'float32' },
      tokenizer: { type: 'clip-bpe', context: 32, merges: 'bpe_simple_vocab_16e6.txt.gz' },
    })
    expect(manifest.revision).toMatch(/^sha256-[0-9a-f]{16}$/)
    expect(manifest.preprocessing.video).toMatchObject({ frames: 8, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] })
    // Same seed → same weights → the committed fixture's PyTorch outputs.
    expect(minCosineToReference(await embed(out))).toBeGreaterThanOrEqual(0.9999)
  }, PY_TIMEOUT)

  it('the reference subcommand reproduces the committed PyTorch outputs', async () => {
    const file = path.join(tmp, 'ref.json')
    await runPythonModule('tools.export', ['reference', '--random-init', '--size', 'tiny', '--seed', '0', '--out', file])
    const ref = JSON.parse(readFileSync(file, 'utf8')) as typeof fixtureRef
    expect(ref.inputs.inputIds).toEqual(fixtureRef.inputs.inputIds)
    ref.outputs.video.forEach((r, i) => r.forEach((x, k) => expect(x).toBeCloseTo(fixtureRef.outputs.video[i]![k]!, 6)))
    ref.outputs.text.forEach((r, i) => r.forEach((x, k) => expect(x).toBeCloseTo(fixtureRef.outputs.text[i]![k]!, 6)))
  }, PY_TIMEOUT)

  it('loads an official-layout .pth ({model: state_dict}) and a .safetensors file into the same model', async () => {
    const script = [
      'import torch',
      'from tools.export.viclip_export import build_model',
      'from tools.export.safetensors_reader import write_safetensors',
      "m, _, _ = build_model('tiny', 0, None)",
      'sd = m.state_dict()',
      `torch.save({'model': sd, 'epoch': 3}, '${tmp}/ckpt.pth')`,
      `write_safetensors('${tmp}/model.safetensors', sd)`,
      "bad = {k: v for k, v in sd.items() if k != 'text_encoder.ln_final.weight'}",
      "bad['vision_encoder.extra_head.weight'] = torch.zeros(2)",
      `torch.save({'model': bad}, '${tmp}/bad.pth')`,
    ].join('\n')
    const made = await runPython(['-c', script])
    expect(made.stderr).toBe('')
    for (const name of ['ckpt.pth', 'model.safetensors']) {
      const out = path.join(tmp, `from-${name}`)
      const run = await runPythonModule('tools.export', ['viclip', '--checkpoint', path.join(tmp, name), '--out', out])
      expect(run.stderr).toContain('no unexpected keys')
      const manifest = await readManifest(out)
      expect(manifest.weights).toMatchObject({ source: 'checkpoint', file: name })
      expect(manifest.id).toBe('viclip-tiny')
      expect(minCosineToReference(await embed(out))).toBeGreaterThanOrEqual(0.9999)
    }
    const bad = await runPython(['-m', 'tools.export', 'viclip', '--checkpoint', path.join(tmp, 'bad.pth'), '--out', path.join(tmp, 'bad')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(`${tmp}/bad.pth: checkpoint does not fit the model`)
    expect(bad.stderr).toMatch(/missing keys \(1\): text_encoder\.ln_final\.weight/)
    expect(bad.stderr).toMatch(/unexpected keys \(1\): vision_encoder\.extra_head\.weight/)
  }, PY_TIMEOUT)

  it('names the file when a checkpoint is unreadable or of the wrong size', async () => {
    const junk = path.join(tmp, 'junk.safetensors')
    writeFileSync(junk, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]))
    const r = await runPython(['-m', 'tools.export', 'viclip', '--checkpoint', junk, '--out', path.join(tmp, 'junk')])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${junk}: header length 200 exceeds the file size`)
    const wrong = await runPython(['-m', 'tools.export', 'viclip', '--checkpoint', path.join(tmp, 'ckpt.pth'), '--size', 'b16', '--out', path.join(tmp, 'w')])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('holds a ViCLIP-tiny checkpoint, --size says b16')
  }, PY_TIMEOUT)

  it('--fp16 halves the files and stays within cosine 0.999; --int8 (dynamic int8 MatMuls) stays within 0.999', async () => {
    const fp16 = path.join(tmp, 'fp16')
    const int8 = path.join(tmp, 'int8')
    await runPythonModule('tools.export', ['viclip', '--random-init', '--size', 'tiny', '--seed', '0', '--fp16', '--out', fp16])
    await runPythonModule('tools.export', ['viclip', '--random-init', '--size', 'tiny', '--seed', '0', '--int8', '--out', int8])
    const m16 = await readManifest(fp16)
    expect(m16.export.precision).toBe('fp16')
    expect(m16.graphs.vision!.inputs[0]!.dtype).toBe('float32') // I/O stays float32
    const fp32Bytes = (await readManifest(path.resolve(__dirname, '../../fixtures/models/viclip-tiny'))).files
    const text16 = m16.files.find((f) => f.name === 'text.onnx')!.bytes
    expect(text16).toBeLessThan(0.55 * fp32Bytes.find((f) => f.name === 'text.onnx')!.bytes)
    expect(minCosineToReference(await embed(fp16))).toBeGreaterThanOrEqual(0.999)
    const m8 = await readManifest(int8)
    expect(m8.export.precision).toBe('int8')
    const vision8 = readFileSync(path.join(int8, 'vision.onnx'))
    expect(vision8.includes(Buffer.from('MatMulInteger'))).toBe(true)
    expect(minCosineToReference(await embed(int8))).toBeGreaterThanOrEqual(0.999)
  }, PY_TIMEOUT)
})

describe.skipIf(missing !== null)('tools/export clip-image', () => {
  const clipDir = path.resolve(__dirname, '../../fixtures/models/clip-image-tiny')
  const clipRef = JSON.parse(readFileSync(path.join(clipDir, 'reference.json'), 'utf8')) as {
    inputs: { image: { shape: number[]; seed: number; scale: number } }
    outputs: { image: number[][] }
  }

  async function minCosine(dir: string): Promise<number> {
    const { session } = await new SessionFactory().load(path.join(dir, 'image.onnx'), { provider: 'cpu' })
    const spec = clipRef.inputs.image
    const input = new ort.Tensor('float32', seededUniform(spec.shape.reduce((a, b) => a * b, 1), spec.seed, spec.scale), spec.shape)
    const out = (await session.run({ image: input })).embedding!.data as Float32Array
    return Math.min(...clipRef.outputs.image.map((r, i) => cosine(out.subarray(i * 768, (i + 1) * 768), r)))
  }

  it('loads OpenAI-layout (visual.*) and Hugging Face CLIPModel-layout weights into the same tower', async () => {
    // The HF dict is built the way transformers names CLIPVisionModel + visual_projection:
    // q/k/v split out of in_proj, Linear projection stored transposed, "pre_layrnorm" (sic).
    const script = `
import torch
from tools.export.clip_export import build_clip
m, _, _ = build_clip('tiny', 0, None)
sd = {k: v for k, v in m.state_dict().items()}
sd['logit_scale'] = torch.tensor(4.6)
sd['transformer.resblocks.0.ln_1.weight'] = torch.ones(3)  # text side: must be ignored
torch.save(sd, '${tmp}/openai.pt')
hf = {'vision_model.embeddings.class_embedding': sd['visual.class_embedding'],
      'vision_model.embeddings.patch_embedding.weight': sd['visual.conv1.weight'],
      'vision_model.embeddings.position_embedding.weight': sd['visual.positional_embedding'],
      'visual_projection.weight': sd['visual.proj'].t().contiguous()}
for a, b in (('pre_layrnorm', 'ln_pre'), ('post_layernorm', 'ln_post')):
    for leaf in ('weight', 'bias'):
        hf[f'vision_model.{a}.{leaf}'] = sd[f'visual.{b}.{leaf}']
for i in range(2):
    s, d = f'vision_model.encoder.layers.{i}.', f'visual.transformer.resblocks.{i}.'
    for leaf in ('weight', 'bias'):
        q, k, v = sd[d + 'attn.in_proj_' + leaf].chunk(3, dim=0)
        hf[s + 'self_attn.q_proj.' + leaf], hf[s + 'self_attn.k_proj.' + leaf], hf[s + 'self_attn.v_proj.' + leaf] = q, k, v
        for a, b in (('self_attn.out_proj', 'attn.out_proj'), ('layer_norm1', 'ln_1'), ('layer_norm2', 'ln_2'), ('mlp.fc1', 'mlp.c_fc'), ('mlp.fc2', 'mlp.c_proj')):
            hf[s + a + '.' + leaf] = sd[d + b + '.' + leaf]
torch.save(hf, '${tmp}/hf.bin')
`
    expect((await runPython(['-c', script])).stderr).toBe('')
    for (const name of ['openai.pt', 'hf.bin']) {
      const out = path.join(tmp, `clip-${name}`)
      const run = await runPythonModule('tools.export', ['clip-image', '--checkpoint', path.join(tmp, name), '--out', out])
      expect(run.stderr).toContain('no missing keys')
      const manifest = await readManifest(out)
      expect(manifest).toMatchObject({ id: 'clip-image-tiny', task: 'image-embedding', embeddingDim: 768 })
      expect(manifest.graphs.image!.inputs).toEqual([{ name: 'image', dtype: 'float32', shape: ['batch', 3, 224, 224] }])
      expect(await minCosine(out)).toBeGreaterThanOrEqual(0.9999)
    }
  }, PY_TIMEOUT)
})
