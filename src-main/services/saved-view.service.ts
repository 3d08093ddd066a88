import type { ClipFilters, ClipSortKey, ClipStatus, SavedView } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { nowIso } from '../core/clock'
import { checkFilters, checkStatus } from './filter.service'

interface Row {
  id: number
  name: string
  filters_json: string
  sort_json: string
  updated_at: string
}

const toView = (r: Row): SavedView => {
  const f = JSON.parse(r.filters_json) as { status: ClipStatus | 'all'; filters: ClipFilters }
  return { id: r.id, name: r.name, status: f.status, filters: f.filters, sort: JSON.parse(r.sort_json) as SavedView['sort'], updatedAt: r.updated_at }
}

export function listViews(ctx: ProjectContext): SavedView[] {
  return (ctx.db.prepare('SELECT id, name, filters_json, sort_json, updated_at FROM saved_views ORDER BY name').all() as Row[]).map(toView)
}

const SORTS: ClipSortKey[] = ['id', 'similarity', 'aesthetic', 'duration']

/** Saves (or replaces, by name) a view: status + filters + sort. Filters are checked like a query's. */
export function saveView(ctx: ProjectContext, v: { name: unknown; status?: unknown; filters?: unknown; sort?: { sort?: unknown; order?: unknown } }): SavedView {
  const name = typeof v.name === 'string' ? v.name.trim() : ''
  if (!name || name.length > 100) throw new ApiError('bad_request', 'a view needs a name of 1..100 characters')
  const sort = { sort: (v.sort?.sort ?? 'id') as ClipSortKey, order: (v.sort?.order ?? 'asc') as 'asc' | 'desc' }
  if (!SORTS.includes(sort.sort) || (sort.order !== 'asc' && sort.order !== 'desc')) throw new ApiError('bad_request', 'sort must be {sort: id|similarity|aesthetic|duration, order: asc|desc}')
  const filters = JSON.stringify({ status: checkStatus(v.status), filters: checkFilters(v.filters) })
  const now = nowIso()
  ctx.db.prepare(`INSERT INTO saved_views (name, filters_json, sort_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET filters_json = excluded.filters_json, sort_json = excluded.sort_json, updated_at = excluded.updated_at`)
    .run(name, filters, JSON.stringify(sort), now, now)
  return toView(ctx.db.prepare('SELECT id, name, filters_json, sort_json, updated_at FROM saved_views WHERE name = ?').get(name) as Row)
}

export function deleteView(ctx: ProjectContext, id: unknown): { deleted: boolean } {
  if (!Number.isInteger(id)) throw new ApiError('bad_request', 'id must be an integer')
  return { deleted: ctx.db.prepare('DELETE FROM saved_views WHERE id = ?').run(id).changes > 0 }
}
