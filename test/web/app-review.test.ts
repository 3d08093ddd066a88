import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DecideArgs } from '../../src-main/api/contract'
import App from '../../src-renderer/src/App.vue'
import { FakeTransport, clip, ok, projectInfo } from './fake-transport'
import { stubMediaPlayback } from './media-stub'
import { mountGlobals, setupStores } from './setup-app'

const STATUS = { accept: 'accepted', reject: 'rejected', reset: 'pending' } as const

function reviewTransport(): FakeTransport {
  return new FakeTransport('http')
    .respond('project:info', () => ok(projectInfo()))
    .respond('clips:list', () => ok({ items: [clip(1), clip(2, { hasThumbnail: false }), clip(3)], nextCursor: null }))
    .respond('clips:decide', (raw) => {
      const { clipId, action } = raw as DecideArgs
      return ok(clip(clipId, { status: STATUS[action] }))
    })
}

let wrapper: VueWrapper | null = null
let transport: FakeTransport
let media: ReturnType<typeof stubMediaPlayback>

async function mountApp(): Promise<VueWrapper> {
  const { client, pinia } = setupStores((transport = reviewTransport()))
  wrapper = mount(App, { global: mountGlobals(client, pinia), attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function press(key: string, target: EventTarget = document.body): Promise<void> {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
  await flushPromises()
}

function option(w: VueWrapper, id: number) {
  return w.get(`[role="listbox"][aria-label="Clips"] [role="option"][aria-label="Clip ${id}"]`)
}

function clipStatus(w: VueWrapper): string {
  return w.get('[aria-label="Clip status"]').text()
}

beforeEach(() => {
  media = stubMediaPlayback()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
})

describe('review screen', () => {
  it('lists clips with posters only where one exists and selects the first clip', async () => {
    const w = await mountApp()
    expect(w.findAll('[role="option"]')).toHaveLength(3)
    expect(option(w, 1).attributes('aria-selected')).toBe('true')
    expect(option(w, 2).attributes('aria-selected')).toBe('false')
    expect(option(w, 1).find('img').attributes('src')).toBe('/media/thumb/1')
    expect(option(w, 1).find('img').attributes('loading')).toBe('lazy')
    expect(option(w, 2).find('img').exists()).toBe(false)
    expect(option(w, 1).text()).toContain('00:00:02.000–00:00:03.500')
    expect(w.get('video[aria-label="Clip player"]').attributes('src')).toBe('/media/video/1')
    expect(clipStatus(w)).toBe('pending')
  })

  it('the status filter reloads the list from the first page with the chosen status', async () => {
    const w = await mountApp()
    const radio = w.get('fieldset input[type="radio"][value="rejected"]')
    expect(radio.element.closest('label')!.textContent).toContain('Rejected')
    await radio.setValue(true)
    await flushPromises()
    expect(transport.calls('clips:list').at(-1)).toEqual({ status: 'rejected', limit: 100, cursor: null })
  })

  it('selects a clip when its card is clicked', async () => {
    const w = await mountApp()
    await option(w, 3).trigger('click')
    expect(option(w, 3).attributes('aria-selected')).toBe('true')
    expect(option(w, 1).attributes('aria-selected')).toBe('false')
  })

  it('A and R decide the selected clip and the status follows the core answer', async () => {
    const w = await mountApp()
    await press('a')
    expect(transport.calls('clips:decide')).toEqual([{ clipId: 1, action: 'accept' }])
    expect(clipStatus(w)).toBe('accepted')
    expect(option(w, 1).text()).toContain('accepted')

    // R opens the reason chooser; R again rejects without a reason.
    await press('R')
    expect(transport.calls('clips:decide')).toHaveLength(1)
    await press('r')
    expect(transport.calls('clips:decide')).toEqual([
      { clipId: 1, action: 'accept' },
      { clipId: 1, action: 'reject' },
    ])
    expect(clipStatus(w)).toBe('rejected')
  })

  it('the Accept, Reject and Reset buttons decide the selected clip', async () => {
    const w = await mountApp()
    const byName = (name: string) => w.findAll('button').find((b) => b.text().replace(/[A-Z]$/, '') === name)!
    await byName('Reject').trigger('click')
    await flushPromises()
    expect(clipStatus(w)).toBe('rejected')
    await byName('Reset').trigger('click')
    await flushPromises()
    expect(transport.calls('clips:decide').at(-1)).toEqual({ clipId: 1, action: 'reset' })
    expect(clipStatus(w)).toBe('pending')
  })

  it('J and K move the selection to the next and previous clip', async () => {
    const w = await mountApp()
    await press('j')
    await press('j')
    expect(option(w, 3).attributes('aria-selected')).toBe('true')
    await press('k')
    expect(option(w, 2).attributes('aria-selected')).toBe('true')
    await press('a')
    expect(transport.calls('clips:decide')).toEqual([{ clipId: 2, action: 'accept' }])
  })

  it('Space plays and pauses the selected clip', async () => {
    const w = await mountApp()
    await press(' ')
    expect(media.play).toHaveBeenCalledTimes(1)
    expect(w.findAll('button').some((b) => b.text() === 'Pause')).toBe(true)
    await press(' ')
    expect(media.pause).toHaveBeenCalled()
  })

  it('ignores shortcuts while typing in a text field', async () => {
    await mountApp()
    const input = document.createElement('input')
    input.type = 'text'
    document.body.appendChild(input)
    await press('a', input)
    await press('j', input)
    input.remove()
    expect(transport.calls('clips:decide')).toEqual([])
  })

  it('ignores shortcuts with modifier keys and key repeats of decisions', async () => {
    await mountApp()
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', ctrlKey: true, bubbles: true }))
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', repeat: true, bubbles: true }))
    await flushPromises()
    expect(transport.calls('clips:decide')).toEqual([])
  })

  it('shows the shortcut list on ? and suspends shortcuts while it is open', async () => {
    const w = await mountApp()
    await press('?')
    expect(w.get('[role="dialog"]').text()).toContain('Accept the selected clip')
    await press('a')
    expect(transport.calls('clips:decide')).toEqual([])
    await press('?')
    expect(w.find('[role="dialog"]').exists()).toBe(false)
  })

  it('the status bar shows the project, counts, connection and transport', async () => {
    const w = await mountApp()
    const bar = w.get('[role="status"][aria-label="Project status"]')
    expect(bar.text()).toContain('flowers')
    expect(bar.text()).toContain('3 pending')
    expect(bar.text()).toContain('connected · browser (HTTP)')
    expect(bar.text()).toContain('Reviewer: ada')
    transport.setState('closed')
    await flushPromises()
    expect(bar.text()).toContain('disconnected')
  })
})
