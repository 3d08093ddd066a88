import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { probeVideo, type VideoProbe } from './probe'

/**
 * One decode pass of a video into small RGB frames with their presentation times.
 *
 * How timestamps survive VFR: ffmpeg writes raw RGB to a pipe, and raw video carries no
 * timestamps, so the encoded packets go through the `tee` muxer to two outputs — the raw bytes on
 * stdout and a `framecrc` listing (one line per frame: pts in the stream's own time base) on fd 3.
 * `-fps_mode passthrough` stops ffmpeg from duplicating/dropping frames to fake a constant rate,
 * and `-enc_time_base -1` keeps the demuxer's time base so VFR pts are not rounded to 1/fps. Frame
 * N on stdout pairs with line N on fd 3: exact decoder timestamps, one process, no `showinfo`
 * (whose per-frame log parsing and plane statistics cost more). No `-copyts`: times are relative
 * to the file's start, the same origin `ffmpeg -ss` uses when clips are cut later.
 *
 * No probe before decoding: ffmpeg picks the output size itself (`scale=min(W,iw):-2`) and
 * framecrc's `#dimensions` header says what it chose, while ffprobe runs in parallel for the
 * frame rate, duration and its clearer error messages. Probing first cost ~130 ms per file here,
 * as much as decoding a whole 6 s 360p clip.
 *
 * Scaling happens in ffmpeg (swscale), never in JS. The default `neighbor` sampling is the
 * cheapest swscale path; content scores from it stay within ~0.5 of `area`/`bilinear` and of
 * PySceneDetect's own OpenCV resize to width 256 (cockatoo.mp4's head-turn: 29.1 here, 29.1 with
 * OpenCV INTER_LINEAR, 28.8 with `area`).
 */

export interface DecodedFrame {
  /** 0-based index in decode (presentation) order. */
  index: number
  /** Presentation time in seconds from the start of the file. */
  ptsS: number
  /** Frame duration in seconds as the container states it (0 when unknown). */
  durationS: number
  width: number
  height: number
  /** width*height*3 bytes, RGB order. Valid only during the callback: the buffer is reused. */
  rgb: Uint8Array
}

export interface FrameProgress {
  frames: number
  ptsS: number
  /** Container duration when known, for a percentage. */
  durationS: number | null
}

export type ScaleFlags = 'neighbor' | 'fast_bilinear' | 'bilinear' | 'area'

export interface FrameStreamInfo {
  probe: VideoProbe
  width: number
  height: number
}

export interface ReadFramesOptions {
  /** Frames wider than this are scaled down keeping the aspect ratio (default 256). */
  maxWidth?: number
  scaleFlags?: ScaleFlags
  signal?: AbortSignal
  /** Called a few times per second at most (and once at the end). */
  onProgress?: (p: FrameProgress) => void
  /** Minimum milliseconds between progress calls (default 250). */
  progressIntervalMs?: number
  /** Reuse a probe the caller already has (skips ffprobe). */
  probe?: VideoProbe
  /** Called once, before the first frame, with the probe and the analysis size. */
  onStart?: (info: FrameStreamInfo) => void
}

export interface ReadFramesSummary extends FrameStreamInfo {
  frames: number
  /** End of the last frame (its pts + duration), in seconds. */
  endS: number
}

/** The checks that need no ffmpeg, so the common mistakes get a specific one-line reason. */
async function checkFile(path: string): Promise<void> {
  let size: number
  try {
    const st = await stat(path)
    if (st.isDirectory()) throw new Error(`${path}: is a directory, not a video file`)
    size = st.size
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new Error(`${path}: file not found`)
    if (code === 'EACCES') throw new Error(`${path}: permission denied`)
    throw err
  }
  if (size === 0) throw new Error(`${path}: file is empty (0 bytes)`)
}

async function probeNamed(path: string): Promise<VideoProbe> {
  try {
    return await probeVideo(path)
  } catch (err) {
    // ffprobe repeats the path in its reason; say it once.
    throw new Error(`${path}: ${(err as Error).message.split(`${path}: `).join('')}`)
  }
}

/** File checks plus ffprobe, each failure as one line naming the file. */
export async function checkVideoFile(path: string): Promise<VideoProbe> {
  await checkFile(path)
  return probeNamed(path)
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  if (reason instanceof Error) return reason
  const err = new Error('frame decoding was aborted')
  err.name = 'AbortError'
  return err
}

/** Parses framecrc output: `#tb 0: 1/12800`, `#dimensions 0: 256x144`, then one line per frame. */
class FramecrcParser {
  private tbNum = 0
  private tbDen = 1
  private rest = ''
  width = 0
  height = 0
  readonly pts: number[] = []
  readonly durations: number[] = []

  push(text: string): void {
    const lines = (this.rest + text).split('\n')
    this.rest = lines.pop() ?? ''
    for (const line of lines) {
      if (line.startsWith('#tb 0:')) {
        ;[this.tbNum, this.tbDen] = line.slice(6).trim().split('/').map(Number)
      } else if (line.startsWith('#dimensions 0:')) {
        ;[this.width, this.height] = line.slice(14).trim().split('x').map(Number)
      } else if (/^0,/.test(line)) {
        // Columns: stream, dts, pts, duration, size, checksum.
        const cols = line.split(',')
        const pts = Number(cols[2])
        const dur = Number(cols[3])
        // NOPTS should not occur with passthrough; NaN lets the reader fall back to the nominal rate.
        this.pts.push(this.tbDen ? (pts * this.tbNum) / this.tbDen : Number.NaN)
        this.durations.push(Number.isFinite(dur) && this.tbDen ? (dur * this.tbNum) / this.tbDen : 0)
      }
    }
  }
}

/**
 * Decodes `path` once, calling `onFrame` synchronously for every frame in presentation order.
 * Resolves with a summary when ffmpeg has finished; rejects with a one-line reason naming the file
 * on bad input, ffmpeg failure or abort (ffmpeg is killed).
 */
export async function readFrames(
  path: string,
  options: ReadFramesOptions,
  onFrame: (frame: DecodedFrame) => void,
): Promise<ReadFramesSummary> {
  const { signal } = options
  if (signal?.aborted) throw abortError(signal)
  const maxWidth = options.maxWidth ?? 256
  if (!(Number.isInteger(maxWidth) && maxWidth >= 16)) throw new RangeError(`maxWidth must be a whole number ≥ 16 (got ${maxWidth})`)
  if (!options.probe) await checkFile(path)

  // Without a probe, `0:V:0` is the first video stream that is not cover art; ffprobe prefers the
  // default-disposition one, so the two can differ only in files with several video streams.
  const args = [
    '-nostdin', '-hide_banner', '-v', 'error',
    '-i', path,
    '-map', options.probe ? `0:${options.probe.videoStreamIndex}` : '0:V:0', '-an', '-sn', '-dn',
    '-vf', `scale='min(${maxWidth},iw)':-2:flags=${options.scaleFlags ?? 'neighbor'},format=rgb24`,
    '-fps_mode', 'passthrough', '-enc_time_base', '-1',
    // Per-packet flushing (already ffmpeg's default on pipes) keeps the timestamp lines in step
    // with the pixels on the other pipe; the reader never pauses either pipe, so nothing can stall.
    '-c:v', 'rawvideo', '-f', 'tee', '[f=rawvideo]pipe\\:1|[f=framecrc:flush_packets=1]pipe\\:3',
  ]
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] })
  const stdout = child.stdout as Readable
  const crcOut = child.stdio[3] as Readable
  const errOut = child.stdio[2] as Readable
  const crc = new FramecrcParser()
  let stderr = ''
  let failure: Error | null = null
  const fail = (err: Error) => {
    failure ??= err
    child.kill('SIGKILL')
  }

  let probe: VideoProbe | null = options.probe ?? null
  const probing = probe ? Promise.resolve() : probeNamed(path).then((p) => { probe = p; emitReady() }, fail)

  // Pixels wait in `early` until framecrc has told the frame size, then in `pending` until their
  // timestamp line and the probe are in (normally a frame or two; the first ~100 ms at most).
  const early: Buffer[] = []
  const pending: Uint8Array[] = []
  const spare: Uint8Array[] = []
  let frameBytes = 0
  let partial: Uint8Array = new Uint8Array(0)
  let filled = 0
  let emitted = 0
  let started = false
  let lastProgress = 0
  const interval = options.progressIntervalMs ?? 250

  const takePixels = (chunk: Buffer) => {
    let off = 0
    while (off < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - off)
      partial.set(chunk.subarray(off, off + n), filled)
      filled += n
      off += n
      if (filled === frameBytes) {
        pending.push(partial)
        partial = spare.pop() ?? new Uint8Array(frameBytes)
        filled = 0
      }
    }
  }

  function emitReady(): void {
    if (!probe || failure) return
    if (!started) {
      started = true
      try {
        options.onStart?.({ probe, width: crc.width, height: crc.height })
      } catch (err) {
        fail(err as Error)
        return
      }
    }
    const nominalFps = probe.fps ?? 25
    while (pending.length > 0 && emitted < crc.pts.length) {
      const buf = pending.shift() as Uint8Array
      let ptsS = crc.pts[emitted]
      if (!Number.isFinite(ptsS)) ptsS = emitted / nominalFps
      try {
        onFrame({ index: emitted, ptsS, durationS: crc.durations[emitted], width: crc.width, height: crc.height, rgb: buf })
      } catch (err) {
        fail(err as Error)
        return
      }
      emitted++
      spare.push(buf)
      const now = Date.now()
      if (options.onProgress && now - lastProgress >= interval) {
        lastProgress = now
        options.onProgress({ frames: emitted, ptsS, durationS: probe.durationS })
      }
    }
  }

  stdout.on('data', (chunk: Buffer) => {
    if (frameBytes === 0) early.push(chunk)
    else takePixels(chunk)
    emitReady()
  })
  crcOut.setEncoding('latin1')
  crcOut.on('data', (text: string) => {
    crc.push(text)
    if (frameBytes === 0 && crc.width > 0) {
      frameBytes = crc.width * crc.height * 3
      partial = new Uint8Array(frameBytes)
      for (const c of early.splice(0)) takePixels(c)
    }
    emitReady()
  })
  errOut.setEncoding('utf8')
  errOut.on('data', (text: string) => {
    if (stderr.length < 8192) stderr += text
  })

  const onAbort = () => child.kill('SIGKILL')
  signal?.addEventListener('abort', onAbort, { once: true })
  const streamsDone = Promise.all([stdout, crcOut, errOut].map((s) => new Promise<void>((r) => s.once('close', () => r()))))
  const [code] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', (err) =>
      reject(new Error(`cannot run ffmpeg for ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'ffmpeg is not installed or not on PATH' : err.message}`)),
    )
    child.once('close', (c, s) => resolve([c, s]))
  }).finally(() => signal?.removeEventListener('abort', onAbort))
  await Promise.all([streamsDone, probing])
  if (signal?.aborted) throw abortError(signal)
  // A probe failure explains bad input better than ffmpeg's exit status does.
  if (failure) throw failure
  if (code !== 0) {
    const reason = stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? `exit code ${code}`
    throw new Error(`${path}: ffmpeg could not decode it: ${reason}`)
  }
  emitReady()
  if (filled !== 0) throw new Error(`${path}: ffmpeg output ended inside a frame (${filled} of ${frameBytes} bytes)`)
  if (emitted !== crc.pts.length || pending.length !== 0) {
    throw new Error(`${path}: ffmpeg produced ${emitted + pending.length} frames but ${crc.pts.length} timestamps`)
  }
  if (emitted === 0 || !probe) throw new Error(`${path}: no video frames could be decoded`)
  const finalProbe: VideoProbe = probe
  const lastPts = crc.pts[emitted - 1]
  const lastDur = crc.durations[emitted - 1] || 1 / (finalProbe.fps ?? 25)
  options.onProgress?.({ frames: emitted, ptsS: lastPts, durationS: finalProbe.durationS })
  return { frames: emitted, width: crc.width, height: crc.height, endS: lastPts + lastDur, probe: finalProbe }
}
