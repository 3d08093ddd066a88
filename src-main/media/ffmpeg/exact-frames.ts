import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePpmStream, type DecodedImage } from './ppm-stream'
import { selectExpr } from './select-expr'

/** Below this the decode starts at 0 (seeking into some open-GOP files yields damaged frames). */
const SEEK_MIN_S = 30

/**
 * Decodes, at full resolution and without any scaling, the frames presented at the given times
 * (file timeline, stream start subtracted), in one pass over their time span. The models'
 * preprocessing then resizes from exactly the pixels the reference implementations decode,
 * instead of from the compact JPEG cache. Times must be frame times (as recorded by the frame
 * planner); each returned image pairs with one distinct time, in ascending order.
 */
export function decodeFramesAt(videoPath: string, times: number[], opts: { startTimeS: number; signal?: AbortSignal }): Promise<{ t: number; image: DecodedImage }[]> {
  const distinct = [...new Set(times)].sort((a, b) => a - b)
  if (distinct.length === 0) return Promise.resolve([])
  // A hair before each recorded time: recorded times are rounded to the microsecond.
  const abs = distinct.map((t) => t + opts.startTimeS - 1e-4)
  const from = Math.max(0, abs[0] - 0.5)
  const to = abs[abs.length - 1] + 0.5
  const dir = mkdtempSync(join(tmpdir(), 'vicurate-exact-'))
  const script = join(dir, 'graph.txt')
  writeFileSync(script, `[0:v]select='${selectExpr(abs)}'[m]`)
  const seek = from > SEEK_MIN_S ? ['-ss', from.toFixed(3)] : []
  return new Promise<{ t: number; image: DecodedImage }[]>((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...seek, '-to', to.toFixed(3), '-copyts', '-i', videoPath,
      '-an', '-sn', '-dn', '-filter_complex_script', script, '-map', '[m]', '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal })
    const chunks: Buffer[] = []
    let err = ''
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${videoPath}: decoding model frames failed: ${err.trim().split('\n').at(-1) ?? `ffmpeg exited ${code}`}`))
      try {
        const images = parsePpmStream(Buffer.concat(chunks))
        if (images.length !== distinct.length) throw new Error(`${videoPath}: decoded ${images.length} of ${distinct.length} model frames`)
        resolve(images.map((image, i) => ({ t: distinct[i]!, image })))
      } catch (e) {
        reject(e)
      }
    })
  }).finally(() => rmSync(dir, { recursive: true, force: true }))
}
