/**
 * The export's filter language and selection rules, kept apart from the writer so each rule is
 * testable on its own.
 *
 * `--where` grammar (one comparison per flag; several flags are ANDed):
 *     FIELD OP NUMBER        FIELD ∈ similarity | aesthetic | duration | caption_len
 *                            OP ∈ >= <= > < = == !=
 * e.g. `similarity>=0.3`, `duration <= 120`, `caption_len>10`. The field maps through a fixed
 * table to a column and the number becomes a bound parameter: user text never reaches the SQL.
 * A clip whose field is NULL (no score yet) fails every comparison, as in SQL.
 */

export type WhereField = 'similarity' | 'aesthetic' | 'duration' | 'caption_len'
export type WhereOp = '>=' | '<=' | '>' | '<' | '=' | '!='

export interface WhereClause {
  field: WhereField
  op: WhereOp
  value: number
  /** The user's text, for the manifest. */
  text: string
}

export const WHERE_COLUMNS: Record<WhereField, string> = {
  similarity: 'c.similarity',
  aesthetic: 'c.aesthetic',
  duration: 'c.duration_s',
  caption_len: 'c.caption_len',
}

export class FilterSyntaxError extends Error {}

const WHERE_RE = /^\s*([A-Za-z_]+)\s*(>=|<=|==|!=|=|>|<)\s*([^\s]+)\s*$/

export function parseWhere(text: string): WhereClause {
  const m = WHERE_RE.exec(text)
  if (!m) {
    throw new FilterSyntaxError(`--where "${text}": expected FIELD OP NUMBER, e.g. similarity>=0.3 (fields: ${Object.keys(WHERE_COLUMNS).join(', ')})`)
  }
  const field = m[1]
  if (!(field in WHERE_COLUMNS)) {
    throw new FilterSyntaxError(`--where "${text}": unknown field "${field}" (fields: ${Object.keys(WHERE_COLUMNS).join(', ')})`)
  }
  // Number(): "" and "0x10" would pass isFinite; the regex admits only decimal literals.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(m[3]) || !Number.isFinite(Number(m[3]))) {
    throw new FilterSyntaxError(`--where "${text}": "${m[3]}" is not a number`)
  }
  const op = (m[2] === '==' ? '=' : m[2]) as WhereOp
  return { field: field as WhereField, op, value: Number(m[3]), text: text.trim() }
}

export type StatusFilter = 'all' | 'pending' | 'accepted' | 'rejected' | 'not-rejected'
export const STATUS_FILTERS: readonly StatusFilter[] = ['not-rejected', 'accepted', 'pending', 'rejected', 'all']

export type ScoreKey = 'similarity' | 'aesthetic'

export interface SelectionSpec {
  /** Default 'not-rejected': a curated export leaves out what a curator rejected. */
  status: StatusFilter
  where: WhereClause[]
  /** Rank-based: keep the best ceil(P% × N) rows of the filtered set by `by`, ties by id. */
  topPercent: { percent: number; by: ScoreKey } | null
  /** InternVid DIV sampling: N rows without replacement, weight 1 / (clips of the same video). */
  div: { n: number; seed: number } | null
  preset: 'flt' | 'aes' | null
}

/** InternVid-10M-FLT's target size; `--preset flt` samples this many unless `--div` says otherwise. */
export const FLT_DEFAULT_DIV = 10_000_000

/**
 * Presets, as InternVid built its subsets:
 *  - flt: drop clips shorter than 1 s or longer than 120 s, keep the top 30 % by UMT similarity,
 *         then DIV-sample N (`--div N`, default 10,000,000 — InternVid-10M-FLT; with fewer
 *         candidates every one is kept). The flags it sets cannot also be given.
 *  - aes: aesthetic ≥ 4 (InternVid-Aes-18M's threshold).
 */
export function applyPreset(spec: SelectionSpec): SelectionSpec {
  if (spec.preset === 'flt') {
    if (spec.topPercent) throw new FilterSyntaxError('--preset flt sets --top-percent 30 --by similarity; do not give --top-percent too')
    return {
      ...spec,
      where: [...spec.where, parseWhere('duration>=1'), parseWhere('duration<=120')],
      topPercent: { percent: 30, by: 'similarity' },
      div: spec.div ?? { n: FLT_DEFAULT_DIV, seed: 0 },
    }
  }
  if (spec.preset === 'aes') return { ...spec, where: [...spec.where, parseWhere('aesthetic>=4')] }
  return spec
}

/** The SQL condition (over `clips c`) and its parameters for status + where clauses. */
export function filterSql(spec: Pick<SelectionSpec, 'status' | 'where'>): { sql: string; params: (number | string)[] } {
  const parts: string[] = []
  const params: (number | string)[] = []
  if (spec.status === 'not-rejected') parts.push(`c.status != 'rejected'`)
  else if (spec.status !== 'all') {
    parts.push('c.status = ?')
    params.push(spec.status)
  }
  for (const w of spec.where) {
    parts.push(`${WHERE_COLUMNS[w.field]} ${w.op} ?`)
    params.push(w.value)
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params }
}

/** How many rows "the top P %" of n keeps: rounded up, so any non-empty set keeps at least one. */
export function topCount(n: number, percent: number): number {
  return Math.min(n, Math.ceil((n * percent) / 100 - 1e-9))
}
