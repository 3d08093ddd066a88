import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ExportSelection, JobProgressEvent } from '../../../src-main/api/contract'
import { createHandlers, dispatch } from '../../../src-main/api/handlers'
import { JobHost } from '../../../src-main/jobs/job-host'
import { ModelStore } from '../../../src-main/ml/model-store'
import { exportDataset } from '../../../src-main/services/dataset-export.service'
import { importDataset } from '../../../src-main/services/dataset-import.service'
import { exportPreview, toSelectionSpec } from '../../../src-main/services/dataset-jobs.service'
import { density } from '../../../src-main/services/density.service'
import { listModels } from '../../../src-main/services/models-info.service'
import { getPipelineSettings, updatePipelineSettings } from '../../../src-main/services/pipeline-settings.service'
import { mlSettings } from '../../../src-main/services/scoring/scoring-deps'
import { generateRows, writeJsonl } from '../../support/jsonl-fixtures'
import { seedClips, tempProject } from '../../support/temp-project'

describe('studio channels: export preview, import/export jobs, settings, models, density', () => {
  let t: ReturnType<typeof tempProject>
  let host: JobHost | null = null
  afterEach(async () => {
    await host?.close()
    host = null
    t?.cleanup()
  })
  const call = (handlers: ReturnType<typeof createHandlers>, channel: string, args: unknown) => dispatch(handlers, channel, args, { transport: 'http' })

  async function imported(n: number, seed = 3): Promise<string> {
    t = tempProject()
    const file = join(t.dir, 'in.jsonl')
    writeJsonl(file, generateRows(n, { seed }))
    await importDataset(t.ctx, file, {})
    return file
  }

  it('previews exactly what the export writes: ranges, the grid top %, presets and DIV', async () => {
    await imported(600)
    const cases: ExportSelection[] = [
      { status: 'all' },
      { status: 'all', filters: { duration: { min: 2, max: 60 }, aesthetic: { max: 5.5 } } },
      { status: 'all', filters: { similarity: { topPercent: 25 } } },
      { status: 'not-rejected', preset: 'flt', div: { n: 1_000_000, seed: 0 } },
      { status: 'all', preset: 'aes', filters: { captionLength: { min: 8 } } },
      { status: 'all', preset: 'flt', div: { n: 40, seed: 5 } },
    ]
    for (const [i, sel] of cases.entries()) {
      const p = exportPreview(t.ctx, sel)
      const r = exportDataset(t.ctx, join(t.dir, `out-${i}.jsonl`), toSelectionSpec(t.ctx, sel))
      expect({ i, clips: p.clips, counts: p.counts }).toEqual({ i, clips: r.rows, counts: { filtered: r.counts.filtered, afterTopPercent: r.counts.after_top_percent, afterDiv: r.counts.after_div } })
      if (p.hoursEstimated) expect(p.hours).toBeGreaterThan(0)
      else expect(p.hours).toBeCloseTo(r.hours, 9)
    }
    // The grid's top 25 % ranks over all clips: the preview keeps a quarter of the scored clips.
    expect(exportPreview(t.ctx, cases[2]!).clips).toBe(150)
    expect(exportPreview(t.ctx, cases[5]!)).toMatchObject({ clips: 40, hoursEstimated: true })
  })

  it('refuses an export that would ignore the caption search, and a folder that does not exist', async () => {
    await imported(20)
    const handlers = createHandlers(t.ctx)
    await expect(call(handlers, 'dataset:exportPreview', { status: 'all', filters: { text: 'dog' } })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/caption search/) })
    await expect(call(handlers, 'dataset:export', { status: 'all', out: join(t.dir, 'no', 'x.jsonl') })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/does not exist/) })
    await expect(call(handlers, 'dataset:export', { status: 'all', out: t.dir })).rejects.toMatchObject({ message: expect.stringMatching(/is a folder/) })
    await expect(call(handlers, 'dataset:exportPreview', { status: 'kept' })).rejects.toMatchObject({ code: 'bad_request' })
  })

  it('imports and exports as worker jobs with progress, and resume re-runs the stored request', async () => {
    t = tempProject()
    const file = join(t.dir, 'in.jsonl')
    writeJsonl(file, [...generateRows(30, { seed: 9 }), { YoutubeID: 'x' }])
    host = new JobHost(t.ctx)
    const handlers = createHandlers(t.ctx, host)
    const events: JobProgressEvent[] = []
    t.ctx.bus.subscribe((name, payload) => name === 'jobs:progress' && events.push(payload as JobProgressEvent))

    const { jobId } = (await call(handlers, 'dataset:import', { file })) as { jobId: number }
    await host.settled(jobId)
    expect(t.ctx.repos.clips.countByStatus().pending).toBe(30)
    expect(events.at(-1)).toMatchObject({ jobId, name: 'import', status: 'done', done: 30, detail: expect.stringMatching(/^30 clips imported, 0 already present, 1 rejected \(line 31: /) })

    const again = (await call(handlers, 'jobs:resume', { jobId })) as { jobId: number }
    await host.settled(again.jobId)
    expect(again.jobId).not.toBe(jobId)
    expect(events.at(-1)).toMatchObject({ jobId: again.jobId, name: 'import', detail: expect.stringMatching(/^0 clips imported, 30 already present/) })

    mkdirSync(join(t.dir, 'out'))
    const out = join(t.dir, 'out', 'long.jsonl')
    const exp = (await call(handlers, 'dataset:export', { status: 'all', filters: { duration: { min: 5 } }, out, withReview: true })) as { jobId: number }
    await host.settled(exp.jobId)
    const preview = exportPreview(t.ctx, { status: 'all', filters: { duration: { min: 5 } } })
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(preview.clips)
    expect(JSON.parse(lines[0]!)).toHaveProperty('status', 'pending')
    expect(existsSync(`${out}.manifest.json`)).toBe(true)
    expect(events.at(-1)).toMatchObject({ jobId: exp.jobId, name: 'export', status: 'done', detail: expect.stringContaining(`written to ${out}; manifest ${out}.manifest.json`) })
    expect(await call(handlers, 'jobs:kinds', {})).toEqual(expect.arrayContaining(['ingest', 'similarity', 'aesthetic', 'import', 'export']))
  })

  it('stores pipeline settings where the jobs read them and checks the whole patch first', () => {
    t = tempProject()
    expect(getPipelineSettings(t.ctx)).toEqual({ provider: 'auto', threads: null, batchSize: 4, aggregation: 'max', clipRules: { minS: 1, short: 'merge', maxS: 120, long: 'split' }, proxyCacheGb: 20 })
    updatePipelineSettings(t.ctx, { provider: 'cpu', threads: 2, batchSize: 16, aggregation: 'mean', clipRules: { minS: 2, short: 'drop', maxS: 60, long: 'split' } })
    expect(mlSettings(t.ctx)).toEqual({ provider: 'cpu', threads: 2, batchSize: 16 })
    expect(t.ctx.repos.settings.get('models', {})).toEqual({ aggregation: 'mean' })
    expect(t.ctx.repos.settings.get('clips.rules', {})).toEqual({ minS: 2, short: 'drop', maxS: 60, long: 'split' })
    // Split parts of a 3 s maximum could come out shorter than the 2 s minimum: nothing is stored.
    expect(() => updatePipelineSettings(t.ctx, { batchSize: 1, clipRules: { minS: 2, short: 'merge', maxS: 3, long: 'split' } })).toThrow(/at least twice the minimum/)
    expect(() => updatePipelineSettings(t.ctx, { threads: 0 })).toThrow(/threads must be an integer 1..256/)
    expect(() => updatePipelineSettings(t.ctx, { provider: 'tpu' as never })).toThrow(/provider/)
    expect(getPipelineSettings(t.ctx)).toMatchObject({ batchSize: 16, threads: 2 })
    expect(updatePipelineSettings(t.ctx, { threads: null }).threads).toBeNull()
    expect(updatePipelineSettings(t.ctx, { proxyCacheGb: 5 }).proxyCacheGb).toBe(5)
    expect(() => updatePipelineSettings(t.ctx, { proxyCacheGb: 0 })).toThrow(/proxyCacheGb must be an integer 1..100000/)
  })

  it('lists registry and local models with the stages using them and the provider this machine gives', async () => {
    t = tempProject()
    const store = new ModelStore({ root: join(t.dir, 'models') })
    const cpu = async () => ({ provider: 'cpu' as const, reason: 'libonnxruntime_providers_cuda.so is not installed' })
    const info = await listModels(t.ctx, store, cpu)
    expect(info.root).toBe(join(t.dir, 'models'))
    expect(info.models.find((m) => m.id === 'viclip-l14-hf')).toMatchObject({ installed: [], usedFor: ['similarity'], installCommand: 'vicurate models install viclip-l14-hf' })
    expect(info.models.find((m) => m.id === 'viclip-l14')?.installCommand).toMatch(/--trust-on-first-use$/)
    // The probe runs once per process; its answer is what `auto` gets.
    expect(info.provider).toEqual({ setting: 'auto', active: 'cpu', fallbackReason: 'libonnxruntime_providers_cuda.so is not installed' })
    updatePipelineSettings(t.ctx, { provider: 'cuda' })
    expect((await listModels(t.ctx, store, cpu)).provider).toEqual({ setting: 'cuda', active: null, fallbackReason: 'libonnxruntime_providers_cuda.so is not installed' })
    updatePipelineSettings(t.ctx, { provider: 'cpu' })
    expect((await listModels(t.ctx, store, cpu)).provider).toEqual({ setting: 'cpu', active: 'cpu', fallbackReason: null })
  })

  it('bins similarity × aesthetic in SQL, all clips and the filtered set on the same axes', () => {
    t = tempProject()
    seedClips(t.ctx, [
      { startS: 0, endS: 1, similarity: 0.1, aesthetic: 3 },
      { startS: 1, endS: 2, similarity: 0.1, aesthetic: 3 },
      { startS: 2, endS: 3, similarity: 0.5, aesthetic: 7 },
      { startS: 3, endS: 9, similarity: 0.32, aesthetic: 5.2 },
      { startS: 9, endS: 10, similarity: null, aesthetic: 6 },
    ])
    const g = density(t.ctx, { bins: 4, filters: { duration: { min: 2 } } })
    expect(g).toMatchObject({ bins: 4, similarity: { min: 0.1, max: 0.5 }, aesthetic: { min: 3, max: 7 } })
    const cell = (x: number, y: number) => y * 4 + x
    expect(g.all[cell(0, 0)]).toBe(2)
    expect(g.all[cell(2, 2)]).toBe(1)
    expect(g.all[cell(3, 3)]).toBe(1) // the maximum falls in the last bin
    expect(g.all.reduce((a, b) => a + b, 0)).toBe(4)
    expect(g.filtered.reduce((a, b) => a + b, 0)).toBe(1)
    expect(g.filtered[cell(2, 2)]).toBe(1)
    expect(() => density(t.ctx, { bins: 2 })).toThrow(/bins/)
  })
})
