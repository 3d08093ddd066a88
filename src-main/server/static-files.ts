import { createReadStream, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** Serves the built renderer; unknown paths fall back to index.html (single-page app). No listings. */
export function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
  let file = join(root, rel)
  if (!file.startsWith(root + sep) && file !== root) {
    res.writeHead(404).end()
    return
  }
  let st = safeStat(file)
  if (!st?.isFile()) {
    file = join(root, 'index.html')
    st = safeStat(file)
    if (!st?.isFile()) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('The UI is not built: run `npm run build`.\n')
      return
    }
  }
  const ext = file.slice(file.lastIndexOf('.'))
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-length': st.size,
    // Hashed asset names are immutable; index.html must always be revalidated.
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  createReadStream(file).pipe(res)
}

function safeStat(path: string) {
  try {
    return statSync(path)
  } catch {
    return null
  }
}
