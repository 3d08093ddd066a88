import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from '../../src-renderer/src/App.vue'
import { FakeCore } from './fake-core'
import { stubMediaPlayback } from './media-stub'
import { mountGlobals, setupStores } from './setup-app'

let wrapper: VueWrapper | null = null
let core: FakeCore
let media: ReturnType<typeof stubMediaPlayback>

async function mountApp(): Promise<VueWrapper> {
  core = new FakeCore()
  const { client, pinia } = setupStores(core.transport)
  wrapper = mount(App, { global: mountGlobals(client, pinia), attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function press(key: string, init: KeyboardEventInit = {}): Promise<void> {
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }))
  await flushPromises()
}

const chooser = (w: VueWrapper) => w.find('[role="dialog"][aria-label="Rejection reason"]')
const status = (w: VueWrapper) => w.get('[aria-label="Clip status"]').text()
const selectedId = (w: VueWrapper) => w.get('[role="option"][aria-selected="true"]').attributes('aria-label')

beforeEach(() => {
  localStorage.clear()
  media = stubMediaPlayback()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
})

describe('keyboard triage', () => {
  it('R opens the reason chooser and 2 rejects with "watermark / text overlay"', async () => {
    const w = await mountApp()
    await press('r')
    expect(chooser(w).text()).toContain('2 watermark / text overlay')
    expect(core.transport.calls('clips:decide')).toEqual([])
    await press('2')
    expect(core.transport.calls('clips:decide')).toEqual([{ clipId: 1, action: 'reject', reason: 'watermark / text overlay' }])
    expect(chooser(w).exists()).toBe(false)
    expect(status(w)).toBe('rejected')
    expect(w.get('[aria-label="History"]').text()).toContain('reason: watermark / text overlay')
  })

  it('Esc closes the chooser without a decision; digits do nothing without it', async () => {
    const w = await mountApp()
    await press('3')
    await press('r')
    await press('Escape')
    expect(chooser(w).exists()).toBe(false)
    await press('3')
    expect(core.transport.calls('clips:decide')).toEqual([])
  })

  it('the chooser also works with the mouse', async () => {
    const w = await mountApp()
    await w.findAll('button').find((b) => b.text() === 'Reject with reason…')!.trigger('click')
    await chooser(w).findAll('button').find((b) => b.text().includes('NSFW'))!.trigger('click')
    await flushPromises()
    expect(core.transport.calls('clips:decide')).toEqual([{ clipId: 1, action: 'reject', reason: 'NSFW' }])
  })

  it('Ctrl+Z undoes decisions back to the previous status and Ctrl+Shift+Z redoes', async () => {
    const w = await mountApp()
    await press('a')
    await press('r')
    await press('7')
    expect(status(w)).toBe('rejected')

    await press('z', { ctrlKey: true })
    expect(core.transport.calls('clips:decide').at(-1)).toEqual({ clipId: 1, action: 'accept' })
    expect(status(w)).toBe('accepted')
    await press('z', { ctrlKey: true })
    expect(core.transport.calls('clips:decide').at(-1)).toEqual({ clipId: 1, action: 'reset' })
    expect(status(w)).toBe('pending')

    await press('Z', { ctrlKey: true, shiftKey: true })
    expect(status(w)).toBe('accepted')
    await press('Z', { ctrlKey: true, shiftKey: true })
    expect(core.transport.calls('clips:decide').at(-1)).toEqual({ clipId: 1, action: 'reject', reason: 'duplicate' })
    expect(status(w)).toBe('rejected')
  })

  it('Ctrl+Z undoes a caption edit by writing the text from before', async () => {
    const w = await mountApp()
    await press('e')
    await w.get('textarea[aria-label="Caption"]').setValue('edited text')
    await w.findAll('button').find((b) => b.text() === 'Save')!.trigger('click')
    await flushPromises()
    await press('z', { ctrlKey: true })
    expect(core.transport.calls('clips:updateCaption')).toEqual([
      { clipId: 1, caption: 'edited text' },
      { clipId: 1, caption: 'caption of clip 1' },
    ])
    expect(w.get('[aria-label="Caption editor"]').text()).toContain('caption of clip 1')
  })

  it('with auto-advance on, a decision selects and plays the next clip; undo goes back to it', async () => {
    const w = await mountApp()
    const toggle = w.get('input[type="checkbox"]')
    expect(toggle.element.closest('label')!.textContent).toContain('Auto-advance')
    await toggle.setValue(true)
    expect(localStorage.getItem('vicurate.autoAdvance')).toBe('true')

    await press('a')
    expect(selectedId(w)).toBe('Clip 2')
    expect(media.play).toHaveBeenCalled()
    await press('r')
    await press('1')
    expect(selectedId(w)).toBe('Clip 3')

    await press('z', { ctrlKey: true })
    expect(selectedId(w)).toBe('Clip 2')
    expect(status(w)).toBe('pending')
  })

  it('without auto-advance the selection stays on the decided clip', async () => {
    const w = await mountApp()
    await press('a')
    expect(selectedId(w)).toBe('Clip 1')
    expect(media.play).not.toHaveBeenCalled()
  })

  it('the auto-advance choice survives a restart (localStorage)', async () => {
    localStorage.setItem('vicurate.autoAdvance', 'true')
    const w = await mountApp()
    expect((w.get('input[type="checkbox"]').element as HTMLInputElement).checked).toBe(true)
  })

  it('the help overlay lists the rejection reasons and the new keys from the one table', async () => {
    const w = await mountApp()
    await press('?')
    const help = w.get('[role="dialog"][aria-labelledby="shortcut-help-title"]').text()
    for (const text of ['R 2', 'Reject: watermark / text overlay', 'R 9', 'Ctrl+Z', 'Ctrl+Shift+Z', 'Edit the caption']) expect(help).toContain(text)
  })
})

describe('reviewer name', () => {
  it('shows the reviewer from settings and saves a new name through the core', async () => {
    const w = await mountApp()
    const toggle = w.findAll('button').find((b) => b.text().startsWith('Reviewer:'))!
    expect(toggle.text()).toBe('Reviewer: ada')
    await toggle.trigger('click')
    const input = w.get('[role="dialog"][aria-label="Reviewer settings"] input')
    expect(input.element.closest('label')!.textContent).toContain('Reviewer name')
    await input.setValue('grace')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(core.transport.calls('settings:update')).toEqual([{ reviewer: 'grace' }])
    expect(w.find('[aria-label="Reviewer settings"]').exists()).toBe(false)
    expect(w.findAll('button').find((b) => b.text().startsWith('Reviewer:'))!.text()).toBe('Reviewer: grace')
  })
})

describe('sort', () => {
  it('the Sort select reloads the list from the first page with the chosen key and order', async () => {
    const w = await mountApp()
    const select = w.findAll('label').find((l) => l.text().startsWith('Sort'))!.get('select')
    await select.setValue('similarity:desc')
    await flushPromises()
    expect(core.transport.calls('clips:list').at(-1)).toEqual({ status: 'all', sort: 'similarity', order: 'desc', limit: 100, cursor: null })
  })
})
