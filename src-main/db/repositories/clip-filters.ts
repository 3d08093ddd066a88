import type { ClipFilters, FilterField } from '../../api/contract'

/** Filterable fields → indexed columns (whitelisted: they are spliced into SQL). */
export const FILTER_COLUMNS: Record<FilterField, string> = {
  similarity: 'c.similarity',
  aesthetic: 'c.aesthetic',
  duration: 'c.duration_s',
  captionLength: 'c.caption_len',
}

/** A WHERE fragment (`AND …`, possibly empty) with its named parameters. */
export interface SqlFilter {
  sql: string
  params: Record<string, unknown>
  /** The same conditions one by one, each naming the indexed column it starts with (null for
   * the caption search), so a pager can keep SQLite off an index (`+c.col`) when another access
   * path is cheaper (see clip-page-plan.ts). */
  terms?: FilterTerm[]
}

export interface FilterTerm {
  column: string | null
  sql: string
  /** The same condition for a row-by-row test while another index is walked, where that form is
   * cheaper (caption search: one FTS lookup by rowid instead of materialising every match). */
  perRowSql?: string
}

/** Caption search text → an FTS5 query of quoted words (ANDed), so no user text is FTS syntax. */
export function ftsQuery(text: string): string | null {
  const words = text.split(/\s+/).map((w) => w.replace(/"/g, '""')).filter(Boolean)
  return words.length ? words.map((w) => `"${w}"`).join(' ') : null
}

/**
 * Ranges (already resolved: percentiles turned into a minimum by the service), text and status
 * as parameterised SQL over `clips c`.
 */
export function filterSql(filters: ClipFilters | undefined, status: string | undefined): SqlFilter {
  const terms: FilterTerm[] = []
  const params: Record<string, unknown> = {}
  if (status && status !== 'all') {
    terms.push({ column: 'c.status', sql: 'c.status = @f_status' })
    params.f_status = status
  }
  for (const field of Object.keys(FILTER_COLUMNS) as FilterField[]) {
    const r = filters?.[field]
    if (!r) continue
    const col = FILTER_COLUMNS[field]
    if (r.min !== undefined) {
      terms.push({ column: col, sql: `${col} >= @f_${field}_min` })
      params[`f_${field}_min`] = r.min
    }
    if (r.max !== undefined) {
      terms.push({ column: col, sql: `${col} <= @f_${field}_max` })
      params[`f_${field}_max`] = r.max
    }
  }
  const fts = filters?.text ? ftsQuery(filters.text) : null
  if (fts) {
    terms.push({
      column: null,
      sql: 'c.id IN (SELECT rowid FROM clips_fts WHERE clips_fts MATCH @f_text)',
      perRowSql: 'EXISTS (SELECT 1 FROM clips_fts f WHERE clips_fts MATCH @f_text AND f.rowid = c.id)',
    })
    params.f_text = fts
  }
  return { sql: terms.map((t) => ` AND ${t.sql}`).join(''), params, terms }
}
