import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClipListQuery, ClipSummary } from '../../src-main/api/contract'
import ClipCard from '../../src-renderer/src/components/clip-grid/ClipCard.vue'
import ClipGrid from '../../src-renderer/src/components/clip-grid/ClipGrid.vue'
import { useClipsStore } from '../../src-renderer/src/stores/clips'
import { useProjectStore } from '../../src-renderer/src/stores/project'
import { FakeTransport, clip, ok, projectInfo } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

/** The core's keyset paging over ids 1..n in id order (cursor: the last id, opaque to the UI). */
function keysetTransport(n: number): FakeTransport {
  return new FakeTransport()
    .respond('project:info', () => ok(projectInfo({ clips: n, byStatus: { pending: n, accepted: 0, rejected: 0 } })))
    .respond('clips:list', (raw) => {
      const q = raw as ClipListQuery
      const desc = q.order === 'desc'
      const after = q.cursor ? Number(q.cursor) : desc ? n + 1 : 0
      const limit = q.limit ?? 100
      const items: ClipSummary[] = []
      for (let k = 1; k <= limit; k++) {
        const id = desc ? after - k : after + k
        if (id >= 1 && id <= n) items.push(clip(id, { similarity: 0.25, aesthetic: id % 2 ? 5.5 : null }))
      }
      return ok({ items, nextCursor: items.length === limit ? String(items.at(-1)!.id) : null })
    })
}

async function mountGrid(n: number) {
  const { transport, client, pinia } = setupStores(keysetTransport(n))
  await useProjectStore().load()
  await useClipsStore().loadFirst()
  const w = mount(ClipGrid, { global: mountGlobals(client, pinia), attachTo: document.body })
  await flushPromises()
  return { w, transport }
}

function optionIds(w: Awaited<ReturnType<typeof mountGrid>>['w']): number[] {
  return w.findAll('[role="option"]').map((o) => Number(o.attributes('aria-label')!.replace('Clip ', '')))
}

/** jsdom does no layout: scrollTop is set on the element as a browser's scrollbar would. */
async function scrollTo(w: Awaited<ReturnType<typeof mountGrid>>['w'], top: number): Promise<void> {
  const scroller = w.get('.grid-scroller').element as HTMLElement
  Object.defineProperty(scroller, 'scrollTop', { value: top, writable: true, configurable: true })
  await w.get('.grid-scroller').trigger('scroll')
  for (let i = 0; i < 20; i++) await flushPromises()
}

let mounted: { unmount(): void } | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  localStorage.clear()
})

describe('ClipGrid (virtual)', () => {
  it('renders only the rows in view of a million clips, each placed in the whole list', async () => {
    const { w } = await mountGrid(1_000_000)
    mounted = w
    const ids = optionIds(w)
    expect(ids[0]).toBe(1)
    expect(ids.length).toBeGreaterThan(10)
    expect(ids.length).toBeLessThan(300)
    const first = w.get('[role="option"]')
    expect(first.attributes('aria-setsize')).toBe('1000000')
    expect(first.attributes('aria-posinset')).toBe('1')
    expect(w.text()).toContain('1,000,000 clips')
    // The scroll space is capped below the browser's limit, not 1M rows tall.
    const height = parseFloat((w.get('[role="listbox"]').element as HTMLElement).style.height)
    expect(height).toBe(10_000_000)
  })

  it('shows the last clips when the scrollbar is dragged to the end, without walking a million rows', async () => {
    const { w, transport } = await mountGrid(1_000_000)
    mounted = w
    await scrollTo(w, 10_000_000 - 600)
    const ids = optionIds(w)
    expect(Math.max(...ids)).toBe(1_000_000)
    expect(Math.min(...ids)).toBeGreaterThan(990_000)
    expect(ids.length).toBeLessThan(300)
    // One page back from the end, at the API's largest page size.
    expect(transport.calls('clips:list').at(-1)).toMatchObject({ order: 'desc', limit: 500, cursor: null })
    expect(transport.calls('clips:list').length).toBeLessThan(6)
  })

  it('follows the store sort, and never walks back from the end of a sort with NULLs last', async () => {
    const { w, transport } = await mountGrid(1_000_000)
    mounted = w
    await useClipsStore().setSort({ sort: 'similarity', order: 'desc' })
    const before = transport.calls('clips:list').length
    const scroller = w.get('.grid-scroller').element as HTMLElement
    Object.defineProperty(scroller, 'scrollTop', { value: 9_000_000, writable: true, configurable: true })
    await w.get('.grid-scroller').trigger('scroll')
    for (let i = 0; i < 5; i++) await flushPromises()
    const walked = transport.calls('clips:list').slice(before) as ClipListQuery[]
    expect(walked.length).toBeGreaterThan(0)
    expect(walked.every((q) => q.sort === 'similarity' && q.order === 'desc')).toBe(true)
  })

  it('shows placeholders, not options, for rows whose page has not arrived', async () => {
    const { w } = await mountGrid(1_000_000)
    mounted = w
    const scroller = w.get('.grid-scroller').element as HTMLElement
    Object.defineProperty(scroller, 'scrollTop', { value: 5_000_000, writable: true, configurable: true })
    await w.get('.grid-scroller').trigger('scroll')
    expect(w.findAll('.placeholder').length).toBeGreaterThan(0)
    expect(w.findAll('.placeholder[role="option"]')).toHaveLength(0)
  })

  it('arrow keys move the selection by card and by row and keep aria-activedescendant on it', async () => {
    const { w } = await mountGrid(1_000)
    mounted = w
    const listbox = w.get('[role="listbox"]')
    expect(listbox.attributes('aria-activedescendant')).toBe('clip-option-1')
    await listbox.trigger('keydown', { key: 'ArrowRight' })
    expect(listbox.attributes('aria-activedescendant')).toBe('clip-option-2')
    expect(w.get('#clip-option-2').attributes('aria-selected')).toBe('true')
    // Cards in the first row share its y: that is the column count.
    const ys = w.findAll('[role="option"]').map((o) => (o.element as HTMLElement).style.transform.split(',')[1])
    const columns = ys.filter((y) => y === ys[0]).length
    expect(columns).toBe(3) // 800 px fallback width, comfortable cards
    await listbox.trigger('keydown', { key: 'ArrowDown' })
    expect(listbox.attributes('aria-activedescendant')).toBe(`clip-option-${2 + columns}`)
    await listbox.trigger('keydown', { key: 'Home' })
    expect(listbox.attributes('aria-activedescendant')).toBe('clip-option-1')
  })

  it('End selects the last clip of the list, fetched from the end, and scrolls it into view', async () => {
    const { w } = await mountGrid(1_000_000)
    mounted = w
    const scroller = w.get('.grid-scroller').element as HTMLElement
    Object.defineProperty(scroller, 'scrollTop', { value: 0, writable: true, configurable: true })
    await w.get('[role="listbox"]').trigger('keydown', { key: 'End' })
    for (let i = 0; i < 20; i++) await flushPromises()
    expect(useClipsStore().selectedId).toBe(1_000_000)
    // Scrolled to the last row (the end of the capped scroll space), and the option is rendered.
    expect(scroller.scrollTop).toBeGreaterThan(10_000_000 - 700)
    await w.get('.grid-scroller').trigger('scroll')
    expect(w.get('#clip-option-1000000').attributes('aria-selected')).toBe('true')
    expect(w.get('[role="listbox"]').attributes('aria-activedescendant')).toBe('clip-option-1000000')
  })

  it('J/K (the store\'s next/previous) step from a far clip selected at the end of a million', async () => {
    const { w } = await mountGrid(1_000_000)
    mounted = w
    const scroller = w.get('.grid-scroller').element as HTMLElement
    Object.defineProperty(scroller, 'scrollTop', { value: 0, writable: true, configurable: true })
    await w.get('[role="listbox"]').trigger('keydown', { key: 'End' })
    for (let i = 0; i < 20; i++) await flushPromises()
    const clips = useClipsStore()
    expect(clips.selectedId).toBe(1_000_000)
    clips.selectPrevious()
    for (let i = 0; i < 10; i++) await flushPromises()
    expect(clips.selectedId).toBe(999_999)
    await clips.selectNext()
    for (let i = 0; i < 10; i++) await flushPromises()
    expect(clips.selectedId).toBe(1_000_000)
  })

  it('the density toggle trades card size for cards per row, and is remembered', async () => {
    const { w } = await mountGrid(1_000)
    mounted = w
    const width = () => parseFloat((w.get('[role="option"]').element as HTMLElement).style.width)
    const comfortable = width()
    await w.get('input[value="compact"]').setValue(true)
    await flushPromises()
    expect(width()).toBeLessThan(comfortable)
    expect(localStorage.getItem('vicurate.grid.density')).toBe('compact')
    expect(w.get('fieldset legend').text()).toBe('Card density')
  })
})

describe('ClipCard', () => {
  function card(over: Partial<ClipSummary> = {}) {
    return mount(ClipCard, {
      props: {
        clip: clip(7, { similarity: 0.3125, aesthetic: 6.25, hasSprite: true, ...over }),
        selected: false,
        posterUrl: '/media/thumb/7',
        spriteUrl: '/media/sprite/7',
        density: 'comfortable',
        position: 7,
        setSize: 10,
      },
    })
  }

  it('overlays similarity, aesthetic, duration and status on the poster', () => {
    const w = card()
    expect(w.text()).toContain('sim 0.313')
    expect(w.text()).toContain('aes 6.25')
    expect(w.text()).toContain('1.5 s')
    expect(w.get('.status-dot').classes()).toContain('pending')
    expect(w.get('img').attributes('loading')).toBe('lazy')
    expect(card({ aesthetic: null, similarity: null }).text()).not.toMatch(/sim|aes/)
  })

  it('scrubs through the 10-frame sprite over the poster with the pointer, and shows the poster again on leave', async () => {
    const w = card()
    const thumb = w.get('.thumb')
    ;(thumb.element as HTMLElement).getBoundingClientRect = () => ({ left: 100, width: 200, top: 0, height: 112 }) as DOMRect
    await thumb.trigger('pointermove', { clientX: 100 + 150 })
    const style = (w.get('.sprite').element as HTMLElement).style
    expect(thumb.attributes('data-frame')).toBe('7')
    expect(style.backgroundImage).toContain('/media/sprite/7')
    expect(style.backgroundSize).toBe('1000% 100%')
    expect(parseFloat(style.backgroundPositionX)).toBeCloseTo((7 / 9) * 100, 3)
    await thumb.trigger('pointermove', { clientX: 100 + 5 })
    expect(thumb.attributes('data-frame')).toBe('0')
    await thumb.trigger('pointerleave')
    expect(w.find('.sprite').exists()).toBe(false)
    expect(w.get('img').attributes('src')).toBe('/media/thumb/7')
    expect(thumb.attributes('data-frame')).toBeUndefined()
  })

  it('does not scrub a clip without a sprite', async () => {
    const w = card({ hasSprite: false })
    await w.setProps({ spriteUrl: null })
    await w.get('.thumb').trigger('pointermove', { clientX: 50 })
    expect(w.get('.thumb').attributes('data-frame')).toBeUndefined()
    expect(w.find('.sprite').exists()).toBe(false)
  })
})
