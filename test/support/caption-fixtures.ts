import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { parseManifest } from '../../src-main/ml/manifest'
import type { InstalledModelRef, ModelLocator } from '../../src-main/services/scoring/scoring-deps'
import { repoRoot, runPython } from './python'
import { SHARED_ASSETS } from './temp-project'

const GPT2 = join(SHARED_ASSETS, 'tokenizer', 'gpt2')
const SOURCES = ['captioner_export.py', 'vit_gpt2_model.py', 'qwen2_model.py', 'hf_layout.py', 'layers.py', 'onnx_io.py', 'seeded.py']

export interface CaptionFixtures {
  captioner: InstalledModelRef
  summariser: InstalledModelRef
}

function load(dir: string): InstalledModelRef {
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'), join(dir, 'manifest.json'))
  return { id: manifest.id, revision: manifest.revision, dir, manifest }
}

/**
 * The tiny random-weight vit-gpt2 and Qwen2 models, exported by tools/export at test time (the
 * GPT-2 tokenizer files come from ../shared/assets and must not be committed), cached under
 * tmp/ by a hash of the exporter's sources so an exporter change re-exports. Each folder is
 * written to a temp name and renamed, so parallel test files never see half a folder.
 */
export async function captionFixtures(): Promise<CaptionFixtures> {
  const h = createHash('sha256')
  for (const f of SOURCES) h.update(readFileSync(join(repoRoot, 'tools', 'export', f)))
  const root = join(repoRoot, 'tmp', 'caption-models', h.digest('hex').slice(0, 12))
  const make = async (name: string, args: string[]) => {
    const dir = join(root, name)
    if (existsSync(join(dir, 'manifest.json'))) return dir
    mkdirSync(root, { recursive: true })
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`
    const r = await runPython(['-m', 'tools.export', ...args, '--out', tmp, '--reference'], { timeoutMs: 300_000 })
    if (r.code !== 0) throw new Error(`tools.export ${args[0]} failed: ${r.stderr}`)
    try {
      renameSync(tmp, dir)
    } catch {
      rmSync(tmp, { recursive: true, force: true }) // another worker won the race
    }
    return dir
  }
  const captioner = await make('vit-gpt2-tiny', ['vit-gpt2', '--size', 'tiny', '--template', GPT2, '--id', 'vit-gpt2-tiny'])
  const summariser = await make('qwen2-tiny', ['qwen2', '--size', 'tiny', '--tokenizer', GPT2, '--id', 'qwen2-tiny'])
  return { captioner: load(captioner), summariser: load(summariser) }
}

/** A model locator over the fixtures plus any other installed refs (e.g. the scoring fixtures). */
export function locatorFor(refs: InstalledModelRef[], fallback?: ModelLocator): ModelLocator {
  const byId = new Map(refs.map((r) => [r.id, r]))
  return {
    require(id) {
      const m = byId.get(id)
      if (m) return m
      if (fallback) return fallback.require(id)
      throw new Error(`model "${id}" is not installed — install it with: vicurate models install ${id}`)
    },
  }
}

export interface Reference {
  tokens: number[][] | number[]
  maxNewTokens: number
}

export const readReference = <T>(dir: string): T => JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as T
