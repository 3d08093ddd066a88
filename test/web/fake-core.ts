import type { ClipDetail, ClipFilters, ClipListQuery, ClipSummary, DecideArgs, FilterField, HistogramQuery, ReviewEventDto } from '../../src-main/api/contract'
import { FakeTransport, clip, ok, projectInfo } from './fake-transport'

function fieldValue(c: ClipSummary, field: FilterField): number | null {
  if (field === 'duration') return c.durationS
  if (field === 'captionLength') return c.caption ? c.caption.trim().split(/\s+/).length : null
  return c[field]
}

/** The core's filter semantics, simply: closed ranges, top k % by rank, caption words ANDed. */
export function matchesFilters(c: ClipSummary, f: ClipFilters | undefined, all: ClipSummary[]): boolean {
  if (!f) return true
  for (const field of ['similarity', 'aesthetic', 'duration', 'captionLength'] as const) {
    const r = f[field]
    if (!r) continue
    const v = fieldValue(c, field)
    if (v === null) return false
    if (r.min !== undefined && v < r.min) return false
    if (r.max !== undefined && v > r.max) return false
    if (r.topPercent !== undefined) {
      const ranked = all.map((x) => fieldValue(x, field)).filter((x): x is number => x !== null).sort((a, b) => b - a)
      const keep = Math.ceil((ranked.length * r.topPercent) / 100)
      if (keep === 0 || v < ranked[keep - 1]!) return false
    }
  }
  if (f.text) {
    const caption = (c.caption ?? '').toLowerCase()
    if (!f.text.toLowerCase().split(/\s+/).every((w) => caption.includes(w))) return false
  }
  return true
}

const STATUS = { accept: 'accepted', reject: 'rejected', reset: 'pending' } as const

/**
 * A stateful stand-in for the core behind the fake transport: decisions and caption edits change
 * the clips and append history (newest first), as review.service and caption.service do.
 */
export class FakeCore {
  readonly clips = new Map<number, ClipSummary>()
  readonly history = new Map<number, ReviewEventDto[]>()
  modelCaptions: ClipDetail['modelCaptions'] = []
  reviewer = 'ada'
  private eventId = 0

  constructor(readonly transport = new FakeTransport('http'), ids: number[] = [1, 2, 3]) {
    for (const id of ids) this.clips.set(id, clip(id, { caption: `caption of clip ${id}`, similarity: 0.312 }))
    transport
      .respond('project:info', () => ok(projectInfo({ reviewer: this.reviewer })))
      .respond('settings:get', () => ok({ reviewer: this.reviewer }))
      .respond('settings:update', (raw) => {
        this.reviewer = (raw as { reviewer: string }).reviewer
        return ok({ reviewer: this.reviewer })
      })
      .respond('clips:list', (raw) => {
        const q = raw as ClipListQuery
        return ok({ items: this.matching(q.status, q.filters), nextCursor: null })
      })
      .respond('clips:histogram', (raw) => ok(this.histogram(raw as HistogramQuery)))
      .respond('clips:keepRate', (raw) => {
        const q = raw as Pick<ClipListQuery, 'status' | 'filters'>
        const hours = (cs: ClipSummary[]) => cs.reduce((s, c) => s + c.durationS, 0) / 3600
        const kept = this.matching(q.status, q.filters)
        const all = [...this.clips.values()]
        return ok({ clips: kept.length, hours: hours(kept), totalClips: all.length, totalHours: hours(all) })
      })
      .respond('clips:get', (raw) => ok(this.detail((raw as { clipId: number }).clipId)))
      .respond('clips:decide', (raw) => {
        const { clipId, action, reason } = raw as DecideArgs
        const before = this.clips.get(clipId)!
        this.log(clipId, { kind: 'decision', action, valueBefore: before.status, valueAfter: STATUS[action], reason: reason ?? null })
        return ok(this.set(clipId, { status: STATUS[action] }))
      })
      .respond('clips:updateCaption', (raw) => {
        const { clipId, caption } = raw as { clipId: number; caption: string }
        const before = this.clips.get(clipId)!
        this.log(clipId, { kind: 'caption', action: 'edit', valueBefore: before.caption, valueAfter: caption, reason: null })
        return ok(this.set(clipId, { caption, similarity: null }))
      })
      .respond('clips:rescore', () => ({ ok: false, error: { code: 'unavailable', message: 'ViCLIP is not installed' } }))
  }

  matching(status: ClipListQuery['status'], filters: ClipFilters | undefined): ClipSummary[] {
    const all = [...this.clips.values()]
    return all.filter((c) => (!status || status === 'all' || c.status === status) && matchesFilters(c, filters, all))
  }

  histogram(q: HistogramQuery) {
    const bins = q.bins ?? 40
    const all = [...this.clips.values()]
    const values = all.map((c) => fieldValue(c, q.field)).filter((v): v is number => v !== null)
    if (values.length === 0) return { field: q.field, min: null, max: null, binWidth: null, all: [], filtered: [], missing: all.length }
    const min = Math.min(...values)
    const max = Math.max(...values)
    const binWidth = (max - min) / bins || 1
    const count = (cs: ClipSummary[]) => {
      const out = new Array<number>(bins).fill(0)
      for (const c of cs) {
        const v = fieldValue(c, q.field)
        if (v !== null) out[Math.min(bins - 1, Math.floor((v - min) / binWidth))]!++
      }
      return out
    }
    return { field: q.field, min, max, binWidth, all: count(all), filtered: count(this.matching(q.status, q.filters)), missing: all.length - values.length }
  }

  detail(id: number): ClipDetail {
    return {
      ...this.clips.get(id)!,
      modelCaptions: this.modelCaptions,
      videoPath: '/v/flower.mp4',
      videoDurationS: 10,
      fps: 25,
      width: 640,
      height: 360,
      history: this.history.get(id) ?? [],
    }
  }

  private set(id: number, over: Partial<ClipSummary>): ClipSummary {
    const next = { ...this.clips.get(id)!, ...over }
    this.clips.set(id, next)
    return next
  }

  private log(clipId: number, e: Omit<ReviewEventDto, 'id' | 'reviewer' | 'createdAt'>): void {
    const event = { ...e, id: ++this.eventId, reviewer: this.reviewer, createdAt: '2026-11-21T06:00:00.000Z' }
    this.history.set(clipId, [event, ...(this.history.get(clipId) ?? [])])
  }
}
