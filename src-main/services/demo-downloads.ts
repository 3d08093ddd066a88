import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { downloadFile } from '../ml/model-download'

/**
 * Openly licensed sample videos fetched from their publishers when the machine is online.
 * sha256 and sizes are those of the published files; a mismatch means the file changed upstream
 * (or was tampered with) and it is not used.
 */
export interface DemoDownload {
  file: string
  url: string
  sha256: string
  bytes: number
  credit: string
}

export const DEMO_DOWNLOADS: DemoDownload[] = [
  {
    file: 'flower.mp4',
    url: 'https://interactive-examples.mdn.mozilla.net/media/cc0-videos/flower.mp4',
    sha256: '0cd83d944a6ca7822b4a8306cecc60a36e859b041f6702c6a1ad9ead78924451',
    bytes: 1128375,
    credit: 'flower.mp4 — MDN interactive examples, CC0 1.0 (https://github.com/mdn/interactive-examples)',
  },
  {
    file: 'friday.mp4',
    url: 'https://interactive-examples.mdn.mozilla.net/media/cc0-videos/friday.mp4',
    sha256: '339504acdef44f4e50c760e657cf76a8df60f25c91a239682abda56ac1886e90',
    bytes: 515198,
    credit: 'friday.mp4 — MDN interactive examples, CC0 1.0 (https://github.com/mdn/interactive-examples)',
  },
  {
    file: 'cockatoo.mp4',
    url: 'https://raw.githubusercontent.com/imageio/imageio-binaries/master/images/cockatoo.mp4',
    sha256: '5fde35f5a288ca86e216d2dc28188ab64b4560d3021f273faefdf0de80f38aa5',
    bytes: 728751,
    credit: 'cockatoo.mp4 — imageio test media (imageio/imageio-binaries), public domain to the best of imageio’s knowledge',
  },
]

export interface DownloadOutcome {
  downloaded: DemoDownload[]
  skipped: { file: string; reason: string }[]
}

/**
 * Fetches what it can into `dir` (each file verified, nothing partial left behind) and writes
 * CREDITS.txt for what was fetched. Offline, every file is skipped with the reason, quickly.
 */
export async function fetchDemoVideos(dir: string, list: DemoDownload[] = DEMO_DOWNLOADS, opts: { timeoutMs?: number; fetchImpl?: typeof fetch } = {}): Promise<DownloadOutcome> {
  mkdirSync(dir, { recursive: true })
  const out: DownloadOutcome = { downloaded: [], skipped: [] }
  for (const d of list) {
    const dest = join(dir, d.file)
    try {
      await downloadFile({ url: d.url, dest, sha256: d.sha256, bytes: d.bytes, maxAttempts: 2, retryDelayMs: 200, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000), fetchImpl: opts.fetchImpl })
      out.downloaded.push(d)
    } catch (err) {
      rmSync(dest, { force: true })
      rmSync(`${dest}.part`, { force: true })
      // The downloader's message is worded for model installs; keep only its cause.
      const message = (err as Error).message
      const cause = /download failed after \d+ attempts \(([^)]*)\)/.exec(message)?.[1]
      out.skipped.push({ file: d.file, reason: cause ? `unreachable: ${cause}` : message })
    }
  }
  if (out.downloaded.length > 0) {
    writeFileSync(join(dir, 'CREDITS.txt'), ['Sample videos in this folder:', ...out.downloaded.map((d) => `- ${d.credit}`), ''].join('\n'))
  }
  return out
}
