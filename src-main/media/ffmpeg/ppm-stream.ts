export interface DecodedImage {
  width: number
  height: number
  /** Packed RGB24. */
  data: Uint8Array
}

/** Splits a stream of binary PPM (P6, maxval 255) images. */
export function parsePpmStream(buf: Buffer): DecodedImage[] {
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
