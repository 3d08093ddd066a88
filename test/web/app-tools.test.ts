import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from '../../src-renderer/src/App.vue'
import { FakeTransport, clip, ok, projectInfo } from './fake-transport'
import { stubMediaPlayback } from './media-stub'
import { mountGlobals, setupStores } from './setup-app'

let wrapper: VueWrapper | null = null
let transport: FakeTransport

async function mountApp(): Promise<VueWrapper> {
  transport = new FakeTransport('http')
    .respond('project:info', () => ok(projectInfo()))
    .respond('clips:list', () => ok({ items: [clip(1), clip(2)], nextCursor: null }))
    .respond('clips:decide', () => ok(clip(1, { status: 'accepted' })))
    .respond('jobs:kinds', () => ok(['ingest', 'similarity']))
    .respond('jobs:list', () => ok([]))
    .respond('settings:pipeline', () => ok({ provider: 'auto', threads: null, batchSize: 4, aggregation: 'max', clipRules: { minS: 1, short: 'merge', maxS: 120, long: 'split' } }))
    .respond('models:list', () => ok({ root: '/m', provider: { setting: 'auto', active: 'cpu', fallbackReason: 'no CUDA' }, models: [] }))
    .respond('dataset:exportPreview', () => ok({ counts: { filtered: 2, afterTopPercent: 2, afterDiv: 2 }, clips: 2, hours: 0.01, hoursEstimated: false }))
  const { client, pinia } = setupStores(transport)
  wrapper = mount(App, { global: mountGlobals(client, pinia), attachTo: document.body })
  await flushPromises()
  return wrapper
}

const toolButton = (w: VueWrapper, name: string) => w.get('nav[aria-label="Tools"]').findAll('button').find((b) => b.text() === name)!

async function press(key: string): Promise<void> {
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
  await flushPromises()
}

beforeEach(() => stubMediaPlayback())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
})

describe('tool panels in the review screen', () => {
  it('opens one tool drawer at a time from the toolbar and hands focus back on Close', async () => {
    const w = await mountApp()
    const jobs = toolButton(w, 'Jobs')
    ;(jobs.element as HTMLButtonElement).focus()
    await jobs.trigger('click')
    await flushPromises()
    expect(w.get('aside[aria-label="Jobs"]').text()).toContain('Similarity (ViCLIP)')
    expect(jobs.attributes('aria-expanded')).toBe('true')
    await toolButton(w, 'Models').trigger('click')
    await flushPromises()
    expect(w.find('aside[aria-label="Jobs"]').exists()).toBe(false)
    expect(w.get('output[aria-label="Execution provider"]').text()).toContain('no CUDA')
    await w.get('button[aria-label="Close Models"]').trigger('click')
    await flushPromises()
    expect(w.find('#tool-drawer').exists()).toBe(false)
    expect(document.activeElement).toBe(jobs.element)
    // The review keys still work with a drawer closed (and open: it is not modal).
    await press('a')
    expect(transport.calls('clips:decide')).toHaveLength(1)
  })

  it('the export dialog is modal: review keys do nothing behind it, Escape closes it', async () => {
    const w = await mountApp()
    await toolButton(w, 'Export…').trigger('click')
    await flushPromises()
    const dialog = w.get('[role="dialog"][aria-labelledby="export-title"]')
    expect(dialog.get('output[aria-label="Export preview"]').text()).toBe('2 clips · 0.01 h')
    await press('a')
    expect(transport.calls('clips:decide')).toEqual([])
    await dialog.trigger('keydown', { key: 'Escape' })
    await flushPromises()
    expect(w.find('[aria-labelledby="export-title"]').exists()).toBe(false)
    await press('a')
    expect(transport.calls('clips:decide')).toHaveLength(1)
  })
})
