import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ClipPlayer from '../../src-renderer/src/components/player/ClipPlayer.vue'
import { clip } from './fake-transport'
import { advanceTo, stubMediaPlayback } from './media-stub'

let media: ReturnType<typeof stubMediaPlayback>
beforeEach(() => {
  media = stubMediaPlayback()
})
afterEach(() => vi.restoreAllMocks())

function mountPlayer(startS = 10, endS = 12.5) {
  const wrapper = mount(ClipPlayer, {
    props: { clip: clip(4, { startS, endS, durationS: endS - startS }), src: '/media/video/1', poster: null },
    attachTo: document.body,
  })
  const video = wrapper.get('video[aria-label="Clip player"]').element as HTMLVideoElement
  return { wrapper, video }
}

function button(wrapper: ReturnType<typeof mountPlayer>['wrapper'], name: string) {
  return wrapper.findAll('button').find((b) => b.text() === name)
}

describe('ClipPlayer', () => {
  it('seeks to the clip start once the source video has loaded', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    expect(video.getAttribute('src')).toBe('/media/video/1')
    video.dispatchEvent(new Event('loadedmetadata'))
    await flushPromises()
    expect(video.currentTime).toBe(10)
    expect(wrapper.get('output[aria-label="Current time"]').text()).toBe('00:00:10.000')
    wrapper.unmount()
  })

  it('pauses at the clip end when looping is off', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    video.dispatchEvent(new Event('loadedmetadata'))
    await wrapper.get('input[type="checkbox"]').setValue(false)
    await button(wrapper, 'Play')!.trigger('click')
    await flushPromises()
    expect(media.play).toHaveBeenCalledTimes(1)
    expect(button(wrapper, 'Pause')).toBeDefined()

    advanceTo(video, 11.25)
    await flushPromises()
    expect(wrapper.get('output[aria-label="Current time"]').text()).toBe('00:00:11.250')
    expect(media.pause).not.toHaveBeenCalled()

    advanceTo(video, 12.6)
    await flushPromises()
    expect(media.pause).toHaveBeenCalled()
    expect(video.paused).toBe(true)
    expect(video.currentTime).toBe(12.5)
    expect(button(wrapper, 'Play')).toBeDefined()

    // The parking seek fires `seeked`; answering it with another seek would never settle.
    const setter = vi.spyOn(HTMLMediaElement.prototype, 'currentTime', 'set')
    video.dispatchEvent(new Event('seeked'))
    video.dispatchEvent(new Event('seeked'))
    expect(setter).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('loops back to the clip start at the end while playing with loop on', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    video.dispatchEvent(new Event('loadedmetadata'))
    await button(wrapper, 'Play')!.trigger('click')
    advanceTo(video, 12.5)
    await flushPromises()
    expect(video.currentTime).toBe(10)
    expect(video.paused).toBe(false)
    wrapper.unmount()
  })

  it('starts over when a clip that ends with its source video reaches the end while looping', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    await button(wrapper, 'Play')!.trigger('click')
    video.currentTime = 12.5
    video.pause() // the element pauses itself at its natural end, then fires ended
    video.dispatchEvent(new Event('ended'))
    await flushPromises()
    expect(video.currentTime).toBe(10)
    expect(media.play).toHaveBeenCalledTimes(2)
    expect(video.paused).toBe(false)
    wrapper.unmount()
  })

  it('pulls a playhead that lands before the clip back to its start', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    advanceTo(video, 3)
    expect(video.currentTime).toBe(10)
    wrapper.unmount()
  })

  it('restarts from the clip start when Play is pressed after the clip played out', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    await wrapper.get('input[type="checkbox"]').setValue(false)
    video.currentTime = 12.5
    await button(wrapper, 'Play')!.trigger('click')
    expect(video.currentTime).toBe(10)
    expect(media.play).toHaveBeenCalledTimes(1)
    wrapper.unmount()
  })

  it('seeks to the new clip start when another clip of the same video is selected', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    Object.defineProperty(video, 'readyState', { configurable: true, value: 4 })
    await wrapper.setProps({ clip: clip(5, { startS: 30, endS: 31 }) })
    expect(video.currentTime).toBe(30)
    wrapper.unmount()
  })

  it('keeps playing when the next clip comes from another source video', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    video.dispatchEvent(new Event('loadedmetadata'))
    await button(wrapper, 'Play')!.trigger('click')
    await wrapper.setProps({ clip: clip(9, { videoId: 2, startS: 4, endS: 6 }), src: '/media/video/2' })
    expect(video.getAttribute('src')).toBe('/media/video/2')
    video.pause() // the browser's load algorithm pauses the element for the new source
    video.dispatchEvent(new Event('loadedmetadata'))
    await flushPromises()
    expect(video.currentTime).toBe(4)
    expect(media.play).toHaveBeenCalledTimes(2)
    expect(button(wrapper, 'Pause')).toBeDefined()
    wrapper.unmount()
  })

  it('explains a clip whose source video is missing and disables playback', () => {
    const wrapper = mount(ClipPlayer, { props: { clip: clip(4, { mediaMissing: true }), src: '/media/video/1', poster: null } })
    expect(wrapper.get('[role="alert"]').text()).toContain('missing')
    expect(button(wrapper, 'Play')!.attributes('disabled')).toBeDefined()
    expect(wrapper.get('video').attributes('src')).toBeUndefined()
  })
})

describe('ClipPlayer controls for judging cuts', () => {
  it('steps one frame at a time (paused, inside the clip) and keeps the chosen speed', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    await wrapper.setProps({ clip: clip(4, { startS: 10, endS: 12.5, durationS: 2.5, fps: 20 }) })
    video.dispatchEvent(new Event('loadedmetadata'))
    await flushPromises()
    await wrapper.get('button[aria-label="Next frame"]').trigger('click')
    expect(video.currentTime).toBeCloseTo(10.05, 6)
    await wrapper.get('button[aria-label="Previous frame"]').trigger('click')
    await wrapper.get('button[aria-label="Previous frame"]').trigger('click')
    expect(video.currentTime).toBe(10) // never before the clip start
    await wrapper.get('select[aria-label="Playback speed"]').setValue('0.5')
    expect(video.playbackRate).toBe(0.5)
    video.dispatchEvent(new Event('loadedmetadata')) // a new source keeps the rate
    expect(video.playbackRate).toBe(0.5)
    wrapper.unmount()
  })

  it('with context on, plays from N s before the clip to N s after it', async () => {
    const { wrapper, video } = mountPlayer(10, 12.5)
    await wrapper.get('select[aria-label="Context around the clip"]').setValue('2')
    video.dispatchEvent(new Event('loadedmetadata'))
    await flushPromises()
    expect(video.currentTime).toBe(8)
    const scrub = wrapper.get('input[aria-label="Position in clip"]').element as HTMLInputElement
    expect([scrub.min, scrub.max]).toEqual(['8', '14.5'])
    wrapper.unmount()
  })
})
