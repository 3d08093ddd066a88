import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readNpy } from '../../../src-main/ml/npy'
import { AestheticHead } from '../../../src-main/ml/models/aesthetic-head'
import { ViclipModel } from '../../../src-main/ml/models/viclip'
import { EXPORT_TOKENS, MODEL_REGISTRY, findEntry, type RegistryEntry } from '../../../src-main/ml/model-registry'
import { ModelStore } from '../../../src-main/ml/model-store'
import { ClipBpeTokenizer } from '../../../src-main/ml/tokenizer/clip-bpe-tokenizer'
import { startFixtureServer, type FixtureServer } from '../../support/http-fixture-server'
import { pythonMissingSync, repoRoot } from '../../support/python'

// The export path end to end: registry entry → loopback download → the project's real exporter
// (needs /usr/bin/python3 with torch + onnx) → manifest → verified atomic install.
const ASSETS = resolve(repoRoot, '../shared/assets')
const missing = pythonMissingSync()
if (missing) console.warn(`skipping model export install tests: ${missing}`)

let server: FixtureServer
let root: string

/** The real entry with its URLs pointed at the loopback server (same sha256 and sizes). */
function local(entry: RegistryEntry): RegistryEntry {
  return { ...entry, files: entry.files.map((f) => ({ ...f, url: server.url(f.name) })) }
}

beforeAll(async () => {
  server = await startFixtureServer({
    'sac+logos+ava1-l14-linearMSE.pth': { body: readFileSync(join(ASSETS, 'aesthetic/sac+logos+ava1-l14-linearMSE.pth')) },
    'bpe_simple_vocab_16e6.txt.gz': { body: readFileSync(join(ASSETS, 'tokenizer/bpe_simple_vocab_16e6.txt.gz')) },
  })
  root = mkdtempSync(join(tmpdir(), 'model-export-'))
})
afterAll(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})

describe.skipIf(missing !== null)('install by export', () => {
  it('installs the registry LAION aesthetic head: converted, manifest written, scores match PyTorch', async () => {
    const entry = local(findEntry(MODEL_REGISTRY, 'laion-aesthetic-v2')!)
    const store = new ModelStore({ root, registry: [entry] })
    const { model } = await store.install('laion-aesthetic-v2')
    expect(model.manifest.task).toBe('aesthetic-head')
    expect(model.manifest.graphs.head).toEqual({
      file: 'head.onnx',
      inputs: [{ name: 'embedding', dtype: 'float32', shape: ['batch', 768] }],
      outputs: [{ name: 'score', dtype: 'float32', shape: ['batch'] }],
    })
    expect(model.installed?.source).toMatchObject({ kind: 'registry', command: expect.stringContaining('convert_laion_head.py') })
    const head = await AestheticHead.load(join(model.dir, model.manifest.graphs.head!.file))
    const rating9 = readNpy(join(ASSETS, 'aesthetic/vit_l_14_embeddings/rating9.npy'))
    const [score] = await head.score(rating9.data as Float32Array, [1, 768])
    expect(score).toBeCloseTo(5.747, 2) // PyTorch's score for LAION's mean rating-9 embedding
    expect((await new ModelStore({ root, registry: [entry] }).verify()).problems).toEqual([])
  }, 180_000)

  it('bundles the tokenizer merges into an exported ViCLIP folder so the text side works from the store alone', async () => {
    const merges = findEntry(MODEL_REGISTRY, 'viclip-b16-hf')!.files.find((f) => f.name === 'bpe_simple_vocab_16e6.txt.gz')!
    // A random-init tiny export stands in for a real checkpoint (none is reachable here).
    const entry: RegistryEntry = {
      id: 'viclip-tiny-export', task: 'video-text-similarity', title: 'tiny export', licence: 'test', homepage: 'https://example.invalid/',
      approxDownload: '1 MB', files: [merges],
      install: {
        kind: 'export', checkpoint: merges.name, output: 'manifest', bundle: [merges.name],
        args: ['-m', 'tools.export', 'viclip', '--random-init', '--size', 'tiny', '--out', EXPORT_TOKENS.out, '--id', EXPORT_TOKENS.id],
      },
    }
    const { model } = await new ModelStore({ root, registry: [local(entry)] }).install('viclip-tiny-export')
    expect(model.manifest.files.map((f) => f.name).sort()).toEqual(['bpe_simple_vocab_16e6.txt.gz', 'text.onnx', 'vision.onnx'])
    const tokenizer = new ClipBpeTokenizer(join(model.dir, model.manifest.tokenizer!.merges))
    const viclip = await ViclipModel.load(model.dir, { provider: 'cpu' })
    const emb = await viclip.encodeText(tokenizer.tokenizeInt64(['a dog runs in the snow']))
    expect(emb.length).toBe(16)
    expect(Math.hypot(...emb)).toBeCloseTo(1, 4)
  }, 180_000)
})
