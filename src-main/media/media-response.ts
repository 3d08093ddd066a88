import { createReadStream, statSync } from 'node:fs'
import { Readable } from 'node:stream'
import { ApiError } from '../api/errors'
import { resolveMediaPath } from '../core/media-access'
import type { ProjectContext } from '../core/project-context'
import { contentTypeFor, parseByteRange } from './byte-range'

/**
 * A web `Response` for a media path (`/video/<id>`, `/thumb/<clipId>`), honouring one byte
 * range. Electron's custom protocol returns it as is; it is plain Node so tests run it here.
 */
export function mediaResponse(ctx: ProjectContext, path: string, rangeHeader: string | null): Response {
  let file: string
  try {
    file = resolveMediaPath(ctx, path)
  } catch (err) {
    const status = err instanceof ApiError && err.code === 'not_found' ? 404 : 400
    return new Response(err instanceof Error ? err.message : 'bad media request', { status })
  }
  const size = statSync(file).size
  const headers = new Headers({ 'content-type': contentTypeFor(file), 'accept-ranges': 'bytes' })
  const range = parseByteRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    headers.set('content-range', `bytes */${size}`)
    return new Response(null, { status: 416, headers })
  }
  const { start, end } = range ?? { start: 0, end: size - 1 }
  headers.set('content-length', String(end - start + 1))
  if (range) headers.set('content-range', `bytes ${start}-${end}/${size}`)
  const body = size === 0 ? null : (Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>)
  return new Response(body, { status: range ? 206 : 200, headers })
}
