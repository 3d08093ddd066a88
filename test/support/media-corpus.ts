import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHARED_VIDEOS } from './temp-project'

const ff = (...args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args])

/** Deterministic bytes (no Math.random in tests). */
function pseudoRandom(n: number, seed = 42): Buffer {
  const b = Buffer.alloc(n)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    b[i] = x >> 16
  }
  return b
}

export interface CorpusCase {
  file: string
  /** 'ok': ingests; otherwise a regex the failure reason must match. */
  expect: 'ok' | RegExp
  /** A note the report must carry for this file (handled, but worth saying). */
  note?: RegExp
}

/**
 * Bad and unusual media, made at test time from the shared CC0 footage and ffmpeg's sources:
 * each case either ingests or fails with its own specific reason.
 */
export function buildMediaCorpus(dir: string): CorpusCase[] {
  const flower = join(SHARED_VIDEOS, 'flower.mp4')
  const cases: CorpusCase[] = []
  const add = (name: string, expect: CorpusCase['expect'], note?: RegExp) => {
    cases.push({ file: join(dir, name), expect, note })
    return join(dir, name)
  }
  writeFileSync(add('zero bytes.mp4', /empty file \(0 bytes\)/), '')
  writeFileSync(add('notes.mp4', /ffprobe cannot read it/), 'this is a text file with a video extension\n')
  writeFileSync(add('random.mkv', /ffprobe cannot read it/), pseudoRandom(64 * 1024))
  const full = readFileSync(flower)
  // Index (moov) at the end: cutting the file loses it, the classic interrupted download.
  const moovLast = join(dir, 'moov-last.tmp.mp4')
  ff('-i', flower, '-c', 'copy', moovLast)
  const ml = readFileSync(moovLast)
  writeFileSync(add('truncated.mp4', /ffprobe cannot read it/), ml.subarray(0, Math.floor(ml.length / 3)))
  // Index first: the first third still decodes, so it ingests what is there.
  writeFileSync(add('truncated but indexed.mp4', 'ok'), full.subarray(0, Math.floor(full.length / 2)))
  ff('-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', add('audio only.m4a', /no video stream/))
  // A stream whose packets are garbage after the header: decodes to nothing usable.
  const corrupt = Buffer.from(full)
  pseudoRandom(corrupt.length - 4096, 7).copy(corrupt, 4096)
  writeFileSync(add('corrupt stream.mp4', /cannot read it|no video stream|no duration|scene detection failed|frame extraction failed/), corrupt)
  ff('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '2', add('animated.gif', 'ok'))
  ff('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-frames:v', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', add('one frame.mp4', 'ok', /no clip passes the clip rules/))
  // VFR: drop frames irregularly and keep the original timestamps.
  ff('-i', flower, '-vf', "select='not(mod(n\\,3))+not(mod(n\\,7))'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-an', add('vfr.mp4', 'ok'))
  ff('-i', flower, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', add('rotated.mov', 'ok'))
  ff('-i', flower, '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-map', '0:v', '-map', '1:v', '-t', '3', '-c:v', 'libx264', add('two video streams.mkv', 'ok', /2 video streams: using stream #0/))
  ff('-f', 'lavfi', '-i', 'testsrc2=size=7680x4320:rate=5', '-t', '1.2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', add('eight k.mp4', 'ok'))
  copyFileSync(join(SHARED_VIDEOS, 'flower.webm'), add(`quotes 'and' "double" — ünïcödé 日本.webm`, 'ok'))
  ff('-i', join(SHARED_VIDEOS, 'friday.mp4'), '-c:v', 'mpeg4', '-q:v', '5', '-an', add('legacy.avi', 'ok'))
  return cases
}

/**
 * An AVI the way DivX-era archives and old cameras wrote them — MS-MPEG4 v3 video, MP3 audio —
 * made from real footage. Chromium cannot open it, so the player needs a proxy. A source
 * without audio gets a tone, so the proxy's audio path is exercised too.
 */
export function writeLegacyAvi(out: string, source = join(SHARED_VIDEOS, 'flower.mp4'), opts: { tone?: boolean } = {}): string {
  const audio = opts.tone ? ['-f', 'lavfi', '-i', 'sine=frequency=330', '-map', '0:v:0', '-map', '1:a:0', '-shortest'] : ['-map', '0:v:0', '-map', '0:a:0']
  ff('-i', source, ...audio, '-c:v', 'msmpeg4', '-q:v', '4', '-c:a', 'libmp3lame', '-b:a', '128k', out)
  return out
}
