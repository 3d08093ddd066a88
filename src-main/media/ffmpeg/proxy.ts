import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { videoStreamTiming } from './clip-cut'

export interface ProxyOptions {
  /** Absolute stream index of the video stream to keep (`VideoProbe.videoStreamIndex`). */
  videoStreamIndex: number
  hasAudio: boolean
  /** The source's frame rate (keyframe spacing) and duration (progress); null when unknown. */
  fps: number | null
  durationS: number | null
  signal?: AbortSignal
  /** 0..1, a few times per second at most (ffmpeg reports twice a second). */
  onProgress?: (fraction: number) => void
  /** Wider sources are scaled down: a review copy, not a master (default 1280). */
  maxWidth?: number
  crf?: number
}

export interface ProxyResult {
  bytes: number
  durationS: number
  frames: number
  /** First video frame of the proxy and of the source, each on its file's timeline (they match). */
  firstFrameS: number
  sourceFirstFrameS: number
}

/** Node's own abort error says only "This operation was aborted"; the UI shows this one. */
function abortError(): Error {
  const err = new Error('preparing the playable copy was cancelled')
  err.name = 'AbortError'
  return err
}

/** ffmpeg's last error line, without the source path it prefixes (the UI already names the video). */
function lastError(stderr: string, source: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? 'unknown error'
  return line.startsWith(`${source}: `) ? line.slice(source.length + 2) : line
}

function run(args: string[], source: string, opts: ProxyOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal })
    let stderr = ''
    let pending = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      // `-progress pipe:1` writes key=value blocks; out_time_us is the output position.
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const m = /^out_time_us=(\d+)/.exec(line)
        if (m && opts.durationS && opts.onProgress) opts.onProgress(Math.min(1, Number(m[1]) / 1e6 / opts.durationS))
      }
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)))
    child.on('error', (err) => reject(opts.signal?.aborted ? abortError() : err))
    child.on('close', (code) => {
      if (opts.signal?.aborted) return reject(abortError())
      if (code === 0) return resolve()
      reject(new Error(`ffmpeg could not transcode it: ${lastError(stderr, source)}`))
    })
  })
}

/**
 * The first frame of one video stream on the file's own timeline: its presentation time (mp4 edit
 * lists applied, as browsers do) minus the file's start time, which is what ffmpeg subtracts when
 * it decodes without -copyts (ingest's frame times, and the proxy's timestamps).
 */
export function firstFrameOffset(path: string, stream: string, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = ['-v', 'error', '-select_streams', stream, '-read_intervals', '%+#1', '-show_entries', 'frame=best_effort_timestamp_time,pts_time:format=start_time', '-of', 'json', path]
    const child = spawn('ffprobe', args, { stdio: ['ignore', 'pipe', 'pipe'], signal })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => {
      try {
        const j = JSON.parse(out) as { frames?: { pts_time?: string; best_effort_timestamp_time?: string }[]; format?: { start_time?: string } }
        const f = j.frames?.[0]
        const t = Number(f?.pts_time ?? f?.best_effort_timestamp_time)
        if (code === 0 && Number.isFinite(t)) return resolve(t - (Number(j.format?.start_time) || 0))
      } catch {
        // fall through to the error below
      }
      reject(new Error(`${path}: no readable first video frame`))
    })
  })
}

/**
 * Transcodes `source` into an H.264 + AAC mp4 that every Chromium plays, written beside `out`
 * and renamed into place only once complete and checked, so `out` is never a partial file.
 *
 * Timing: no `-ss`, no `-copyts` — ffmpeg subtracts the source's start time exactly as the frame
 * decoder did at ingest, so the proxy's timeline is the clips' timeline (0 = the source's start)
 * and the player's [start, end] loop stays exact. Frames keep their own timestamps: nothing is
 * resampled to a constant rate (only frames sharing a timestamp are dropped). A keyframe every
 * 2 s bounds the decoding a seek costs; `+faststart` puts the index first so playback starts
 * before the whole file is read.
 */
export async function writePlaybackProxy(source: string, out: string, opts: ProxyOptions): Promise<ProxyResult> {
  if (opts.signal?.aborted) throw abortError()
  await mkdir(dirname(out), { recursive: true })
  const partial = `${out}.${process.pid}-${randomBytes(4).toString('hex')}.partial.mp4`
  const maxWidth = opts.maxWidth ?? 1280
  const gop = Math.max(1, Math.round(2 * (opts.fps && opts.fps > 0 ? opts.fps : 25)))
  const audio = opts.hasAudio ? ['-map', '0:a:0?', '-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : ['-an']
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', '-y',
    '-i', source,
    '-map', `0:${opts.videoStreamIndex}`, ...audio, '-sn', '-dn', '-map_metadata', '-1', '-map_chapters', '-1',
    // Even width (4:2:0 needs it), never upscaled; -2 keeps the aspect with an even height.
    '-vf', `scale='trunc(min(${maxWidth},iw)/2)*2':-2`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(opts.crf ?? 23), '-pix_fmt', 'yuv420p', '-g', String(gop),
    // mp4 would default to constant-rate output (duplicating frames into gaps), and the encoder to
    // a 1/fps time base (rounding an offset like 0.543 s to 0.56): keep each frame's own time.
    '-fps_mode', 'vfr', '-enc_time_base', '-1',
    '-movflags', '+faststart', '-f', 'mp4', partial,
  ]
  try {
    await run(args, source, opts)
    // ffmpeg exits 0 on input it could not decode at all ("Output file is empty"): check.
    const timing = await videoStreamTiming(partial, opts.signal).catch(() => ({ frames: 0, durationS: 0 }))
    if (timing.frames === 0) throw new Error('no picture could be decoded from the source (the file is damaged or not a video)')
    const firstFrameS = await firstFrameOffset(partial, 'v:0', opts.signal)
    const sourceFirstFrameS = await firstFrameOffset(source, String(opts.videoStreamIndex), opts.signal)
    const bytes = (await stat(partial)).size
    await rename(partial, out)
    opts.onProgress?.(1)
    return { bytes, durationS: timing.durationS, frames: timing.frames, firstFrameS, sourceFirstFrameS }
  } catch (err) {
    await rm(partial, { force: true })
    if (opts.signal?.aborted) throw abortError()
    throw err
  }
}
