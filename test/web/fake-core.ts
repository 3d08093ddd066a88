import type { ClipDetail, ClipListQuery, ClipSummary, DecideArgs, ReviewEventDto } from '../../src-main/api/contract'
import { FakeTransport, clip, ok, projectInfo } from './fake-transport'

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
        const items = [...this.clips.values()].filter((c) => !q.status || q.status === 'all' || c.status === q.status)
        return ok({ items, nextCursor: null })
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
