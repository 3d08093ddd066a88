import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobDto } from '../../src-main/api/contract'
import JobsPanel from '../../src-renderer/src/components/jobs/JobsPanel.vue'
import { formatEta, formatRate, percentDone, stageLabel } from '../../src-renderer/src/components/jobs/job-format'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { useFiltersStore } from '../../src-renderer/src/stores/filters'
import { FakeTransport, ok } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const job = (id: number, name: string, over: Partial<JobDto> = {}): JobDto => ({
  id, name, status: 'done', done: 10, total: 10, error: null, createdAt: '2026-11-21T06:00:00.000Z', finishedAt: null, ...over,
})

async function setup(jobs: JobDto[], kinds = ['ingest', 'similarity', 'aesthetic', 'import', 'export', 'caption']) {
  let list = jobs
  let nextId = 100
  const transport = new FakeTransport()
    .respond('jobs:kinds', () => ok(kinds))
    .respond('jobs:list', () => ok(list))
    .respond('jobs:start', () => ok({ jobId: ++nextId }))
    .respond('jobs:resume', () => ok({ jobId: ++nextId }))
    .respond('jobs:cancel', (raw) => ok({ cancelled: (raw as { jobId: number }).jobId !== 404 }))
    .respond('dataset:import', () => ok({ jobId: ++nextId }))
  const { client, pinia } = setupStores(transport)
  const w = mount(JobsPanel, { global: mountGlobals(client, pinia), attachTo: document.body })
  mounted = w
  await flushPromises()
  return { w, transport, setList: (next: JobDto[]) => (list = next) }
}

const row = (w: VueWrapper, label: string) => w.get(`[role="group"][aria-label="${label}"]`)
const button = (w: VueWrapper, name: string) => w.get(`button[aria-label="${name}"]`)

describe('job formatting', () => {
  it('names known and unknown kinds, rates per unit, ETAs and percent (unknown total: none)', () => {
    expect(stageLabel('similarity')).toBe('Similarity (ViCLIP)')
    expect(stageLabel('transcode')).toBe('Transcode')
    expect(formatRate(12.345, 'clips')).toBe('12.3 clips/s')
    expect(formatRate(1234.5, 'frames')).toBe('1,235 frames/s')
    expect(formatRate(null, 'clips')).toBeNull()
    expect(formatEta(4.4)).toBe('ETA 4 s')
    expect(formatEta(125)).toBe('ETA 2 min 05 s')
    expect(formatEta(3780)).toBe('ETA 1 h 03 min')
    expect(percentDone(5, 20)).toBe(25)
    expect(percentDone(30, 0)).toBeNull()
  })
})

describe('Jobs panel', () => {
  it('shows one row per kind the core runs, a kind it does not know included, each with its newest job', async () => {
    const { w } = await setup([job(3, 'similarity', { status: 'failed', done: 0, total: 0, error: 'model "viclip-l14-hf" is not installed' }), job(2, 'ingest'), job(1, 'similarity')])
    const labels = w.findAll('[role="group"]').map((g) => g.attributes('aria-label'))
    expect(labels).toEqual(['Ingest (scene cuts, frames)', 'Similarity (ViCLIP)', 'Aesthetic (LAION)', 'Import JSONL', 'Export', 'Captions'])
    const sim = row(w, 'Similarity (ViCLIP)')
    expect(sim.get('output').text()).toBe('failed')
    expect(sim.text()).toContain('model "viclip-l14-hf" is not installed')
    expect(row(w, 'Aesthetic (LAION)').get('output').text()).toBe('never run')
    // Kinds with their own form (paths, a file, the export dialog) have no bare Start.
    expect(w.find('button[aria-label="Start Ingest (scene cuts, frames)"]').exists()).toBe(false)
    expect(w.find('button[aria-label="Start Captions"]').exists()).toBe(true)
  })

  it('follows progress events with a bar, rate and ETA, and cancels the running job', async () => {
    const { w, transport } = await setup([job(7, 'aesthetic', { status: 'running', done: 0, total: 0 })])
    transport.emit('jobs:progress', { jobId: 7, name: 'aesthetic', status: 'running', done: 30, total: 120, unit: 'clips', rate: 12.5, etaSeconds: 7.2 })
    await flushPromises()
    const aes = row(w, 'Aesthetic (LAION)')
    expect(aes.get('progress').attributes('value')).toBe('25')
    expect(aes.text()).toContain('30 / 120 clips')
    expect(aes.text()).toContain('12.5 clips/s')
    expect(aes.text()).toContain('ETA 7 s')
    await button(w, 'Cancel Aesthetic (LAION)').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:cancel')).toEqual([{ jobId: 7 }])
  })

  it('captions only what the grid shows when a filter or status is set (the default), or everything when unticked', async () => {
    const { w, transport } = await setup([])
    const filters = useFiltersStore()
    const clips = useClipsStore()
    filters.applied = { similarity: { min: 0.2 } }
    clips.statusFilter = 'accepted'
    await flushPromises()
    const scope = w.findAll('label').find((l) => l.text().startsWith('Caption only the clips the grid shows'))!.get('input')
    expect((scope.element as HTMLInputElement).checked).toBe(true)
    await button(w, 'Start Captions').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:start')).toEqual([{ request: { name: 'caption', data: { filters: { similarity: { min: 0.2 } }, status: 'accepted' } } }])
    await scope.setValue(false)
    await button(w, 'Start Captions').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:start')[1]).toEqual({ request: { name: 'caption', data: {} } })
  })

  it('starts a stage, resumes a failed one, and offers Resume for a row the core found interrupted', async () => {
    const { w, transport, setList } = await setup([job(5, 'ingest', { status: 'running', done: 3, total: 9 }), job(404, 'aesthetic', { status: 'running' }), job(4, 'similarity', { status: 'cancelled' })])
    await button(w, 'Start Captions').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:start')).toEqual([{ request: { name: 'caption', data: {} } }])
    await button(w, 'Resume Similarity (ViCLIP)').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:resume')).toEqual([{ jobId: 4 }])
    // Its process was killed: cancel finds no worker, and the re-read list has the core's verdict.
    transport.emit('jobs:progress', { jobId: 404, name: 'aesthetic', status: 'running', done: 2, total: 8, unit: 'clips', rate: null, etaSeconds: null })
    const stopped = 'interrupted: the process running it (pid 4242) stopped before the job finished; resume it (or run the same command again) to go on where it stopped'
    setList([job(404, 'aesthetic', { status: 'interrupted', error: stopped })])
    await button(w, 'Cancel Aesthetic (LAION)').trigger('click')
    await flushPromises()
    // The row wins over the dead process's last 'running' event.
    expect(row(w, 'Aesthetic (LAION)').get('output').text()).toBe('interrupted')
    expect(row(w, 'Aesthetic (LAION)').text()).toContain(stopped)
    await button(w, 'Resume Aesthetic (LAION)').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:resume')).toEqual([{ jobId: 4 }, { jobId: 404 }])
  })

  it('does not offer Resume for a job another live process is running, and says where to stop it', async () => {
    const { w } = await setup([job(404, 'aesthetic', { status: 'running' })])
    await button(w, 'Cancel Aesthetic (LAION)').trigger('click')
    await flushPromises()
    expect(row(w, 'Aesthetic (LAION)').get('output').text()).toBe('running')
    expect(w.find('button[aria-label="Resume Aesthetic (LAION)"]').exists()).toBe(false)
    expect(w.get('[role="alert"]').text()).toBe('job 404 is running in another vicurate process (a command in a terminal?); stop it there')
  })

  it('adds videos from a typed path and imports a JSONL with an optional video folder', async () => {
    const { w, transport } = await setup([])
    const add = w.get('form[aria-label="Add videos"]')
    await add.get('input[type="text"]').setValue('  /data/videos ')
    await add.get('input[type="checkbox"]').setValue(false)
    await add.trigger('submit')
    await flushPromises()
    expect(transport.calls('jobs:start')).toEqual([{ request: { name: 'ingest', data: { paths: ['/data/videos'], recursive: false } } }])

    const imp = w.get('form[aria-label="Import JSONL"]')
    const [file, root] = imp.findAll('input[type="text"]')
    await file!.setValue('/data/flt.jsonl')
    await imp.trigger('submit')
    await root!.setValue('/data/videos')
    await imp.trigger('submit')
    await flushPromises()
    expect(transport.calls('dataset:import')).toEqual([{ file: '/data/flt.jsonl' }, { file: '/data/flt.jsonl', videoRoot: '/data/videos' }])
    expect(transport.calls('jobs:list').length).toBeGreaterThanOrEqual(4) // re-read after each start
  })

  it('re-reads the list when a job started elsewhere reports, and shows the error of a start the core refused', async () => {
    const { w, transport, setList } = await setup([])
    const reads = transport.calls('jobs:list').length
    setList([job(9, 'similarity', { status: 'running', done: 1, total: 4 })])
    transport.emit('jobs:progress', { jobId: 9, name: 'similarity', status: 'running', done: 1, total: 4, unit: 'clips', rate: null, etaSeconds: null })
    await flushPromises()
    expect(transport.calls('jobs:list').length).toBe(reads + 1)
    expect(row(w, 'Similarity (ViCLIP)').get('output').text()).toBe('running')
    transport.respond('jobs:start', () => ({ ok: false, error: { code: 'conflict', message: 'a caption job is already running' } }))
    await button(w, 'Start Captions').trigger('click')
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toBe('a caption job is already running')
  })

  it('sends the media-name pattern with the import and shows the core\'s refusal of a bad one in the form', async () => {
    const { w, transport } = await setup([])
    const imp = w.get('form[aria-label="Import JSONL"]')
    const pattern = imp.get<HTMLInputElement>('input[aria-describedby="import-pattern-help"]')
    // The placeholder is the core's default (test/unit/api/dataset-job-requests checks they agree); the help names every token.
    expect(pattern.attributes('placeholder')).toBe('{root}/{YoutubeID}.mp4')
    for (const token of ['{root}', '{YoutubeID}', '{start}', '{end}', '{start_s}', '{end_s}']) expect(imp.get('#import-pattern-help').text()).toContain(token)
    expect(pattern.element.disabled).toBe(true) // a pattern names files inside the video folder

    transport.respond('dataset:import', () => ({ ok: false, error: { code: 'bad_request', message: 'media-name pattern: pattern "{root}/{id}.mp4" must contain {YoutubeID}' } }))
    const [file, root] = imp.findAll('input[type="text"]')
    await file!.setValue('/data/flt.jsonl')
    await root!.setValue('/data/videos')
    await pattern.setValue('{root}/{id}.mp4')
    await imp.trigger('submit')
    await flushPromises()
    expect(transport.calls('dataset:import')).toEqual([{ file: '/data/flt.jsonl', videoRoot: '/data/videos', pattern: '{root}/{id}.mp4' }])
    expect(imp.get('[role="alert"]').text()).toContain('must contain {YoutubeID}')
    expect(w.findAll('[role="alert"]')).toHaveLength(1)

    transport.respond('dataset:import', () => ok({ jobId: 7 }))
    await pattern.setValue('{root}/{YoutubeID}_{start}_{end}.mp4')
    await imp.trigger('submit')
    await flushPromises()
    expect(transport.calls('dataset:import').at(-1)).toEqual({ file: '/data/flt.jsonl', videoRoot: '/data/videos', pattern: '{root}/{YoutubeID}_{start}_{end}.mp4' })
    expect(imp.find('[role="alert"]').exists()).toBe(false)
  })
})
