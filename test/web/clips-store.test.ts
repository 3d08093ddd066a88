import { flushPromises } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ClipListQuery, ClipSummary } from '../../src-main/api/contract'
import type { Envelope } from '../../src-renderer/src/api/client'
import { PAGE_SIZE, useClipsStore } from '../../src-renderer/src/stores/clips'
import { FakeTransport, clip, deferred, ok } from './fake-transport'
import { setupStores } from './setup-app'

/** Serves `all` as pages of two with opaque cursors, like the core's keyset paging. */
function pagedTransport(all: ClipSummary[]): FakeTransport {
  return new FakeTransport().respond('clips:list', (raw) => {
    const q = raw as ClipListQuery
    const matching = all.filter((c) => !q.status || q.status === 'all' || c.status === q.status)
    const start = q.cursor ? Number(q.cursor.replace('after-', '')) : 0
    const items = matching.slice(start, start + 2)
    const end = start + items.length
    return ok({ items, nextCursor: end < matching.length ? `after-${end}` : null })
  })
}

describe('clips store', () => {
  it('loads the first page, selects its first clip, then pages with the returned cursor', async () => {
    const { transport } = setupStores(pagedTransport([clip(1), clip(2), clip(3)]))
    const store = useClipsStore()

    await store.loadFirst()
    expect(store.items.map((c) => c.id)).toEqual([1, 2])
    expect(store.selectedId).toBe(1)
    expect(store.hasMore).toBe(true)

    await store.loadMore()
    expect(store.items.map((c) => c.id)).toEqual([1, 2, 3])
    expect(store.hasMore).toBe(false)

    await store.loadMore() // nothing left: no request
    expect(transport.calls('clips:list')).toEqual([
      { status: 'all', limit: PAGE_SIZE, cursor: null },
      { status: 'all', limit: PAGE_SIZE, cursor: 'after-2' },
    ])
  })

  it('a clip selected far beyond the loaded pages (from the grid cache) is the selected clip and takes decisions', async () => {
    const far = clip(900_000)
    const transport = pagedTransport([clip(1), clip(2), clip(3)]).respond('clips:decide', () => ok({ ...far, status: 'accepted' }))
    setupStores(transport)
    const store = useClipsStore()
    await store.loadFirst()
    store.select(far.id, far)
    expect(store.selected?.id).toBe(900_000)
    await store.decide('accept')
    expect(transport.calls('clips:decide')).toEqual([{ clipId: 900_000, action: 'accept' }])
    expect(store.selected?.status).toBe('accepted')
    await store.selectNext() // no neighbour in the store's pages: stays put (the grid moves)
    expect(store.selectedId).toBe(900_000)
    store.select(2)
    expect(store.selected?.id).toBe(2)
  })

  it('J past the last loaded clip loads the next page and moves onto it', async () => {
    setupStores(pagedTransport([clip(1), clip(2), clip(3)]))
    const store = useClipsStore()
    await store.loadFirst()
    await store.selectNext()
    await store.selectNext()
    expect(store.selectedId).toBe(3)
    store.selectPrevious()
    expect(store.selectedId).toBe(2)
  })

  it('a filter change restarts paging with the new status and discards the stale page', async () => {
    const stale = deferred<Envelope>()
    const transport = new FakeTransport().respond('clips:list', (raw) => {
      const q = raw as ClipListQuery
      if (q.status === 'all') return stale.promise
      return ok({ items: [clip(5, { status: 'rejected' })], nextCursor: null })
    })
    setupStores(transport)
    const store = useClipsStore()

    const first = store.loadFirst()
    await store.setFilter('rejected')
    stale.resolve(ok({ items: [clip(1), clip(2)], nextCursor: 'after-2' }))
    await first

    expect(store.items.map((c) => c.id)).toEqual([5])
    expect(store.nextCursor).toBeNull()
    expect(transport.requests[0]!.signal?.aborted).toBe(true)
  })

  it('shows a decision only once the core has confirmed it, using the returned summary', async () => {
    const answer = deferred<Envelope>()
    const transport = pagedTransport([clip(1), clip(2)]).respond('clips:decide', () => answer.promise)
    setupStores(transport)
    const store = useClipsStore()
    await store.loadFirst()

    const pending = store.decide('accept')
    await flushPromises()
    expect(transport.calls('clips:decide')).toEqual([{ clipId: 1, action: 'accept' }])
    expect(store.selected?.status).toBe('pending')
    expect(store.selectedIsDeciding).toBe(true)

    answer.resolve(ok(clip(1, { status: 'accepted', caption: 'saved on disk' })))
    await pending
    expect(store.selected?.status).toBe('accepted')
    expect(store.selected?.caption).toBe('saved on disk')
    expect(store.selectedIsDeciding).toBe(false)
  })

  it('keeps the old status and reports the error when the core refuses a decision', async () => {
    const transport = pagedTransport([clip(1)]).respond('clips:decide', () => ({
      ok: false,
      error: { code: 'conflict', message: 'project is read-only' },
    }))
    setupStores(transport)
    const store = useClipsStore()
    await store.loadFirst()

    expect(await store.decide('reject')).toBeNull()
    expect(store.selected?.status).toBe('pending')
    expect(store.decideError).toContain('project is read-only')
  })

  it('re-reads clips on screen when the core says they changed', async () => {
    const transport = pagedTransport([clip(1), clip(2)]).respond('clips:get', (raw) => {
      const { clipId } = raw as { clipId: number }
      return ok({ ...clip(clipId, { status: 'rejected' }), videoPath: null, videoDurationS: null, fps: null, width: null, height: null, history: [] })
    })
    setupStores(transport)
    const store = useClipsStore()
    await store.loadFirst()

    transport.emit('clips:changed', { clipIds: [2, 99] })
    await flushPromises()

    expect(transport.calls('clips:get')).toEqual([{ clipId: 2 }])
    expect(store.items.find((c) => c.id === 2)?.status).toBe('rejected')
    expect(store.items.find((c) => c.id === 2)).not.toHaveProperty('history')
  })

  it('a refresh read before a newer decision answer does not overwrite it', async () => {
    const read = deferred<Envelope>()
    const transport = pagedTransport([clip(1)])
      .respond('clips:get', () => read.promise)
      .respond('clips:decide', () => ok(clip(1, { status: 'accepted' })))
    setupStores(transport)
    const store = useClipsStore()
    await store.loadFirst()

    transport.emit('clips:changed', { clipIds: [1] })
    await store.decide('accept')
    read.resolve(ok({ ...clip(1, { status: 'pending' }), videoPath: null, videoDurationS: null, fps: null, width: null, height: null, history: [] }))
    await flushPromises()

    expect(store.selected?.status).toBe('accepted')
  })

  it('a sort change restarts paging and every page carries the sort; the default sends none', async () => {
    const { transport } = setupStores(pagedTransport([clip(1), clip(2), clip(3)]))
    const store = useClipsStore()
    await store.loadFirst()
    await store.setSort({ sort: 'aesthetic', order: 'desc' })
    await store.loadMore()
    await store.setSort({ sort: 'aesthetic', order: 'desc' }) // unchanged: no request
    await store.setSort({ sort: 'id', order: 'asc' })
    expect(transport.calls('clips:list')).toEqual([
      { status: 'all', limit: PAGE_SIZE, cursor: null },
      { status: 'all', sort: 'aesthetic', order: 'desc', limit: PAGE_SIZE, cursor: null },
      { status: 'all', sort: 'aesthetic', order: 'desc', limit: PAGE_SIZE, cursor: 'after-2' },
      { status: 'all', limit: PAGE_SIZE, cursor: null },
    ])
  })

  it('decides a given clip with a reason, not only the selected one', async () => {
    const transport = pagedTransport([clip(1), clip(2)]).respond('clips:decide', () => ok(clip(2, { status: 'rejected' })))
    setupStores(transport)
    const store = useClipsStore()
    await store.loadFirst()
    await store.decide('reject', { clipId: 2, reason: 'NSFW' })
    expect(transport.calls('clips:decide')).toEqual([{ clipId: 2, action: 'reject', reason: 'NSFW' }])
    expect(store.items.find((c) => c.id === 2)?.status).toBe('rejected')
    expect(store.selectedId).toBe(1)
  })
})
