import { execFile } from 'node:child_process'

export interface VideoProbe {
  durationS: number | null
  fps: number | null
  /** Display size (after rotation metadata is applied). */
  width: number | null
  height: number | null
  codec: string | null
  hasAudio: boolean
  /** Codec of the first audio stream, null without audio. Absent in probes stored before it was recorded. */
  audioCodec?: string | null
  /** Index of the video stream used when a file has several (the default one, else the first). */
  videoStreamIndex: number
  videoStreamCount: number
  rotation: number
  formatName: string | null
  /** Start time of the chosen stream (non-zero for e.g. MPEG-TS); -copyts timestamps include it. */
  startTimeS: number
  /** Time base of the chosen stream as [num, den]; frame_pts file names count in it. */
  timeBase: [number, number]
  /** Human-readable remarks worth showing (e.g. "2 video streams: using #0"). */
  notes: string[]
}

function parseRate(rate: string | undefined): number | null {
  if (!rate) return null
  const [n, d] = rate.split('/').map(Number)
  if (!n || !Number.isFinite(n)) return null
  const v = d ? n / d : n
  return Number.isFinite(v) && v > 0 ? v : null
}

function parseTimeBase(tb: string | undefined): [number, number] {
  const [n, d] = (tb ?? '').split('/').map(Number)
  return n > 0 && d > 0 ? [n, d] : [1, 1000]
}

interface ProbeStream {
  index: number
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  avg_frame_rate?: string
  r_frame_rate?: string
  time_base?: string
  start_time?: string
  duration?: string
  disposition?: { default?: number; attached_pic?: number }
  tags?: Record<string, string>
  side_data_list?: { rotation?: number }[]
}

interface ProbeJson {
  streams?: ProbeStream[]
  format?: { duration?: string; format_name?: string }
}

function rotationOf(stream: ProbeStream): number {
  const tagged = Number(stream.tags?.rotate)
  if (Number.isFinite(tagged) && tagged !== 0) return tagged
  const r = (stream.side_data_list ?? []).find((s) => typeof s.rotation === 'number')?.rotation
  return r ? -r : 0
}

/**
 * ffprobe as JSON (fluent-ffmpeg's own parser drops the display-matrix side data that carries
 * rotation), reduced to what vicurate needs; rejects with ffprobe's own reason on bad files.
 */
export function probeVideo(path: string): Promise<VideoProbe> {
  return new Promise((resolve, reject) => {
    execFile('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const reason = String(stderr || err.message).split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? 'unknown error'
        reject(new Error(`ffprobe cannot read it: ${reason}`))
        return
      }
      let data: ProbeJson
      try {
        data = JSON.parse(stdout) as ProbeJson
      } catch {
        reject(new Error('ffprobe cannot read it: unparseable ffprobe output'))
        return
      }
      const streams = data.streams ?? []
      const videos = streams.filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1)
      if (videos.length === 0) {
        reject(new Error('no video stream (audio-only or not a video)'))
        return
      }
      const chosen = videos.find((s) => s.disposition?.default === 1) ?? videos[0]
      const notes: string[] = []
      if (videos.length > 1) notes.push(`${videos.length} video streams: using stream #${chosen.index}`)
      const rotation = rotationOf(chosen)
      const swap = Math.abs(rotation) % 180 === 90
      const w = chosen.width ?? null
      const h = chosen.height ?? null
      const duration = Number(data.format?.duration ?? chosen.duration)
      const start = Number(chosen.start_time)
      resolve({
        durationS: Number.isFinite(duration) && duration > 0 ? duration : null,
        fps: parseRate(chosen.avg_frame_rate) ?? parseRate(chosen.r_frame_rate),
        width: swap ? h : w,
        height: swap ? w : h,
        codec: chosen.codec_name ?? null,
        hasAudio: streams.some((s) => s.codec_type === 'audio'),
        audioCodec: streams.find((s) => s.codec_type === 'audio')?.codec_name ?? null,
        videoStreamIndex: chosen.index,
        videoStreamCount: videos.length,
        rotation,
        formatName: data.format?.format_name ?? null,
        startTimeS: Number.isFinite(start) ? start : 0,
        timeBase: parseTimeBase(chosen.time_base),
        notes,
      })
    })
  })
}
