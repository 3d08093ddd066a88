import type { ClipFilters, ClipStatus, FilterField } from '../../api/contract'
import type { StatusChange } from './clip-changes'
import { countRow, type ClipSnapshot, type PassSpec } from './clip-snapshot'

/** `unicode()` of each status's first letter, as the status log and the snapshot carry them. */
const FIRST_LETTER: Record<ClipStatus, number> = { pending: 112, accepted: 97, rejected: 114 }
const FIELDS: readonly FilterField[] = ['similarity', 'aesthetic', 'duration', 'captionLength']

/** The filterable values of a clip whose status changed (NULL as null). */
export interface ChangedClip {
  id: number
  similarity: number | null
  aesthetic: number | null
  duration: number | null
  captionLength: number | null
}

/** A changed clip entering (+1) or leaving (−1) a status-filtered scope. */
export interface Move {
  clip: ChangedClip
  weight: 1 | -1
}

/**
 * Which changed clips enter or leave the scope `status` + `filters` (ranges already resolved,
 * the caption search as the ids among them that match it): the same tests the SQL filter and the
 * snapshot apply — a bound fails a NULL, both bounds are inclusive.
 */
export function movesFor(status: ClipStatus, filters: ClipFilters, changes: StatusChange[], clips: Map<number, ChangedClip>, textIds: Set<number> | null): Move[] {
  const code = FIRST_LETTER[status]
  const moves: Move[] = []
  for (const c of changes) {
    const weight = (c.to === code ? 1 : 0) - (c.from === code ? 1 : 0)
    if (weight === 0) continue
    const clip = clips.get(c.id)
    if (!clip || (textIds && !textIds.has(c.id))) continue
    const inside = FIELDS.every((f) => {
      const r = filters[f]
      if (!r || (r.min === undefined && r.max === undefined)) return true
      const v = clip[f]
      return v !== null && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max)
    })
    if (inside) moves.push({ clip, weight: weight as 1 | -1 })
  }
  return moves
}

/**
 * Adds the moves to a scope's cached pass (bins counted with the pass's own bin edges, `spec`,
 * whose counts start at zero) and returns the change in clips and seconds for its keep rate.
 */
export function applyMoves(spec: PassSpec, moves: Move[], pass: { hist: Partial<Record<FilterField, number[]>>; density: number[] | null }): { clips: number; seconds: number } {
  let clips = 0
  let seconds = 0
  for (const { clip: c, weight } of moves) {
    countRow(spec, c.similarity ?? NaN, c.aesthetic ?? NaN, c.duration ?? NaN, c.captionLength ?? NaN, weight)
    clips += weight
    seconds += weight * (c.duration ?? 0)
  }
  FIELDS.forEach((f, i) => {
    const delta = spec.counts[i]
    const target = pass.hist[f]
    if (delta && target) for (let k = 0; k < target.length; k++) target[k] += delta[k]
  })
  if (spec.cells && pass.density) for (let k = 0; k < pass.density.length; k++) pass.density[k] += spec.cells[k]
  return { clips, seconds }
}

/** A cached pass as ClipStats keeps it (key: `scopeKey|histBins|densityBins`). */
interface CachedPass {
  hist: Partial<Record<FilterField, number[]>>
  density: number[] | null
  clips: number
  hours: number
}

/** What moveStatuses needs of the statistics engine (ClipStats), inside its read transaction. */
export interface StatusMoveHost {
  snapshot: ClipSnapshot | null | undefined
  passes: Map<string, CachedPass>
  /** Holds `kept:<scopeKey>` → { clips, hours } among other entries. */
  cache: Map<string, unknown>
  /** The filterable values of these clip ids (a JSON array). */
  clips(ids: string): ChangedClip[]
  /** Which of these ids match the caption search `text`; null when the text has no words. */
  textMatches(text: string, ids: string): Set<number> | null
  resolve(filters: ClipFilters): ClipFilters
  specFor(histBins: number, densityBins: number | null): PassSpec
}

/**
 * Only these clips' status changed: the `all` series, ranges and totals stand; the snapshot
 * takes the new statuses; cached answers for a status-filtered scope move each changed clip
 * between their counts (a clip entering the scope is added to its bins, one leaving removed), so
 * a decision costs reading that clip, not a pass over every clip (~13 s at 10M without a
 * snapshot). More than `maxClips` changes drop those answers instead. False when the snapshot
 * lacks a clip (the caller then rebuilds everything).
 */
export function moveStatuses(host: StatusMoveHost, changes: StatusChange[], maxClips: number): boolean {
  if (changes.length === 0) return true
  const snap = host.snapshot
  if (snap && !changes.every((c) => snap.setStatus(c.id, c.to))) return false
  const statusScoped = (scope: string) => !scope.startsWith('["all",')
  const scopeOfPass = (key: string) => key.slice(0, key.lastIndexOf('|', key.lastIndexOf('|') - 1))
  const passKeys = [...host.passes.keys()].filter((k) => statusScoped(scopeOfPass(k)))
  const keptKeys = [...host.cache.keys()].filter((k) => k.startsWith('kept:') && statusScoped(k.slice(5)))
  if (passKeys.length === 0 && keptKeys.length === 0) return true
  if (changes.length > maxClips) {
    for (const k of passKeys) host.passes.delete(k)
    for (const k of keptKeys) host.cache.delete(k)
    return true
  }
  const ids = JSON.stringify(changes.map((c) => c.id))
  const clips = new Map(host.clips(ids).map((r) => [r.id, r]))
  const movesOf = (scope: string): Move[] => {
    const [status, raw] = JSON.parse(scope) as [ClipStatus, ClipFilters]
    const filters = host.resolve(raw)
    return movesFor(status, filters, changes, clips, filters.text ? host.textMatches(filters.text, ids) : null)
  }
  for (const key of passKeys) {
    const pass = host.passes.get(key)!
    const second = key.lastIndexOf('|')
    const first = key.lastIndexOf('|', second - 1)
    const spec = host.specFor(Number(key.slice(first + 1, second)), pass.density ? Number(key.slice(second + 1)) : null)
    const d = applyMoves(spec, movesOf(key.slice(0, first)), pass)
    pass.clips += d.clips
    pass.hours += d.seconds / 3600
  }
  for (const key of keptKeys) {
    const kept = host.cache.get(key) as { clips: number; hours: number }
    const moves = movesOf(key.slice(5))
    host.cache.set(key, { clips: kept.clips + moves.reduce((n, m) => n + m.weight, 0), hours: kept.hours + moves.reduce((h, m) => h + m.weight * (m.clip.duration ?? 0), 0) / 3600 })
  }
  return true
}
