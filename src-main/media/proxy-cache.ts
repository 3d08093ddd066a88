import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The on-disk cache of playback proxies: `<project>.vicurate.d/proxies/<videoId>.mp4` plus a
 * `<videoId>.json` manifest. The manifest is written last, so "a manifest that matches the
 * source" means "a whole proxy of this exact file": a crash between the two renames leaves an
 * mp4 without a manifest, which is simply transcoded again. Plain sync fs, because the media
 * routes (HTTP and Electron's protocol) resolve files synchronously per range request.
 */

export const PROXY_FOLDER = 'proxies'
const VERSION = 1

/** What the proxy was made from: a changed or replaced source makes it stale. */
export interface SourceStamp {
  path: string
  sizeBytes: number
  mtimeMs: number
}

export interface ProxyManifest {
  version: number
  videoId: number
  source: SourceStamp
  /** Why the source needed a proxy (the playability rule's reason). */
  reason: string
  bytes: number
  durationS: number
  frames: number
  /**
   * First video frame of the proxy and of the source on the clips' timeline (0 = the source's
   * start), recorded so a misaligned proxy is detectable; the transcode keeps them equal.
   */
  firstFrameS: number
  sourceFirstFrameS: number
  createdAt: string
}

export interface ReadyProxy {
  file: string
  manifest: ProxyManifest
  /** Changes whenever the proxy file does: a cache-busting token for media URLs. */
  revision: string
}

export function proxyFolder(dataDir: string): string {
  return join(dataDir, PROXY_FOLDER)
}

export function proxyFile(dataDir: string, videoId: number): string {
  return join(proxyFolder(dataDir), `${videoId}.mp4`)
}

function manifestFile(dataDir: string, videoId: number): string {
  return join(proxyFolder(dataDir), `${videoId}.json`)
}

/** Size and modification time of a source file, or null when it cannot be read. */
export function stampOf(path: string): SourceStamp | null {
  try {
    const s = statSync(path)
    return { path, sizeBytes: s.size, mtimeMs: Math.floor(s.mtimeMs) }
  } catch {
    return null
  }
}

export function sameStamp(a: SourceStamp, b: SourceStamp): boolean {
  return a.path === b.path && a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs
}

/** The finished proxy of this video, when it exists and was made from `sourcePath` as it is now. */
export function readyProxy(dataDir: string, videoId: number, sourcePath: string): ReadyProxy | null {
  const file = proxyFile(dataDir, videoId)
  let manifest: ProxyManifest
  try {
    manifest = JSON.parse(readFileSync(manifestFile(dataDir, videoId), 'utf8')) as ProxyManifest
  } catch {
    return null
  }
  const now = stampOf(sourcePath)
  if (manifest.version !== VERSION || manifest.videoId !== videoId || !now || !sameStamp(manifest.source, now)) return null
  if (!existsSync(file)) return null
  return { file, manifest, revision: `${manifest.bytes.toString(36)}-${Date.parse(manifest.createdAt).toString(36)}` }
}

/** Temp file + rename: readers see the old manifest or the new one, never half of one. */
export function writeManifest(dataDir: string, manifest: Omit<ProxyManifest, 'version'>): void {
  const target = manifestFile(dataDir, manifest.videoId)
  const temp = `${target}.${process.pid}.partial`
  writeFileSync(temp, `${JSON.stringify({ version: VERSION, ...manifest }, null, 2)}\n`)
  renameSync(temp, target)
}

/**
 * Removes partial files a killed process left behind. A live transcode rewrites its partial file
 * several times a second, so one untouched for `olderThanMs` belongs to no running ffmpeg.
 */
export function removeStalePartials(dataDir: string, olderThanMs = 10 * 60_000): number {
  let names: string[]
  try {
    names = readdirSync(proxyFolder(dataDir))
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names.filter((n) => n.includes('.partial'))) {
    const path = join(proxyFolder(dataDir), name)
    const stamp = stampOf(path)
    if (stamp && Date.now() - stamp.mtimeMs > olderThanMs) {
      rmSync(path, { force: true })
      removed++
    }
  }
  return removed
}

/**
 * Marks a proxy as just played: its access time is what eviction orders by. Set explicitly
 * (noatime mounts never update it by themselves); the modification time is left as it was.
 */
export function touchProxy(file: string): void {
  try {
    const { mtime } = statSync(file)
    utimesSync(file, new Date(), mtime)
  } catch {
    // Gone meanwhile (evicted by another process): nothing to mark.
  }
}

/**
 * Removes the least recently played proxies until the finished ones take at most `maxBytes`,
 * never those in `keep` (being made or on screen). The manifest goes first, so a reader never
 * finds a manifest whose file is gone half way through a read it already started (an open file
 * stays readable after unlink). Returns the video ids removed.
 */
export function evictProxies(dataDir: string, maxBytes: number, keep: ReadonlySet<number> = new Set()): number[] {
  let names: string[]
  try {
    names = readdirSync(proxyFolder(dataDir))
  } catch {
    return []
  }
  const proxies: { videoId: number; bytes: number; usedMs: number }[] = []
  for (const name of names) {
    const m = /^(\d+)\.mp4$/.exec(name)
    if (!m) continue
    try {
      const st = statSync(join(proxyFolder(dataDir), name))
      proxies.push({ videoId: Number(m[1]), bytes: st.size, usedMs: Math.max(st.atimeMs, st.mtimeMs) })
    } catch {
      // Removed meanwhile.
    }
  }
  let total = proxies.reduce((sum, p) => sum + p.bytes, 0)
  const removed: number[] = []
  for (const p of proxies.sort((a, b) => a.usedMs - b.usedMs)) {
    if (total <= maxBytes) break
    if (keep.has(p.videoId)) continue
    rmSync(manifestFile(dataDir, p.videoId), { force: true })
    rmSync(proxyFile(dataDir, p.videoId), { force: true })
    total -= p.bytes
    removed.push(p.videoId)
  }
  return removed
}
