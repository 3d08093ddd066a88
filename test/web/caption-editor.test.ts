import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from '../../src-renderer/src/App.vue'
import type { Envelope } from '../../src-renderer/src/api/client'
import { FakeCore } from './fake-core'
import { deferred, ok } from './fake-transport'
import { stubMediaPlayback } from './media-stub'
import { mountGlobals, setupStores } from './setup-app'

let wrapper: VueWrapper | null = null
let core: FakeCore

async function mountApp(setup: (core: FakeCore) => void = () => {}): Promise<VueWrapper> {
  core = new FakeCore()
  setup(core)
  const { client, pinia } = setupStores(core.transport)
  wrapper = mount(App, { global: mountGlobals(client, pinia), attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body): Promise<void> {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }))
  await flushPromises()
}

const editor = (w: VueWrapper) => w.get('[aria-label="Caption editor"]')
const textarea = (w: VueWrapper) => w.find<HTMLTextAreaElement>('textarea[aria-label="Caption"]')
const button = (w: VueWrapper, name: string) => w.findAll('button').find((b) => b.text() === name)!

beforeEach(() => stubMediaPlayback())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('caption editor', () => {
  it('E opens the caption for editing; Save shows "Saved" only once the core answered', async () => {
    const answer = deferred<Envelope>()
    const w = await mountApp((c) => c.transport.respond('clips:updateCaption', () => answer.promise))
    expect(editor(w).text()).toContain('caption of clip 1')

    await press('e')
    expect(textarea(w).element.value).toBe('caption of clip 1')
    expect(document.activeElement).toBe(textarea(w).element)

    await textarea(w).setValue('a yellow flower sways')
    await press('Enter', { ctrlKey: true }, textarea(w).element)
    expect(core.transport.calls('clips:updateCaption')).toEqual([{ clipId: 1, caption: 'a yellow flower sways' }])
    expect(w.find('[role="status"].saved').exists()).toBe(false)
    expect(textarea(w).exists()).toBe(true)

    answer.resolve(ok({ ...core.clips.get(1)!, caption: 'a yellow flower sways', similarity: null }))
    await flushPromises()
    expect(textarea(w).exists()).toBe(false)
    expect(editor(w).get('[role="status"]').text()).toBe('Saved')
    expect(editor(w).text()).toContain('a yellow flower sways')
  })

  it('a refused save keeps the draft open and says why', async () => {
    const w = await mountApp((c) =>
      c.transport.respond('clips:updateCaption', () => ({ ok: false, error: { code: 'conflict', message: 'project is read-only' } })),
    )
    await press('e')
    await textarea(w).setValue('my better caption')
    await button(w, 'Save').trigger('click')
    await flushPromises()
    expect(textarea(w).element.value).toBe('my better caption')
    expect(w.get('[role="alert"]').text()).toContain('project is read-only')
    expect(w.text()).not.toContain('Saved')
  })

  it('Esc cancels without writing and the saved history lists the edit after a save', async () => {
    const w = await mountApp()
    await press('e')
    await textarea(w).setValue('discarded')
    await press('Escape', {}, textarea(w).element)
    expect(textarea(w).exists()).toBe(false)
    expect(core.transport.calls('clips:updateCaption')).toEqual([])

    await press('e')
    await textarea(w).setValue('kept')
    await button(w, 'Save').trigger('click')
    await flushPromises()
    const history = w.get('[aria-label="History"]')
    expect(history.text()).toContain('caption edited')
    expect(history.text()).toContain('kept')
    expect(history.text()).toContain('original caption')
  })

  it('shows a missing model or embedding quietly, not as an error', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const w = await mountApp()
    await press('e')
    vi.advanceTimersByTime(250)
    await flushPromises()
    expect(w.get('[aria-label="Live similarity"]').text()).toBe('similarity unavailable: ViCLIP is not installed')
    expect(w.find('[role="alert"]').exists()).toBe(false)
  })

  it('diffs the text against the fine model caption and lists the coarse and frame captions', async () => {
    const w = await mountApp((c) => {
      c.clips.set(1, { ...c.clips.get(1)!, caption: 'a yellow flower sways' })
      c.modelCaptions = [
        { scale: 'coarse', text: 'a plant outdoors', modelId: 'blip2', frameIndex: null, frameTimeS: 1, promptVersion: null },
        { scale: 'frame', text: 'petals close up', modelId: 'blip2', frameIndex: 3, frameTimeS: 3.5, promptVersion: null },
        { scale: 'fine', text: 'a red flower sways', modelId: 'vicuna', frameIndex: null, frameTimeS: null, promptVersion: 'fine-summary-v1' },
      ]
    })
    const models = w.get('[aria-label="Model captions"]')
    expect(models.text()).toContain('fine (summary) · vicuna, prompt fine-summary-v1')
    expect(models.get('del').text()).toBe('red')
    expect(models.get('ins').text()).toBe('yellow')
    expect(models.text()).toContain('a plant outdoors')
    expect(models.text()).toContain('frame at 3.5 s · blip2')

    await press('e')
    await textarea(w).setValue('a red flower sways')
    expect(models.find('del').exists()).toBe(false)
    expect(models.text()).toContain('Same as the model caption')
  })

  it('Revert writes the caption of that history entry', async () => {
    const w = await mountApp((c) => {
      c.history.set(1, [
        { id: 2, kind: 'caption', action: 'edit', valueBefore: 'second', valueAfter: 'caption of clip 1', reason: null, reviewer: 'ada', createdAt: '2026-11-21T06:01:00Z' },
        { id: 1, kind: 'caption', action: 'edit', valueBefore: 'first', valueAfter: 'second', reason: null, reviewer: 'bo', createdAt: '2026-11-21T06:00:00Z' },
      ])
    })
    const items = w.get('[aria-label="History"]').findAll('li')
    expect(items).toHaveLength(3)
    expect(items[0]!.get('button').attributes('disabled')).toBeDefined()
    await items[1]!.get('button').trigger('click')
    await flushPromises()
    expect(core.transport.calls('clips:updateCaption')).toEqual([{ clipId: 1, caption: 'second' }])
    expect(editor(w).text()).toContain('second')
    await w.get('[aria-label="History"]').findAll('li').at(-1)!.get('button').trigger('click')
    await flushPromises()
    expect(core.transport.calls('clips:updateCaption').at(-1)).toEqual({ clipId: 1, caption: 'first' })
  })

  it('moving to another clip mid-edit keeps the unsaved draft and restores it on return', async () => {
    const w = await mountApp()
    const card = (id: number) => w.get(`[role="option"][aria-label="Clip ${id}"]`)
    await press('e')
    await textarea(w).setValue('half-written caption')
    await card(2).trigger('click')
    await flushPromises()
    expect(textarea(w).exists()).toBe(false)
    expect(editor(w).text()).toContain('caption of clip 2')
    await card(1).trigger('click')
    await flushPromises()
    expect(textarea(w).element.value).toBe('half-written caption')
    expect(core.transport.calls('clips:updateCaption')).toEqual([])
  })
})
