import { onScopeDispose, ref, watch, type Ref } from 'vue'

export interface ClipBounds {
  id: number
  startS: number
  endS: number
}

/** Timeupdate fires ~4×/s; this much before the end already counts as "at the end". */
const END_EPSILON_S = 0.02
/** Decoders land a few ms before a requested seek point; do not fight that. */
const START_TOLERANCE_S = 0.05

/**
 * Confines a <video> playing a whole source file to one clip's [startS, endS]: seek to the
 * start when the clip changes or the media loads, then loop or pause at the end. Frame
 * callbacks (Chromium) stop within a frame; `timeupdate` is the fallback everywhere else.
 */
export function useClipPlayback(video: Ref<HTMLVideoElement | null>, clip: Ref<ClipBounds | null>, loop: Ref<boolean>) {
  const currentTime = ref(0)
  const playing = ref(false)
  const playError = ref<string | null>(null)
  let frameHandle: number | null = null
  /** A new source pauses the element while it loads; J/K during playback should keep playing. */
  let resumeAfterLoad = false

  function seek(t: number): void {
    const el = video.value
    if (!el) return
    el.currentTime = t
    currentTime.value = t
  }

  function enforceBounds(): void {
    const el = video.value
    const c = clip.value
    if (!el || !c) return
    const t = el.currentTime
    if (t >= c.endS - END_EPSILON_S) {
      if (!el.paused) {
        if (loop.value) return seek(c.startS)
        el.pause()
      }
      // Park on the end once: every seek fires `seeked`, which lands here again.
      if (Math.abs(t - c.endS) > 0.001) seek(c.endS)
      else currentTime.value = t
      return
    }
    if (t < c.startS - START_TOLERANCE_S) seek(c.startS)
    else currentTime.value = t
  }

  function watchFrames(): void {
    const el = video.value
    if (!el || typeof el.requestVideoFrameCallback !== 'function') return
    const tick = (): void => {
      enforceBounds()
      if (playing.value && video.value === el) frameHandle = el.requestVideoFrameCallback(tick)
    }
    frameHandle = el.requestVideoFrameCallback(tick)
  }

  function stopFrames(): void {
    const el = video.value
    if (frameHandle !== null && el && typeof el.cancelVideoFrameCallback === 'function') el.cancelVideoFrameCallback(frameHandle)
    frameHandle = null
  }

  async function play(): Promise<void> {
    const el = video.value
    const c = clip.value
    if (!el || !c) return
    // Play from the start again once the clip has played out (no loop), like any player.
    if (el.currentTime >= c.endS - END_EPSILON_S || el.currentTime < c.startS - START_TOLERANCE_S) seek(c.startS)
    playError.value = null
    try {
      await el.play()
    } catch (err) {
      // A newer load or pause interrupting play() is not a failure worth showing.
      if (err instanceof DOMException && err.name === 'AbortError') return
      playError.value = err instanceof Error ? err.message : String(err)
    }
  }

  function pause(): void {
    video.value?.pause()
  }

  function toggle(): void {
    if (playing.value) pause()
    else void play()
  }

  /**
   * The element is being emptied because the next source is not playable yet (a playback proxy
   * is being made): like any change of source, playing now means playing once it has loaded.
   */
  function awaitNewSource(): void {
    resumeAfterLoad = resumeAfterLoad || playing.value
  }

  function onLoadedMetadata(): void {
    if (clip.value) seek(clip.value.startS)
    if (resumeAfterLoad) void play()
    resumeAfterLoad = false
  }

  function onPlay(): void {
    playing.value = true
    watchFrames()
  }

  function onPause(): void {
    playing.value = false
    stopFrames()
  }

  /** A clip that ends where its source video ends reaches `ended` (paused) before any bound check. */
  function onEnded(): void {
    const c = clip.value
    if (!c || !loop.value) return
    seek(c.startS)
    void play()
  }

  // Same source video: seek without reloading. A new source seeks on loadedmetadata instead,
  // because setting currentTime before metadata is lost on some engines.
  watch(
    () => clip.value?.id,
    () => {
      const el = video.value
      const c = clip.value
      if (!el || !c) return
      if (el.readyState >= 1) {
        seek(c.startS)
      } else {
        resumeAfterLoad = resumeAfterLoad || playing.value
        currentTime.value = c.startS
      }
    },
    { immediate: true, flush: 'post' },
  )

  onScopeDispose(stopFrames)

  return { currentTime, playing, playError, play, pause, toggle, seek, enforceBounds, awaitNewSource, onLoadedMetadata, onPlay, onPause, onEnded }
}
