import type { ClipFilters, ClipStatus, FilterField } from '../../api/contract'
import type { StatusChange } from './clip-changes'
import { countRow, type PassSpec } from './clip-snapshot'

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
