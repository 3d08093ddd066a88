import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A loopback HTTP server for download tests: serves in-memory files with Range support and can
 * misbehave on purpose (drop the connection mid-file, ignore Range) so resume logic is tested
 * against a real socket rather than a mocked fetch.
 */
export interface FixtureFile {
  body: Buffer
  /** Destroy the socket after sending this many bytes of the body, for the next `dropTimes` requests. */
  dropAfter?: number
  dropTimes?: number
  /** Answer every request with 200 and the whole body, as servers without Range support do. */
  ignoreRange?: boolean
  /** Answer 302 to this other served name, as hubs redirect to their CDN. */
  redirectTo?: string
}

export interface RequestLog {
  path: string
  range: string | null
  status: number
}

export interface FixtureServer {
  baseUrl: string
  url(name: string): string
  files: Map<string, FixtureFile>
  requests: RequestLog[]
  close(): Promise<void>
}

export async function startFixtureServer(files: Record<string, FixtureFile> = {}): Promise<FixtureServer> {
  const map = new Map(Object.entries(files))
  const requests: RequestLog[] = []
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1))
    const file = map.get(name)
    const range = req.headers.range ?? null
    const log = (status: number) => requests.push({ path: name, range, status })
    if (!file) {
      log(404)
      res.writeHead(404).end('not found')
      return
    }
    if (file.redirectTo !== undefined) {
      log(302)
      res.writeHead(302, { Location: `/${encodeURIComponent(file.redirectTo)}` }).end()
      return
    }
    const size = file.body.length
    let start = 0
    let status = 200
    const m = range && !file.ignoreRange ? /^bytes=(\d+)-$/.exec(range) : null
    if (m) {
      start = Number(m[1])
      if (start >= size) {
        log(416)
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end()
        return
      }
      status = 206
    }
    log(status)
    const body = file.body.subarray(start)
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': body.length, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' }
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${size - 1}/${size}`
    res.writeHead(status, headers)
    if (file.dropAfter !== undefined && (file.dropTimes ?? 1) > 0) {
      file.dropTimes = (file.dropTimes ?? 1) - 1
      const cut = Math.max(0, file.dropAfter - start)
      // Flush the first part, then kill the socket the way a flaky network does.
      res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20))
      return
    }
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`
  return {
    baseUrl,
    url: (name) => `${baseUrl}/${encodeURIComponent(name)}`,
    files: map,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
