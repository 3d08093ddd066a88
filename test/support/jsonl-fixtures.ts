import { closeSync, openSync, writeSync } from 'node:fs'
import { formatTimestamp } from '../../src-main/media/timecode'

/** mulberry32: a tiny seeded PRNG, so generated datasets are identical on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = ['a', 'man', 'woman', 'dog', 'cat', 'is', 'walking', 'running', 'on', 'the', 'beach', 'street', 'in', 'kitchen',
  'cooking', 'playing', 'guitar', 'with', 'red', 'car', 'driving', 'through', 'forest', 'city', 'at', 'night', 'sunset', 'children',
  'field', 'snow', 'mountain', 'river', 'boat', 'talking', 'camera', 'close', 'up', 'of', 'hands', 'food', 'table', 'people']

export interface GeneratedRow {
  YoutubeID: string
  Start_timestamp: string
  End_timestamp: string
  Caption: string
  UMT_Score: number
  Aesthetic_Score: number
  [extra: string]: unknown
}

/**
 * InternVid-like rows: `videos` source videos, a few consecutive clips each (1–150 s, so duration
 * filters bite), scores rounded like InternVid's files, and two verbatim extra fields.
 */
export function* generateRows(n: number, opts: { seed?: number; videos?: number } = {}): Generator<GeneratedRow> {
  const rnd = mulberry32(opts.seed ?? 1)
  const videos = opts.videos ?? Math.max(1, Math.ceil(n / 8))
  const cursor = new Float64Array(videos) // next free start time per video, in ms
  for (let i = 0; i < n; i++) {
    const v = Math.floor(rnd() * videos)
    const startMs = cursor[v]
    const durMs = rnd() < 0.05 ? 500 + Math.floor(rnd() * 400) : rnd() < 0.05 ? 121_000 + Math.floor(rnd() * 30_000) : 1000 + Math.floor(rnd() * 20_000)
    cursor[v] = startMs + durMs + Math.floor(rnd() * 3000)
    const words = 6 + Math.floor(rnd() * 14)
    let caption = ''
    for (let w = 0; w < words; w++) caption += (w ? ' ' : '') + WORDS[Math.floor(rnd() * WORDS.length)]
    yield {
      YoutubeID: `vid${String(v).padStart(8, '0')}`,
      Start_timestamp: formatTimestamp(startMs / 1000),
      End_timestamp: formatTimestamp((startMs + durMs) / 1000),
      Caption: caption,
      UMT_Score: Math.round(rnd() * 1e6) / 1e6,
      Aesthetic_Score: Math.round((2 + rnd() * 5) * 1e4) / 1e4,
      Frame_Count: Math.round(durMs / 33.3),
      Source: { split: i % 10 === 0 ? 'val' : 'train', shard: i % 7 },
    }
  }
}

/** Writes rows as JSONL with 1 MB buffered writes; returns bytes written. */
export function writeJsonl(path: string, rows: Iterable<unknown>, eol = '\n'): number {
  const fd = openSync(path, 'w')
  let buf = ''
  let bytes = 0
  try {
    for (const r of rows) {
      buf += JSON.stringify(r) + eol
      if (buf.length > 1 << 20) {
        bytes += writeSync(fd, buf)
        buf = ''
      }
    }
    if (buf) bytes += writeSync(fd, buf)
  } finally {
    closeSync(fd)
  }
  return bytes
}
