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
  const parts: string[] = []
  const params: Record<string, unknown> = {}
  if (status && status !== 'all') {
    parts.push('c.status = @f_status')
    params.f_status = status
  }
  for (const field of Object.keys(FILTER_COLUMNS) as FilterField[]) {
    const r = filters?.[field]
    if (!r) continue
    const col = FILTER_COLUMNS[field]
    if (r.min !== undefined) {
      parts.push(`${col} >= @f_${field}_min`)
      params[`f_${field}_min`] = r.min
    }
    if (r.max !== undefined) {
      parts.push(`${col} <= @f_${field}_max`)
      params[`f_${field}_max`] = r.max
    }
  }
  const fts = filters?.text ? ftsQuery(filters.text) : null
  if (fts) {
    parts.push('c.id IN (SELECT rowid FROM clips_fts WHERE clips_fts MATCH @f_text)')
    params.f_text = fts
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params }
}
