import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseManifest, sha256File } from '../../src-main/ml/manifest'
import { SessionFactory } from '../../src-main/ml/onnx-session'
import type { InstalledModelRef, ModelLocator, ScoringDeps } from '../../src-main/services/scoring/scoring-deps'
import { runPython } from './python'
import { SHARED_ASSETS } from './temp-project'

const FIXTURES = join(__dirname, '..', 'fixtures', 'models')

function load(dir: string): InstalledModelRef {
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), join(dir, 'manifest.json'))
  return { id: manifest.id, revision: manifest.revision, dir, manifest }
}

/**
 * Real model folders for the scoring stages, laid out as the model store installs them: the tiny
 * random ViCLIP and CLIP-image fixtures (with the CLIP merges copied in from ../shared/assets, as
 * an install would download them) and LAION's real v2 aesthetic head converted at test time.
 */
export async function fixtureModels(root: string): Promise<{ deps: ScoringDeps; ids: { viclip: string; image: string; head: string } }> {
  const viclip = join(root, 'viclip')
  cpSync(join(FIXTURES, 'viclip-tiny'), viclip, { recursive: true })
  copyFileSync(join(SHARED_ASSETS, 'tokenizer', 'bpe_simple_vocab_16e6.txt.gz'), join(viclip, 'bpe_simple_vocab_16e6.txt.gz'))
  const image = join(root, 'image')
  cpSync(join(FIXTURES, 'clip-image-tiny'), image, { recursive: true })
  const head = join(root, 'head')
  mkdirSync(head, { recursive: true })
  const r = await runPython(['tools/aesthetic/convert_laion_head.py', join(SHARED_ASSETS, 'aesthetic', 'sac+logos+ava1-l14-linearMSE.pth'), join(head, 'head.onnx')], { timeoutMs: 120_000 })
  if (r.code !== 0) throw new Error(`convert_laion_head.py failed: ${r.stderr}`)
  const sha = await sha256File(join(head, 'head.onnx'))
  writeFileSync(join(head, 'manifest.json'), JSON.stringify({
    schema: 1, id: 'laion-aesthetic-v2', revision: `sha256-${sha.slice(0, 16)}`, task: 'aesthetic-head', embeddingDim: 768,
    graphs: { head: { file: 'head.onnx', inputs: [{ name: 'embedding', dtype: 'float32', shape: ['batch', 768] }], outputs: [{ name: 'score', dtype: 'float32', shape: ['batch'] }] } },
    files: [{ name: 'head.onnx', sha256: sha, bytes: readFileSync(join(head, 'head.onnx')).length }],
    preprocessing: {}, architecture: { kind: 'laion-aesthetic-mlp-v2' }, weights: { source: 'checkpoint', file: 'sac+logos+ava1-l14-linearMSE.pth', sha256: 'see registry' },
    export: { opset: 17, precision: 'fp32', ioDtype: 'float32' },
  }))
  const byId = new Map([viclip, image, head].map((d) => load(d)).map((m) => [m.id, m]))
  const models: ModelLocator = {
    require(id) {
      const m = byId.get(id)
      if (!m) throw new Error(`model "${id}" is not installed — install it with: vicurate models install ${id}`)
      return m
    },
  }
  const ids = { viclip: load(viclip).id, image: load(image).id, head: 'laion-aesthetic-v2' }
  return { deps: { models, sessions: new SessionFactory({ provider: 'cpu' }) }, ids }
}
