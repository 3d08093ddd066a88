import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MediaStatus } from '../../src-main/api/contract'
import App from '../../src-renderer/src/App.vue'
import ClipPlayer from '../../src-renderer/src/components/player/ClipPlayer.vue'
import { FakeCore } from './fake-core'
import { clip, ok } from './fake-transport'
import { stubMediaPlayback } from './media-stub'
import { mountGlobals, setupStores } from './setup-app'

const AVI = 'browsers cannot open the AVI container'
const status = (videoId: number, over: Partial<MediaStatus>): MediaStatus => ({ videoId, state: 'ready', proxy: false, reason: null, progress: null, revision: null, ...over })

let media: ReturnType<typeof stubMediaPlayback>
let wrapper: VueWrapper | null = null
beforeEach(() => {
  media = stubMediaPlayback()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.restoreAllMocks()
})

const button = (w: VueWrapper, name: string) => w.findAll('button').find((b) => b.text() === name)!
const playerStatus = (w: VueWrapper) => w.find('[role="status"][aria-label="Player status"]')

describe('ClipPlayer while a playable copy is made', () => {
  it('says so in a status region with its progress and reason, and keeps every control disabled', async () => {
    wrapper = mount(ClipPlayer, {
      props: { clip: clip(4), src: null, poster: null, media: status(1, { state: 'preparing', proxy: true, reason: AVI, progress: 0.42 }) },
      attachTo: document.body,
    })
    const region = playerStatus(wrapper)
    expect(region.exists()).toBe(true)
    expect(region.text()).toContain('Preparing a playable copy…')
    expect(region.text()).toContain('42 %')
    expect(region.text()).toContain(AVI)
    expect(region.get('progress').attributes('value')).toBe('42')
    expect(wrapper.get('video').attributes('src')).toBeUndefined()
    expect(button(wrapper, 'Play').attributes('disabled')).toBeDefined()
    expect(wrapper.get('input[aria-label="Position in clip"]').attributes('disabled')).toBeDefined()
    ;(wrapper.vm as unknown as { toggle: () => void }).toggle()
    expect(media.play).not.toHaveBeenCalled()

    // Waiting behind another video's copy: no percentage to show yet, the bar is indeterminate.
    await wrapper.setProps({ media: status(1, { state: 'preparing', proxy: true, reason: AVI }) })
    expect(playerStatus(wrapper).text()).toContain('waiting for another video')
    expect(playerStatus(wrapper).get('progress').attributes('value')).toBeUndefined()
  })

  it('shows why a copy could not be made, as an alert', async () => {
    wrapper = mount(ClipPlayer, {
      props: { clip: clip(4), src: null, poster: null, media: status(1, { state: 'failed', proxy: true, reason: 'no picture could be decoded from the source (the file is damaged or not a video)' }) },
    })
    expect(playerStatus(wrapper).exists()).toBe(false)
    expect(wrapper.get('[role="alert"]').text()).toBe('This video cannot be played: no picture could be decoded from the source (the file is damaged or not a video).')
    expect(button(wrapper, 'Play').attributes('disabled')).toBeDefined()
  })
})

describe('review screen with a video that needs a proxy', () => {
  /** Clip 1 is of a playable video (1); clip 2 of an AVI (video 2) whose copy the core is making. */
  async function mountApp() {
    const core = new FakeCore()
    core.clips.set(2, { ...core.clips.get(2)!, videoId: 2, sourceId: 'legacy.avi' })
    core.transport.respond('media:prepare', (raw) => {
      const { videoId } = raw as { videoId: number }
      return ok(videoId === 2 ? status(2, { state: 'preparing', proxy: true, reason: AVI, progress: 0 }) : status(videoId, {}))
    })
    const { client, pinia } = setupStores(core.transport)
    wrapper = mount(App, { global: mountGlobals(client, pinia), attachTo: document.body })
    await flushPromises()
    return { w: wrapper, core }
  }

  it('asks before loading, shows "Preparing…" with live progress, then plays the proxy', async () => {
    const { w, core } = await mountApp()
    const video = w.get('video[aria-label="Clip player"]')
    expect(video.attributes('src')).toBe('/media/video/1')
    const el = video.element as HTMLVideoElement
    el.dispatchEvent(new Event('loadedmetadata'))
    await button(w, 'Play').trigger('click')
    expect(media.play).toHaveBeenCalledTimes(1)

    // J: the next clip is of the AVI. The old video must not go on playing behind the overlay.
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }))
    await flushPromises()
    expect(core.transport.calls('media:prepare')).toEqual([{ videoId: 1 }, { videoId: 2 }])
    expect(playerStatus(w).text()).toContain('Preparing a playable copy…')
    expect(video.attributes('src')).toBeUndefined()
    expect(media.load).toHaveBeenCalledTimes(1)
    expect(el.paused).toBe(true)

    core.transport.emit('media:status', status(2, { state: 'preparing', proxy: true, reason: AVI, progress: 0.5 }))
    await flushPromises()
    expect(playerStatus(w).get('progress').attributes('value')).toBe('50')

    core.transport.emit('media:status', status(2, { proxy: true, reason: AVI, revision: 'r1' }))
    await flushPromises()
    expect(playerStatus(w).exists()).toBe(false)
    // A new URL per proxy revision, so no cached bytes of another file are reused.
    expect(video.attributes('src')).toBe('/media/video/2?rev=r1')
    // It was playing when the clip changed: it plays on once the proxy has loaded, from the clip start.
    el.dispatchEvent(new Event('loadedmetadata'))
    await flushPromises()
    expect(media.play).toHaveBeenCalledTimes(2)
    expect(el.currentTime).toBe(core.clips.get(2)!.startS)

    // Back and forth between the two videos asks the core no more: both answers are settled.
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', bubbles: true }))
    await flushPromises()
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }))
    await flushPromises()
    expect(core.transport.calls('media:prepare')).toHaveLength(2)
    expect(video.attributes('src')).toBe('/media/video/2?rev=r1')
  })

  it('asks again after a reconnect while a copy was being made (its events may be lost)', async () => {
    const { w, core } = await mountApp()
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }))
    await flushPromises()
    expect(playerStatus(w).exists()).toBe(true)
    core.transport.respond('media:prepare', () => ok(status(2, { proxy: true, reason: AVI, revision: 'r2' })))
    core.transport.setState('closed')
    core.transport.setState('open')
    await flushPromises()
    expect(w.get('video[aria-label="Clip player"]').attributes('src')).toBe('/media/video/2?rev=r2')
  })
})
