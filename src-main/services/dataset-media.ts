import { readdirSync, realpathSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { isInside } from '../core/media-access'
import type { AnnotationRow } from './dataset-annotation'

/**
 * Maps an annotation row to a local media file by a pattern. Placeholders:
 *  - `{root}`       the video root (its real path)
 *  - `{YoutubeID}`  the row's YoutubeID (validated: no separators, not `.`/`..`)
 *  - `{start}` / `{end}`     the row's Start_timestamp / End_timestamp exactly as written in the
 *                            JSONL, e.g. `00:00:01.200` → `abc_00:00:01.200_00:00:05.000.mp4`
 *  - `{start_s}` / `{end_s}` the same times in seconds with three decimals, e.g. `1.200`
 * A pattern using {start}/{end}/{start_s}/{end_s} names clip files (one file per row, stored on the
 * clip); otherwise it names whole videos (one file per YoutubeID, stored on the video).
 */
export const DEFAULT_PATTERN = '{root}/{YoutubeID}.mp4'
export const CLIP_PATTERN_EXAMPLE = '{root}/{YoutubeID}_{start}_{end}.mp4'

const PLACEHOLDERS = new Set(['root', 'YoutubeID', 'start', 'end', 'start_s', 'end_s'])

export type MediaLookup = { path: string | null } | { reason: string }

export class MediaPatternError extends Error {}

export class MediaResolver {
  readonly kind: 'video' | 'clip'
  private readonly dirs = new Map<string, Set<string> | null>()

  constructor(
    /** Real, absolute path of the video root. */
    readonly root: string,
    readonly pattern: string,
  ) {
    const names = [...pattern.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1])
    const unknown = names.find((n) => !PLACEHOLDERS.has(n))
    if (unknown !== undefined) throw new MediaPatternError(`unknown placeholder {${unknown}} in pattern "${pattern}" (known: ${[...PLACEHOLDERS].map((p) => `{${p}}`).join(', ')})`)
    if (!names.includes('YoutubeID')) throw new MediaPatternError(`pattern "${pattern}" must contain {YoutubeID}`)
    this.kind = names.some((n) => n !== 'root' && n !== 'YoutubeID') ? 'clip' : 'video'
    const probe = this.fill('x', '00:00:00.000', '00:00:01.000', 0, 1)
    if (!isInside(root, probe) || probe === root) throw new MediaPatternError(`pattern "${pattern}" must name files inside the video root ${root}`)
  }

  private fill(id: string, start: string, end: string, startS: number, endS: number): string {
    const text = this.pattern.replace(/\{([^{}]*)\}/g, (_m, name: string) => {
      switch (name) {
        case 'root':
          return this.root
        case 'YoutubeID':
          return id
        case 'start':
          return start
        case 'end':
          return end
        case 'start_s':
          return startS.toFixed(3)
        default:
          return endS.toFixed(3)
      }
    })
    return resolve(this.root, text)
  }

  /** Looks a row's file up: found (real path), missing (null), or a reason to reject the row. */
  lookup(row: Pick<AnnotationRow, 'youtubeId' | 'startText' | 'endText' | 'startS' | 'endS'>): MediaLookup {
    const path = this.fill(row.youtubeId, row.startText, row.endText, row.startS, row.endS)
    if (!isInside(this.root, path)) return { reason: `path traversal: the media path for YoutubeID "${row.youtubeId}" lies outside the video root` }
    if (!this.listing(dirname(path))?.has(basename(path))) return { path: null }
    let real: string
    try {
      real = realpathSync(path)
    } catch {
      return { path: null } // a dangling symlink is a missing file
    }
    if (!isInside(this.root, real)) return { reason: `path traversal: ${path} is a link to a file outside the video root` }
    return { path: real }
  }

  /** One readdir per folder instead of one stat per row: a 1M-row import checks a few folders. */
  private listing(dir: string): Set<string> | null {
    let names = this.dirs.get(dir)
    if (names === undefined) {
      try {
        names = new Set(readdirSync(dir))
      } catch {
        names = null
      }
      this.dirs.set(dir, names)
    }
    return names
  }
}
