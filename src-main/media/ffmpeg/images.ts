import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface DecodedImage {
  width: number
  height: number
  /** Packed RGB24. */
  data: Uint8Array
}

/** Splits a stream of binary PPM (P6, maxval 255) images. */
function parsePpmStream(buf: Buffer): DecodedImage[] {
  const out: DecodedImage[] = []
  let pos = 0
  const token = (): string => {
    // Skip whitespace and comments, then read one header token.
    for (;;) {
      while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]))) pos++
      if (buf[pos] !== 0x23) break
      while (pos < buf.length && buf[pos] !== 0x0a) pos++
    }
    const start = pos
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]))) pos++
    return buf.toString('latin1', start, pos)
  }
  while (pos < buf.length) {
    if (token() !== 'P6') throw new Error('decoder output is not a PPM stream')
    const width = Number(token())
    const height = Number(token())
    const max = Number(token())
    pos++ // the single whitespace byte after maxval
    if (max !== 255 || !(width > 0 && height > 0)) throw new Error(`unsupported PPM header ${width}x${height} max ${max}`)
    const size = width * height * 3
    if (pos + size > buf.length) throw new Error('decoder output ended inside an image')
    out.push({ width, height, data: new Uint8Array(buf.buffer, buf.byteOffset + pos, size) })
    pos += size
    while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]))) pos++
  }
  return out
}

/**
 * Decodes still images (the cached JPEG frames) to RGB24 in one ffmpeg run, in order. The model
 * preprocessing resizes from these pixels, exactly as it would from decoded video frames.
 */
export function decodeImages(files: string[], signal?: AbortSignal): Promise<DecodedImage[]> {
  if (files.length === 0) return Promise.resolve([])
  const dir = mkdtempSync(join(tmpdir(), 'vicurate-decode-'))
  const list = join(dir, 'list.txt')
  writeFileSync(list, files.map((f) => `file '${f.replace(/'/g, "'\\''")}'\n`).join(''))
  return new Promise<DecodedImage[]>((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list,
      '-vf', 'setpts=N/TB', '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'], signal })
    const chunks: Buffer[] = []
    let err = ''
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`decoding ${files.length} cached frames failed: ${err.trim().split('\n').at(-1) ?? `ffmpeg exited ${code}`}`))
      try {
        const images = parsePpmStream(Buffer.concat(chunks))
        if (images.length !== files.length) throw new Error(`decoded ${images.length} of ${files.length} cached frames`)
        resolve(images)
      } catch (e) {
        reject(e)
      }
    })
  }).finally(() => rmSync(dir, { recursive: true, force: true }))
}
