import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isSafeRelativeName } from '../../../src-main/ml/manifest'
import { downloadFile } from '../../../src-main/ml/model-download'
import { EXPORT_TOKENS, MODEL_REGISTRY, describeRecipe, findEntry } from '../../../src-main/ml/model-registry'
import { startFixtureServer, type FixtureServer } from '../../support/http-fixture-server'
import { repoRoot } from '../../support/python'

const ASSETS = resolve(repoRoot, '../shared/assets')
// Public files the registry pins, as shipped in the shared assets (read here, never copied).
const PUBLIC_COPIES: Record<string, string> = {
  'sac+logos+ava1-l14-linearMSE.pth': join(ASSETS, 'aesthetic/sac+logos+ava1-l14-linearMSE.pth'),
  'bpe_simple_vocab_16e6.txt.gz': join(ASSETS, 'tokenizer/bpe_simple_vocab_16e6.txt.gz'),
}

describe('the model registry', () => {
  it('has unique ids and complete entries with https URLs', () => {
    const ids = MODEL_REGISTRY.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBeGreaterThanOrEqual(4)
    for (const e of MODEL_REGISTRY) {
      expect(e.id).toMatch(/^[a-z0-9][a-z0-9.-]*$/)
      expect(['video-text-similarity', 'image-embedding', 'aesthetic-head', 'image-to-text', 'text-generation']).toContain(e.task)
      expect(e.title.length).toBeGreaterThan(5)
      expect(e.licence.length).toBeGreaterThan(2)
      expect(new URL(e.homepage).protocol).toBe('https:')
      expect(e.files.length).toBeGreaterThan(0)
      for (const f of e.files) {
        expect(new URL(f.url).protocol, `${e.id}/${f.name}`).toBe('https:')
        expect(isSafeRelativeName(f.name), f.name).toBe(true)
        if (f.sha256 === null) expect(f.provenance, `${e.id}/${f.name} needs a reason for its null sha256`).toMatch(/trust-on-first-use/)
        else expect(f.sha256).toMatch(/^[0-9a-f]{64}$/)
        if (f.bytes === null) expect(f.provenance.length).toBeGreaterThan(20)
        else expect(f.bytes).toBeGreaterThan(0)
      }
      expect(new Set(e.files.map((f) => f.name)).size).toBe(e.files.length)
    }
  })

  it('export recipes name a downloaded checkpoint, bundle only downloaded files and use the placeholders', () => {
    for (const e of MODEL_REGISTRY) {
      if (e.install.kind !== 'export') continue
      const names = e.files.map((f) => f.name)
      expect(names).toContain(e.install.checkpoint)
      for (const b of e.install.bundle) expect(names).toContain(b)
      expect(e.install.args).toContain(EXPORT_TOKENS.checkpoint)
      expect(e.install.args.some((a) => a.includes(EXPORT_TOKENS.out))).toBe(true)
    }
    // ViCLIP's tokenizer reads the merges from the model folder, so every ViCLIP install bundles them.
    for (const e of MODEL_REGISTRY.filter((x) => x.task === 'video-text-similarity')) {
      expect(e.install.kind === 'export' && e.install.bundle).toEqual(['bpe_simple_vocab_16e6.txt.gz'])
    }
  })

  it('shows the command a user could run by hand', () => {
    expect(describeRecipe(findEntry(MODEL_REGISTRY, 'viclip-b16-hf')!)).toBe(
      '/usr/bin/python3 -m tools.export viclip --checkpoint model.safetensors --out OUT --id viclip-b16-hf',
    )
    expect(describeRecipe(findEntry(MODEL_REGISTRY, 'laion-aesthetic-v2')!)).toBe(
      '/usr/bin/python3 tools/aesthetic/convert_laion_head.py sac+logos+ava1-l14-linearMSE.pth OUT/head.onnx',
    )
  })
})

describe('pinned hashes match the public files', () => {
  let server: FixtureServer
  let dir: string
  beforeAll(async () => {
    server = await startFixtureServer(Object.fromEntries(Object.entries(PUBLIC_COPIES).map(([n, p]) => [n, { body: readFileSync(p) }])))
    dir = mkdtempSync(join(tmpdir(), 'registry-'))
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const pinned = MODEL_REGISTRY.flatMap((e) => e.files).filter((f, i, all) => f.name in PUBLIC_COPIES && all.findIndex((g) => g.url === f.url) === i)

  it.each(pinned.map((f) => [f.name, f] as const))('%s downloads and verifies against its registry sha256 and size', async (name, f) => {
    const r = await downloadFile({ url: server.url(name), dest: join(dir, name), sha256: f.sha256, bytes: f.bytes })
    expect(r).toEqual({ sha256: f.sha256, bytes: f.bytes, resumes: 0 })
  })
})
