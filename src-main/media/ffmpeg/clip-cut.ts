import { spawn } from 'node:child_process'

export interface CutOptions {
  /** Start of the clip on the source file's timeline, in seconds (0 = the file's first frame). */
  startS: number
  durationS: number
  /** Encode the first audio stream as AAC; false drops audio (the source has none). */
  audio: boolean
  signal?: AbortSignal
  /** x264 preset: speed vs size only; every preset cuts at the same frames. */
  preset?: string
  crf?: number
}

function spawnCollect(cmd: 'ffmpeg' | 'ffprobe', args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err.trim().split('\n').at(-1) ?? ''}`))))
  })
}

/**
 * Cuts [startS, startS + durationS) of `source` into an H.264 (+ AAC) mp4 at `out`, frame-accurate.
 * `-ss` before `-i` seeks to the keyframe before the start and then *decodes and discards* up to
 * the exact instant (ffmpeg's accurate_seek, on by default when transcoding), so the first frame
 * is the one on screen at startS — a stream copy could only start at a keyframe. Timestamps are
 * reset to 0 so players and InternVid's loaders see the clip's own timeline.
 */
export async function cutClip(source: string, out: string, opts: CutOptions): Promise<void> {
  const audio = opts.audio ? ['-map', '0:a:0?', '-c:a', 'aac', '-b:a', '128k'] : ['-an']
  await spawnCollect('ffmpeg', [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-ss', opts.startS.toFixed(6), '-i', source, '-t', opts.durationS.toFixed(6),
    '-map', '0:v:0', ...audio, '-sn', '-dn', '-map_metadata', '-1',
    // yuv420p: the profile every player and decoder (browsers, decord, PyAV) accepts.
    '-c:v', 'libx264', '-preset', opts.preset ?? 'veryfast', '-crf', String(opts.crf ?? 18), '-pix_fmt', 'yuv420p',
    '-avoid_negative_ts', 'make_zero', '-movflags', '+faststart', '-f', 'mp4', out,
  ], opts.signal)
}

/**
 * Duration and frame rate of a file's first video stream, counted from its packets (container
 * durations include AAC priming and edit lists). Used to check a cut is whole before it is kept.
 */
export async function videoStreamTiming(path: string, signal?: AbortSignal): Promise<{ durationS: number; fps: number; frames: number }> {
  const text = await spawnCollect('ffprobe', [
    '-v', 'error', '-select_streams', 'v:0', '-count_packets',
    '-show_entries', 'stream=avg_frame_rate,r_frame_rate,nb_read_packets,duration', '-of', 'json', path,
  ], signal)
  const s = (JSON.parse(text) as { streams?: { avg_frame_rate?: string; r_frame_rate?: string; nb_read_packets?: string; duration?: string }[] }).streams?.[0]
  if (!s) throw new Error(`${path}: no video stream`)
  const rate = (r?: string) => {
    const [n, d] = (r ?? '0/0').split('/').map(Number)
    return d ? n / d : 0
  }
  const fps = rate(s.avg_frame_rate) || rate(s.r_frame_rate)
  const frames = Number(s.nb_read_packets ?? 0)
  const durationS = s.duration !== undefined ? Number(s.duration) : fps > 0 ? frames / fps : 0
  return { durationS, fps, frames }
}
