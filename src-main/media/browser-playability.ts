/**
 * Can Chromium (Electron's renderer, and the browsers of browser mode) play a file as stored?
 * Decided from the stored probe, so the answer costs no I/O. A wrong "yes" is the worse mistake:
 * Chromium raises no error for an unsupported video codec in a supported container (HEVC, MPEG-4
 * Part 2, ProRes or MJPEG in MP4/MOV, HEVC in MKV) — it plays the audio over a black frame — and
 * silently drops unsupported audio (AC-3, ALAC, MP2). So the lists are closed: anything unlisted
 * gets a proxy, which only costs a transcode.
 *
 * Every entry was checked by playing generated files in Debian's Chromium 156 (the browser the
 * e2e tests drive; Electron ships the same media stack): which decoded video frames and audio
 * bytes. HEVC decodes only through platform decoders, which Linux builds do not have; H.264 plays
 * in any pixel format there (10-bit, 4:2:2, 4:4:4 all decoded in software); AVI, MPEG-PS/TS and
 * Ogg do not open at all.
 */

/** The fields of a `VideoProbe` the decision reads (probes stored before audioCodec existed lack it). */
export interface PlayabilityFacts {
  formatName: string | null
  codec: string | null
  hasAudio: boolean
  audioCodec?: string | null
}

export type Playability =
  | { kind: 'direct' }
  | { kind: 'proxy'; reason: string }
  /** The stored probe predates the audio codec field: probe the file again, then decide. */
  | { kind: 'unknown' }

type Family = 'mp4' | 'matroska'

/** ffprobe's format_name lists every alias of its demuxer: "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm". */
function familyOf(formatName: string | null): Family | null {
  const names = (formatName ?? '').split(',')
  if (names.includes('mp4') || names.includes('mov')) return 'mp4'
  if (names.includes('matroska') || names.includes('webm')) return 'matroska'
  return null
}

const VIDEO: Record<Family, ReadonlySet<string>> = {
  // VP8 in MP4 is not a pairing Chromium's MP4 parser accepts (and ffmpeg will not even write it).
  mp4: new Set(['h264', 'vp9', 'av1']),
  matroska: new Set(['h264', 'vp8', 'vp9', 'av1']),
}

const AUDIO: ReadonlySet<string> = new Set([
  'aac', 'mp3', 'opus', 'vorbis', 'flac',
  'pcm_u8', 'pcm_s16le', 'pcm_s16be', 'pcm_s24le', 'pcm_s24be', 'pcm_s32le', 'pcm_f32le', 'pcm_mulaw', 'pcm_alaw',
])

const NAMES: Record<string, string> = { h264: 'H.264', hevc: 'HEVC (H.265)', mpeg4: 'MPEG-4 Part 2', msmpeg4v3: 'MS-MPEG4 v3', mpeg2video: 'MPEG-2', prores: 'ProRes', mjpeg: 'MJPEG', ac3: 'AC-3', eac3: 'E-AC-3', mp2: 'MP2', alac: 'ALAC' }
const named = (codec: string) => NAMES[codec] ?? codec

export function browserPlayability(probe: PlayabilityFacts): Playability {
  const family = familyOf(probe.formatName)
  if (!family) {
    const container = (probe.formatName ?? 'unknown').split(',')[0]
    return { kind: 'proxy', reason: `browsers cannot open the ${container.toUpperCase()} container` }
  }
  const codec = probe.codec ?? 'unknown'
  if (!VIDEO[family].has(codec)) return { kind: 'proxy', reason: `browsers cannot decode ${named(codec)} video` }
  if (probe.hasAudio) {
    if (probe.audioCodec === undefined) return { kind: 'unknown' }
    const audio = probe.audioCodec ?? 'unknown'
    if (!AUDIO.has(audio)) return { kind: 'proxy', reason: `browsers cannot decode ${named(audio)} audio` }
  }
  return { kind: 'direct' }
}
