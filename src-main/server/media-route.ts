import { createReadStream, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ApiError } from '../api/errors'
import { resolveMediaPath } from '../core/media-access'
import type { ProjectContext } from '../core/project-context'
import { contentTypeFor, parseByteRange } from '../media/byte-range'

/** GET /media/video/<id> and /media/thumb/<clipId>, with single byte ranges so <video> can seek. */
export function serveMedia(ctx: ProjectContext, subpath: string, req: IncomingMessage, res: ServerResponse): void {
  let file: string
  try {
    file = resolveMediaPath(ctx, subpath)
  } catch (err) {
    res.writeHead(err instanceof ApiError && err.code === 'not_found' ? 404 : 400, { 'content-type': 'text/plain' })
    res.end(err instanceof Error ? err.message : 'bad media request')
    return
  }
  const size = statSync(file).size
  const headers: Record<string, string | number> = {
    'content-type': contentTypeFor(file),
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
  }
  const range = parseByteRange(req.headers.range, size)
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end()
    return
  }
  if (range === null) {
    res.writeHead(200, { ...headers, 'content-length': size })
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file).pipe(res)
    return
  }
  res.writeHead(206, {
    ...headers,
    'content-length': range.end - range.start + 1,
    'content-range': `bytes ${range.start}-${range.end}/${size}`,
  })
  if (req.method === 'HEAD') return void res.end()
  createReadStream(file, { start: range.start, end: range.end }).pipe(res)
}
