import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OnnxSummariser } from '../../../src-main/ml/captioning/onnx-summariser'
import { isSafeRelativeName } from '../../../src-main/ml/manifest'
import { ModelStore } from '../../../src-main/ml/model-store'
import type { RegistryEntry } from '../../../src-main/ml/model-registry'
import { captionFixtures, readReference, type CaptionFixtures } from '../../support/caption-fixtures'
import { startFixtureServer, type FixtureServer } from '../../support/http-fixture-server'
import { tempDir } from '../../support/temp-project'

function filesUnder(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub)).flatMap((n) => (statSync(join(dir, sub, n)).isDirectory() ? filesUnder(dir, sub ? `${sub}/${n}` : n) : [sub ? `${sub}/${n}` : n]))
}

describe('installing a Hugging Face ONNX folder from the registry', () => {
  let fx: CaptionFixtures
  let server: FixtureServer
  const t = tempDir()
  beforeAll(async () => {
    fx = await captionFixtures()
    const names = filesUnder(fx.summariser.dir).filter((n) => !['manifest.json', 'reference.json'].includes(n))
    server = await startFixtureServer(Object.fromEntries(names.map((n) => [`repo/resolve/main/${n}`, { body: readFileSync(join(fx.summariser.dir, n)) }])))
  }, 300_000)
  afterAll(async () => {
    await server.close()
    t.cleanup()
  })

  const entry = (): RegistryEntry => ({
    id: 'tiny-summariser', task: 'text-generation', title: 't', licence: 'test', homepage: 'x', approxDownload: '13 MB',
    files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map((name) => ({
      name, url: server.url(`repo/resolve/main/${name}`), sha256: null, bytes: null, provenance: 'test',
    })),
    install: { kind: 'hf', task: 'text-generation', repo: 'test/repo' },
  })

  it('downloads into the onnx/ subfolder, writes a manifest over every file, and the model runs from the store', async () => {
    const store = new ModelStore({ root: join(t.dir, 'store'), registry: [entry()], retryDelayMs: 0 })
    await expect(store.install('tiny-summariser')).rejects.toThrow(/trust-on-first-use/)
    const r = await store.install('tiny-summariser', { trustOnFirstUse: true })
    expect(r.pinned.map((p) => p.file)).toContain('onnx/model.onnx')
    expect(r.model.manifest.task).toBe('text-generation')
    expect(r.model.manifest.files.map((f) => f.name)).toEqual(['config.json', 'generation_config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json'])
    expect((await store.verify('tiny-summariser')).problems).toEqual([])
    const ref = readReference<{ promptIds: number[]; tokens: number[]; maxNewTokens: number }>(fx.summariser.dir)
    const lm = await OnnxSummariser.load(r.model.dir, r.model, { provider: 'cpu', threads: 1, beams: 1, maxNewTokens: ref.maxNewTokens })
    expect(await lm.generate(ref.promptIds)).toEqual(ref.tokens)
    await lm.dispose()
  })

  it('accepts onnx/<file> names in manifests but never a path that leaves the model folder', () => {
    for (const ok of ['head.onnx', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) expect(isSafeRelativeName(ok), ok).toBe(true)
    for (const bad of ['', '../x.onnx', 'onnx/../../x', '/etc/passwd', 'onnx//m.onnx', 'a\\b.onnx', './m.onnx', 'onnx/']) expect(isSafeRelativeName(bad), bad).toBe(false)
  })
})
