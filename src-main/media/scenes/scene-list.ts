import { formatTimestamp } from '../timecode'

/** A scene [startS, endS) with InternVid-style `HH:MM:SS.mmm` timestamps. */
export interface Scene {
  startS: number
  endS: number
  start: string
  end: string
}

/** Rounds to the millisecond so JSON output and timestamps agree (pts like 2.0000000001). */
export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000
}

export function makeScene(startS: number, endS: number): Scene {
  const s = roundMs(startS)
  const e = roundMs(endS)
  return { startS: s, endS: e, start: formatTimestamp(s), end: formatTimestamp(e) }
}

/**
 * Cut times → contiguous scenes covering [startS, endS]: the first scene starts at the first
 * frame, each cut starts a new scene, the last scene ends where the last frame ends. Cuts
 * outside (startS, endS) or repeated (to the ms) are ignored rather than making empty scenes.
 */
export function cutsToScenes(cutsS: readonly number[], startS: number, endS: number): Scene[] {
  if (!(Number.isFinite(startS) && Number.isFinite(endS) && endS > startS)) {
    throw new RangeError(`cannot build scenes for the span ${startS}–${endS} s`)
  }
  // Compare at ms precision: two cuts within a millisecond would otherwise make an empty scene.
  const end = roundMs(endS)
  const bounds = [roundMs(startS)]
  for (const c of cutsS.map(roundMs).sort((a, b) => a - b)) {
    if (c > bounds[bounds.length - 1] && c < end) bounds.push(c)
  }
  bounds.push(end)
  const scenes: Scene[] = []
  for (let i = 0; i + 1 < bounds.length; i++) scenes.push(makeScene(bounds[i], bounds[i + 1]))
  return scenes
}
