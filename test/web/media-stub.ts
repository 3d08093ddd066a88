import { vi } from 'vitest'

/**
 * jsdom implements neither playback nor `paused` changes; this stands in for the browser's
 * media pipeline: play()/pause() flip `paused` and fire the events a real element fires.
 */
export function stubMediaPlayback() {
  const paused = new WeakMap<HTMLMediaElement, boolean>()
  vi.spyOn(HTMLMediaElement.prototype, 'paused', 'get').mockImplementation(function (this: HTMLMediaElement) {
    return paused.get(this) ?? true
  })
  const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (this: HTMLMediaElement) {
    paused.set(this, false)
    this.dispatchEvent(new Event('play'))
    return Promise.resolve()
  })
  const pause = vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(function (this: HTMLMediaElement) {
    if (paused.get(this) === false) {
      paused.set(this, true)
      this.dispatchEvent(new Event('pause'))
    }
  })
  // jsdom has no load(); a real element pauses and empties itself (the player unloads a stale video).
  const load = vi.spyOn(HTMLMediaElement.prototype, 'load').mockImplementation(function (this: HTMLMediaElement) {
    if (paused.get(this) === false) {
      paused.set(this, true)
      this.dispatchEvent(new Event('pause'))
    }
  })
  return { play, pause, load }
}

/** Moves the playhead as decoding would, then fires timeupdate. */
export function advanceTo(video: HTMLVideoElement, t: number): void {
  video.currentTime = t
  video.dispatchEvent(new Event('timeupdate'))
}
