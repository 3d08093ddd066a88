import ffmpeg from 'fluent-ffmpeg'

export interface VideoProbe {
  durationS: number | null
  fps: number | null
  /** Display size (after rotation metadata is applied). */
  width: number | null
  height: number | null
  codec: string | null
  hasAudio: boolean
  /** Index of the video stream used when a file has several (the default one, else the first). */
  videoStreamIndex: number
  videoStreamCount: number
  rotation: number
  formatName: string | null
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

function rotationOf(stream: ffmpeg.FfprobeStream): number {
  const tagged = Number((stream.tags as Record<string, string> | undefined)?.rotate)
  if (Number.isFinite(tagged) && tagged !== 0) return tagged
  const sideData = (stream as { side_data_list?: { rotation?: number }[] }).side_data_list ?? []
  const r = sideData.find((s) => typeof s.rotation === 'number')?.rotation
  return r ? -r : 0
}

/** ffprobe, reduced to what vicurate needs; rejects with ffprobe's own reason on bad files. */
export function probeVideo(path: string): Promise<VideoProbe> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(path, (err, data) => {
      if (err) {
        const msg = String((err as Error).message ?? err)
        const reason = msg.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? msg
        reject(new Error(`ffprobe cannot read it: ${reason}`))
        return
      }
      const videos = data.streams.filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1)
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
      const duration = Number(data.format.duration ?? chosen.duration)
      resolve({
        durationS: Number.isFinite(duration) && duration > 0 ? duration : null,
        fps: parseRate(chosen.avg_frame_rate) ?? parseRate(chosen.r_frame_rate),
        width: swap ? h : w,
        height: swap ? w : h,
        codec: chosen.codec_name ?? null,
        hasAudio: data.streams.some((s) => s.codec_type === 'audio'),
        videoStreamIndex: chosen.index,
        videoStreamCount: videos.length,
        rotation,
        formatName: data.format.format_name ?? null,
        notes,
      })
    })
  })
}
