import { createReadStream } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'

/** One physical line of a text file, 1-based, without its `\n` / `\r\n` and without a BOM. */
export interface TextLine {
  line: number
  text: string
  /** Set when the line was longer than `maxChars`; `text` is then empty (it was not kept). */
  tooLong: boolean
}

export interface LineReaderOptions {
  /** Longest line kept in memory; longer ones are reported as `tooLong` and skipped, so one
   * corrupt multi-gigabyte "line" cannot exhaust memory. */
  maxChars: number
  highWaterMark?: number
}

/**
 * Streams a file as lines, calling `onChunk` once per read chunk with the complete lines in it.
 * Chunked callbacks (not one await per line) keep the per-line overhead to a string slice:
 * readline's per-line events cost more than the JSON parsing at 200k+ lines/s. Memory is one
 * chunk plus the longest kept line. Tolerates a UTF-8 BOM and CRLF line ends.
 */
export async function readLinesChunked(path: string, opts: LineReaderOptions, onChunk: (lines: TextLine[]) => void): Promise<number> {
  const decoder = new StringDecoder('utf8')
  const stream = createReadStream(path, { highWaterMark: opts.highWaterMark ?? 1 << 20 })
  let carry = ''
  let skipping = false // inside an over-long line, dropping text until its newline
  let lineNo = 0
  let first = true
  const emit = (out: TextLine[], text: string, tooLong: boolean) => {
    lineNo++
    if (first) {
      first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1)
    out.push({ line: lineNo, text: tooLong ? '' : text, tooLong })
  }
  const consume = (s: string) => {
    const out: TextLine[] = []
    let start = 0
    for (;;) {
      const nl = s.indexOf('\n', start)
      if (nl === -1) break
      if (skipping) {
        emit(out, '', true)
        skipping = false
      } else {
        const text = carry.length ? carry + s.slice(start, nl) : s.slice(start, nl)
        carry = ''
        emit(out, text, text.length > opts.maxChars)
      }
      start = nl + 1
    }
    if (!skipping) {
      carry = carry.length ? carry + s.slice(start) : s.slice(start)
      if (carry.length > opts.maxChars) {
        skipping = true
        carry = ''
      }
    }
    if (out.length) onChunk(out)
  }
  for await (const chunk of stream) consume(decoder.write(chunk as Buffer))
  consume(decoder.end())
  // A last line without a trailing newline is still a line.
  if (skipping || carry.length) {
    const out: TextLine[] = []
    emit(out, carry, skipping)
    onChunk(out)
  }
  return lineNo
}
