import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ExportSelection } from '../../src-main/api/contract'
import ExportDialog from '../../src-renderer/src/components/export/ExportDialog.vue'
import { describeFilters } from '../../src-renderer/src/components/export/filter-summary'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { useFiltersStore } from '../../src-renderer/src/stores/filters'
import { FakeTransport, clip, ok } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

let mounted: VueWrapper | null = null
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.useRealTimers()
})

function exportTransport() {
  return new FakeTransport()
    .respond('clips:list', () => ok({ items: [clip(1)], nextCursor: null }))
    .respond('clips:keepRate', () => ok({ clips: 1, hours: 0.1, totalClips: 3, totalHours: 0.3 }))
    .respond('dataset:exportPreview', (raw) => {
      const s = raw as ExportSelection
      if (s.filters?.text) return { ok: false, error: { code: 'bad_request', message: 'the export cannot apply a caption search: clear "Search captions" to export the other filters' } }
      const sampled = s.div && s.div.n < 120
      return ok({ counts: { filtered: 120, afterTopPercent: s.preset === 'flt' ? 36 : 120, afterDiv: sampled ? s.div!.n : 120 }, clips: sampled ? s.div!.n : 120, hours: 1.25, hoursEstimated: !!sampled })
    })
    .respond('dataset:export', () => ok({ jobId: 31 }))
    .respond('jobs:list', () => ok([{ id: 31, name: 'export', status: 'failed', done: 0, total: 1, error: 'disk full', createdAt: '', finishedAt: null }]))
}

async function open(transport: FakeTransport, before?: () => Promise<void>): Promise<VueWrapper> {
  const { client, pinia } = setupStores(transport)
  await before?.()
  mounted = mount(ExportDialog, { global: mountGlobals(client, pinia), attachTo: document.body })
  await flushPromises()
  return mounted
}

const preview = (w: VueWrapper) => w.get('output[aria-label="Export preview"]').text()
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(200)
  await flushPromises()
}

describe('export dialog', () => {
  it('describes filters in words', () => {
    expect(describeFilters({ similarity: { min: 0.3 }, duration: { min: 1, max: 5 }, aesthetic: { topPercent: 20 }, text: 'dog' })).toBe('similarity ≥ 0.3, top 20 % aesthetic, duration 1–5, captions with “dog”')
    expect(describeFilters({})).toBe('none')
  })

  it("starts from the grid's status and filters and shows the count and hours before writing", async () => {
    const transport = exportTransport()
    const w = await open(transport, async () => {
      await useClipsStore().setFilter('accepted')
      const f = useFiltersStore()
      f.setRange('similarity', 0.25, null)
      await f.applyNow()
    })
    expect(transport.calls('dataset:exportPreview')).toEqual([{ status: 'accepted', filters: { similarity: { min: 0.25 } }, preset: null, div: null }])
    expect(preview(w)).toBe('120 clips · 1.25 h')
    expect(w.text()).toContain('similarity ≥ 0.25')
    expect(w.get('button[type="submit"]').attributes('disabled')).toBeDefined() // no output path yet
  })

  it('maps the presets like the CLI: FLT and DIV sample N with a seed, AES adds no sampling', async () => {
    const transport = exportTransport()
    const w = await open(transport)
    const radio = (label: string) => w.findAll('input[type="radio"]').find((r) => r.element.parentElement!.textContent!.trim().startsWith(label))!
    await radio('FLT').setValue(true)
    await settle()
    expect(transport.calls('dataset:exportPreview').at(-1)).toEqual({ status: 'all', preset: 'flt', div: { n: 10_000_000, seed: 0 } })
    expect(preview(w)).toContain('(120 selected → 36 after top % → 120 after DIV)')
    await radio('DIV').setValue(true)
    const n = w.findAll('label').find((l) => l.text().startsWith('Sample size'))!.get('input')
    await n.setValue('50')
    await settle()
    expect(transport.calls('dataset:exportPreview').at(-1)).toEqual({ status: 'all', preset: null, div: { n: 50, seed: 0 } })
    expect(preview(w)).toContain('50 clips · ≈ 1.25 h')
    await radio('AES').setValue(true)
    await settle()
    expect(transport.calls('dataset:exportPreview').at(-1)).toEqual({ status: 'all', preset: 'aes', div: null })
  })

  it('writes to the typed path as a job and reports the written file, or the stored reason it failed', async () => {
    const transport = exportTransport()
    const w = await open(transport)
    await w.get('input[type="text"]').setValue('/data/out/curated.jsonl')
    await w.findAll('input[type="checkbox"]').find((c) => c.element.parentElement!.textContent!.includes('review status'))!.setValue(true)
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(transport.calls('dataset:export')).toEqual([{ status: 'all', preset: null, div: null, out: '/data/out/curated.jsonl', format: 'jsonl', withReview: true }])
    expect(w.text()).toContain('Writing…')
    transport.emit('jobs:progress', { jobId: 99, name: 'export', status: 'done', done: 1, total: 1, unit: 'clips', rate: null, etaSeconds: null, detail: 'another export' })
    transport.emit('jobs:progress', { jobId: 31, name: 'export', status: 'done', done: 120, total: 120, unit: 'clips', rate: null, etaSeconds: null, detail: '120 clips (1.25 h) written to /data/out/curated.jsonl; manifest /data/out/curated.jsonl.manifest.json' })
    await flushPromises()
    expect(w.get('output[aria-label="Export result"]').text()).toContain('written to /data/out/curated.jsonl')

    await w.get('form').trigger('submit')
    await flushPromises()
    transport.emit('jobs:progress', { jobId: 31, name: 'export', status: 'failed', done: 0, total: 1, unit: 'clips', rate: null, etaSeconds: null })
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toBe('disk full')
  })

  it('shows why a caption search cannot be exported and does not offer to write', async () => {
    const transport = exportTransport()
    const w = await open(transport, async () => {
      const f = useFiltersStore()
      f.setText('dog')
      await f.applyNow()
    })
    await w.get('input[type="text"]').setValue('/data/out.jsonl')
    expect(w.get('[role="alert"]').text()).toContain('cannot apply a caption search')
    expect(w.get('button[type="submit"]').attributes('disabled')).toBeDefined()
    // Unticking the grid's filters exports the whole status instead.
    await w.findAll('input[type="checkbox"]')[0]!.setValue(false)
    await settle()
    expect(preview(w)).toBe('120 clips · 1.25 h')
    expect(w.get('button[type="submit"]').attributes('disabled')).toBeUndefined()
  })

  it('asks the core to cut clip files into the typed folder and shows their progress and a failed cut', async () => {
    const transport = exportTransport().respond('jobs:list', () => ok([{ id: 31, name: 'export', status: 'failed', done: 3, total: 3, error: null, createdAt: '', finishedAt: null }]))
    const w = await open(transport)
    await w.get('input[type="text"]').setValue('/data/out/curated.jsonl')
    const dir = w.get('input[aria-describedby="export-clips-help"]')
    await dir.setValue(' /data/out/clips ')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(transport.calls('dataset:export')).toEqual([
      { status: 'all', preset: null, div: null, out: '/data/out/curated.jsonl', format: 'jsonl', withReview: false, clipsDir: '/data/out/clips' },
    ])
    const written = '120 clips (1.25 h) written to /data/out/curated.jsonl; manifest /data/out/curated.jsonl.manifest.json'
    transport.emit('jobs:progress', { jobId: 31, name: 'export', status: 'running', done: 2, total: 3, unit: 'clips', rate: null, etaSeconds: null, detail: `${written}; cutting clip files into /data/out/clips` })
    await flushPromises()
    expect(w.text()).toContain('Cutting clip files… 2 / 3')
    const failed = `${written}; clip files in /data/out/clips: 2 written, 0 already there, 0 skipped (no media), 1 failed (v_0.000_1.000.mp4: ffmpeg exited 1)`
    transport.emit('jobs:progress', { jobId: 31, name: 'export', status: 'failed', done: 3, total: 3, unit: 'clips', rate: null, etaSeconds: null, detail: failed })
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toContain('1 failed (v_0.000_1.000.mp4: ffmpeg exited 1)')

    // Left empty, no folder is sent (an export of the file alone).
    await dir.setValue('')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(transport.calls('dataset:export').at(-1)).not.toHaveProperty('clipsDir')
  })
})
