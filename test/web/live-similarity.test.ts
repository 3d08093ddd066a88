import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from '../../src-renderer/src/App.vue'
import type { Envelope } from '../../src-renderer/src/api/client'
import { RESCORE_DEBOUNCE_MS } from '../../src-renderer/src/components/caption-editor/use-live-similarity'
import { FakeCore } from './fake-core'
import { deferred, ok } from './fake-transport'
import { stubMediaPlayback } from './media-stub'
import { mountGlobals, setupStores } from './setup-app'

/**
 * The caption editor's live similarity: a short debounce, at most one clips:rescore in flight,
 * only the latest text sent after it, and no number shown for text that is no longer there.
 * Every clips:rescore answer here is a promise the test resolves by hand.
 */
let wrapper: VueWrapper | null = null
let core: FakeCore
let answers: ReturnType<typeof deferred<Envelope>>[]

async function mountEditing(): Promise<VueWrapper> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  core = new FakeCore()
  answers = []
  core.transport.respond('clips:rescore', () => {
    answers.push(deferred<Envelope>())
    return answers.at(-1)!.promise
  })
  const { client, pinia } = setupStores(core.transport)
  wrapper = mount(App, { global: mountGlobals(client, pinia), attachTo: document.body })
  await flushPromises()
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'e', bubbles: true, cancelable: true }))
  await flushPromises()
  return wrapper
}

const textarea = (w: VueWrapper) => w.get<HTMLTextAreaElement>('textarea[aria-label="Caption"]')
const readout = (w: VueWrapper) => w.get('output[aria-label="Live similarity"]')
const rescores = () => core.transport.requests.filter((r) => r.channel === 'clips:rescore')
const answer = (i: number, similarity: number) => answers[i]!.resolve(ok({ similarity, modelId: 'viclip-b16', modelRevision: '1' }))

/** Types `text` and lets the debounce pass. */
async function typeAndWait(w: VueWrapper, text: string): Promise<void> {
  await textarea(w).setValue(text)
  vi.advanceTimersByTime(RESCORE_DEBOUNCE_MS)
  await flushPromises()
}

beforeEach(() => stubMediaPlayback())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('live similarity while editing a caption', () => {
  it('asks once the debounce has passed, for the latest text, and says "scoring…" until the answer', async () => {
    const w = await mountEditing()
    vi.advanceTimersByTime(RESCORE_DEBOUNCE_MS)
    await flushPromises()
    answer(0, 0.3)
    await flushPromises()

    await textarea(w).setValue('a dog')
    vi.advanceTimersByTime(RESCORE_DEBOUNCE_MS - 30)
    await textarea(w).setValue('a dog runs')
    vi.advanceTimersByTime(RESCORE_DEBOUNCE_MS - 1)
    expect(rescores()).toHaveLength(1)
    expect(readout(w).text()).toBe('similarity 0.312 → 0.300 (scoring…)')
    expect(readout(w).attributes('aria-busy')).toBe('true')

    vi.advanceTimersByTime(1)
    expect(rescores().map((r) => r.args)).toEqual([
      { clipId: 1, caption: 'caption of clip 1' },
      { clipId: 1, caption: 'a dog runs' },
    ])
    answer(1, 0.287)
    await flushPromises()
    expect(readout(w).text()).toBe('similarity 0.312 → 0.287 while editing')
    expect(readout(w).attributes('aria-busy')).toBe('false')
  })

  it('keeps one request in flight and sends only the latest text when it answers', async () => {
    const w = await mountEditing()
    await typeAndWait(w, 'a dog')
    const first = rescores().length
    for (const text of ['a dog r', 'a dog ru', 'a dog run']) await typeAndWait(w, text)
    // Nothing piled up and nothing was aborted: the first request is still the only one out.
    expect(rescores()).toHaveLength(first)
    expect(rescores().every((r) => !r.signal?.aborted)).toBe(true)

    answers.at(-1)!.resolve(ok({ similarity: 0.9, modelId: 'viclip-b16', modelRevision: '1' }))
    await flushPromises()
    expect(rescores().slice(first).map((r) => r.args)).toEqual([{ clipId: 1, caption: 'a dog run' }])
    expect(readout(w).text()).not.toContain('0.900')
    expect(readout(w).text()).toContain('scoring…')

    answer(answers.length - 1, 0.287)
    await flushPromises()
    expect(readout(w).text()).toBe('similarity 0.312 → 0.287 while editing')
    expect(rescores()).toHaveLength(first + 1)
  })

  it('drops an answer for text changed since it was sent, and asks again after the debounce', async () => {
    const w = await mountEditing()
    await typeAndWait(w, 'a cat')
    const sent = rescores().length
    await textarea(w).setValue('a cat sleeps')
    answers.at(-1)!.resolve(ok({ similarity: 0.5, modelId: 'viclip-b16', modelRevision: '1' }))
    await flushPromises()
    expect(readout(w).text()).toBe('similarity 0.312 → scoring…')
    expect(rescores()).toHaveLength(sent)

    vi.advanceTimersByTime(RESCORE_DEBOUNCE_MS)
    await flushPromises()
    expect(rescores().at(-1)!.args).toEqual({ clipId: 1, caption: 'a cat sleeps' })
    answer(answers.length - 1, 0.41)
    await flushPromises()
    expect(readout(w).text()).toBe('similarity 0.312 → 0.410 while editing')
  })

  it('typing back to the scored text shows its number again without asking', async () => {
    const w = await mountEditing()
    await typeAndWait(w, 'a bird')
    answer(answers.length - 1, 0.25)
    await flushPromises()
    const sent = rescores().length
    await textarea(w).setValue('a birds')
    expect(readout(w).attributes('aria-busy')).toBe('true')
    await textarea(w).setValue('a bird')
    vi.advanceTimersByTime(RESCORE_DEBOUNCE_MS * 4)
    await flushPromises()
    expect(rescores()).toHaveLength(sent)
    expect(readout(w).text()).toBe('similarity 0.312 → 0.250 while editing')
  })

  it('moving to another clip aborts the request in flight and never shows its answer', async () => {
    const w = await mountEditing()
    await typeAndWait(w, 'half-written')
    const inFlight = rescores().at(-1)!
    await w.get('[role="option"][aria-label="Clip 2"]').trigger('click')
    await flushPromises()
    expect(inFlight.signal!.aborted).toBe(true)
    answers.at(-1)!.resolve(ok({ similarity: 0.77, modelId: 'viclip-b16', modelRevision: '1' }))
    await flushPromises()
    expect(w.text()).not.toContain('0.770')
  })
})
