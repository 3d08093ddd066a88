import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelStore } from '../../../src-main/ml/model-store'
import type { RegistryEntry } from '../../../src-main/ml/model-registry'
import { runModelInstallJob, runModelVerifyJob } from '../../../src-main/services/model-jobs.service'
import { captionFixtures, type CaptionFixtures } from '../../support/caption-fixtures'
import { startFixtureServer, type FixtureServer } from '../../support/http-fixture-server'
import { tempDir } from '../../support/temp-project'

function filesUnder(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub)).flatMap((n) => (statSync(join(dir, sub, n)).isDirectory() ? filesUnder(dir, sub ? `${sub}/${n}` : n) : [sub ? `${sub}/${n}` : n]))
}

describe('model install and verify as jobs (the Models panel)', () => {
  let fx: CaptionFixtures
  let server: FixtureServer
  const t = tempDir()
  beforeAll(async () => {
    fx = await captionFixtures()
    const names = filesUnder(fx.summariser.dir).filter((n) => !['manifest.json', 'reference.json'].includes(n))
    server = await startFixtureServer(Object.fromEntries(names.map((n) => [n, { body: readFileSync(join(fx.summariser.dir, n)) }])))
  }, 300_000)
  afterAll(async () => {
    await server.close()
    t.cleanup()
  })

  it('reports download MB per file and the verify phase, then verify names a corrupted file and fails', async () => {
    const entry: RegistryEntry = {
      id: 'tiny-lm', task: 'text-generation', title: 'tiny', licence: 'test', homepage: 'x', approxDownload: '13 MB',
      files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map((name) => ({ name, url: server.url(name), sha256: null, bytes: null, provenance: 'test' })),
      install: { kind: 'hf', task: 'text-generation', repo: 'test/tiny' },
    }
    const store = new ModelStore({ root: join(t.dir, 'store'), registry: [entry], retryDelayMs: 0 })
    const seen: { done: number; total: number; detail?: string }[] = []
    const r = await runModelInstallJob({ id: 'tiny-lm', trustOnFirstUse: true }, new AbortController().signal, (p) => seen.push(p), store)
    expect(r.report).toMatchObject({ id: 'tiny-lm', alreadyInstalled: false })
    expect(r.report.pinned).toHaveLength(5)
    const model = seen.filter((p) => p.detail === 'downloading model.onnx')
    expect(model.at(-1)!.done).toBeCloseTo(statSync(join(fx.summariser.dir, 'onnx', 'model.onnx')).size / 1e6, 1)
    expect(seen.some((p) => p.detail?.startsWith('verify:'))).toBe(true)

    expect((await runModelVerifyJob({}, () => {}, store)).outcome).toBe('done')
    appendFileSync(join(r.report.dir, 'tokenizer.json'), ' ')
    const bad = await runModelVerifyJob({ id: 'tiny-lm' }, () => {}, store)
    expect(bad.outcome).toBe('failed')
    expect(bad.report.problems[0].file).toBe(join(r.report.dir, 'tokenizer.json'))
  })
})
