import { expect, type Page } from '@playwright/test'
import type { FilterTarget } from './fixture'

/**
 * The three measurements, each driven from Node through the real UI (Playwright input) and timed
 * in the page by bench/ui/probes.js. `uiProbes` exists only in the page; these declarations give
 * the calls below their types without pulling the DOM library into the Node build.
 */
interface Frames {
  deltas: number[]
  longTasks: number[]
  seconds: number
}
interface Armed {
  t0: number | null
  hits: Record<string, { seen: number; painted: number }>
  timedOut: string[]
  unchanged: string[]
  requests: { channel: string; start: number; end: number }[]
}
interface Probes {
  serverIdle(): Promise<void>
  startFrames(): void
  stopFrames(): Frames
  driveScroll(px: number, ms: number): Promise<number>
  firstVisiblePosition(): Promise<number>
  jump(fraction: number, timeoutMs: number): Promise<{ fraction: number; filled: boolean; ms: number }>
  arm(trigger: string, checks: Record<string, string | boolean>, timeoutMs: number, settleOn?: string): void
  result(): Promise<Armed>
  liveText(): string
  liveSettled(timeoutMs: number): Promise<{ settled: boolean; lastKeydown: number | null; painted: number }>
  now(): number
  requestsSince(t: number): { channel: string; start: number; end: number }[]
}
/** Calls `uiProbes[name](...args)` in the page; by name, so no Node-compiled function crosses over. */
function probes(page: Page) {
  return <K extends keyof Probes>(name: K, ...args: Parameters<Probes[K]>): Promise<Awaited<ReturnType<Probes[K]>>> =>
    page.evaluate(
      ({ name, args }) => (globalThis as unknown as { uiProbes: Record<string, (...a: unknown[]) => unknown> }).uiProbes[name]!(...args),
      { name, args: args as unknown[] },
    ) as Promise<Awaited<ReturnType<Probes[K]>>>
}

export async function openGrid(page: Page, url: string, clips: number): Promise<void> {
  await page.goto(url)
  await expect(page.getByRole('listbox', { name: 'Clips' }).getByRole('option').first()).toBeVisible({ timeout: 60_000 })
  await expect(page.getByText(`${clips.toLocaleString('en-US')} clips`, { exact: true })).toBeVisible({ timeout: 60_000 })
}

export interface ScrollResult {
  steady: Frames & { pxPerFrame: number; clipsPassed: number }
  wheel: Frames & { notches: number; pxPerNotch: number; clipsPassed: number }
  jumps: Frames & { shown: { fraction: number; filled: boolean; ms: number }[] }
}

/** 1) Frame intervals while the grid scrolls: a steady per-frame fling, wheel notches, scrollbar jumps. */
export async function measureScroll(page: Page, opts: { seconds: number }): Promise<ScrollResult> {
  const p = probes(page)
  const PX = 40
  // How far each run went, in clips: the scroll space is capped, so a pixel covers more rows at 1M.
  let from = await p('firstVisiblePosition')
  await p('startFrames')
  await p('driveScroll', PX, opts.seconds * 1000)
  const steadyFrames = await p('stopFrames')
  const steady = { ...steadyFrames, pxPerFrame: PX, clipsPassed: (await p('firstVisiblePosition')) - from }

  // Wheel notches about as a mouse sends them (a 40 ms pause plus the round trip); the pause only paces the input.
  const NOTCHES = Math.round(opts.seconds * 25)
  const NOTCH_PX = 120
  await page.locator('.grid-scroller').hover()
  from = await p('firstVisiblePosition')
  await p('startFrames')
  for (let i = 0; i < NOTCHES; i++) {
    await page.mouse.wheel(0, NOTCH_PX)
    await new Promise((r) => setTimeout(r, 40))
  }
  const wheelFrames = await p('stopFrames')
  const wheel = { ...wheelFrames, notches: NOTCHES, pxPerNotch: NOTCH_PX, clipsPassed: (await p('firstVisiblePosition')) - from }

  await p('startFrames')
  const shown = []
  for (const fraction of [0.5, 1, 0.25, 0.75, 0]) {
    shown.push(await p('jump', fraction, 30_000))
  }
  const jumps = { ...(await p('stopFrames')), shown }
  return { steady, wheel, jumps }
}

export interface Sample {
  /** trigger → DOM state seen by a MutationObserver / → the frame showing it painted (ms). */
  seen: Record<string, number>
  painted: Record<string, number>
  /** trigger → the named API request started / answered (ms). */
  requestStart: number | null
  requestEnd: number | null
}

function toSample(r: Armed, channel: string): Sample {
  if (r.t0 === null) throw new Error('the trigger event never fired')
  const t0 = r.t0
  const q = r.requests.filter((x) => x.channel === channel).sort((a, b) => a.start - b.start)[0]
  const rel = (f: (h: { seen: number; painted: number }) => number) => Object.fromEntries(Object.entries(r.hits).map(([k, h]) => [k, f(h) - t0]))
  return { seen: rel((h) => h.seen), painted: rel((h) => h.painted), requestStart: q ? q.start - t0 : null, requestEnd: q ? q.end - t0 : null }
}

export interface FilterRun {
  /** Each change made once the server has finished the previous one's work. */
  quiet: Sample[]
  /** Each change made as soon as the previous one's first page showed, as a slider is nudged. */
  backToBack: Sample[]
  timedOut: number
}

/**
 * 2) The Similarity minimum slider moved one step with the arrow keys, alternating between two
 * values, until the first card (and, from a quiet start, the keep-rate count) show the new list.
 * The keyboard moves the thumb in one `input` event, like a short drag. The panel stays open, so
 * every change also asks for histograms, the keep rate and the density plot, as for a curator.
 */
export async function measureFilter(page: Page, targets: [FilterTarget, FilterTarget], opts: { reps: number; warmup: number; backToBack: number }): Promise<FilterRun> {
  const p = probes(page)
  await page.getByRole('button', { name: /Filters/ }).click()
  await expect(page.getByRole('status', { name: 'Keep rate' })).toContainText('clips', { timeout: 60_000 })
  // Start at the lower value, typed into the number field while nothing else is loading.
  const field = page.getByLabel('Similarity minimum value', { exact: true })
  await expect(field).toBeEnabled({ timeout: 60_000 })
  await field.fill(String(targets[0].min))
  await field.press('Enter')
  await expect(page.getByRole('listbox', { name: 'Clips' }).locator('[aria-posinset="1"]')).toHaveAttribute('aria-label', targets[0].firstCard, { timeout: 60_000 })
  await p('serverIdle')
  const slider = page.getByLabel('Similarity minimum', { exact: true })
  await slider.focus()

  const run: FilterRun = { quiet: [], backToBack: [], timedOut: 0 }
  let at = 0
  const move = async (withCount: boolean): Promise<Sample | null> => {
    const t = targets[1 - at]!
    await p('arm', 'keydown', withCount ? { firstCard: t.firstCard, count: t.count } : { firstCard: t.firstCard }, 120_000)
    await page.keyboard.press(at === 0 ? 'ArrowRight' : 'ArrowLeft')
    const r = await p('result')
    at = 1 - at
    const value = Number(await slider.inputValue())
    if (Math.abs(value - t.min) > 1e-9) throw new Error(`one slider step went to ${value}, not ${t.min}: the targets must be one step apart`)
    if (!r.timedOut.length) return toSample(r, 'clips:list')
    run.timedOut++
    console.warn(`filter ${t.min}: timed out waiting for ${r.timedOut.join(', ')}`)
    return null
  }
  for (let i = 0; i < opts.reps + opts.warmup; i++) {
    const s = await move(true)
    await p('serverIdle')
    if (s && i >= opts.warmup) run.quiet.push(s)
  }
  // The first of these starts quiet; the rest find the previous change's statistics queued ahead.
  for (let i = 0; i <= opts.backToBack; i++) {
    const s = await move(false)
    if (s && i > 0) run.backToBack.push(s)
  }
  await p('serverIdle')
  return run
}

/**
 * 3) One character typed into the caption editor at a time; each waits for the live similarity
 * readout to go stale ("scoring…") and then show the number for the new text (debounce +
 * clips:rescore + render) before the next. A number equal to the old one still counts: the
 * readout tells the curator it is current.
 */
export async function measureKeystrokes(page: Page, text: string, opts: { warmup: number }): Promise<{ samples: Sample[]; unchanged: string[]; timedOut: number }> {
  const p = probes(page)
  await page.getByRole('listbox', { name: 'Clips' }).getByRole('option').first().click()
  await page.keyboard.press('e')
  const box = page.getByRole('textbox', { name: 'Caption', exact: true })
  await expect(box).toBeFocused()
  await box.fill('')
  const samples: Sample[] = []
  /** Keys whose readout never left "scoring…" after the answer came (none expected). */
  const unchanged: string[] = []
  let timedOut = 0
  for (const [i, ch] of [...text].entries()) {
    await p('arm', 'keydown', { liveSimilarity: true }, 15_000, 'clips:rescore')
    await page.keyboard.press(ch === ' ' ? 'Space' : ch)
    const r = await p('result')
    if (/unavailable/.test(await p('liveText'))) throw new Error(`live similarity unavailable: ${await p('liveText')}`)
    if (i < opts.warmup) continue
    if (r.timedOut.length) timedOut++
    else if (r.unchanged.length) unchanged.push(ch)
    else samples.push(toSample(r, 'clips:rescore'))
  }
  return { samples, unchanged, timedOut }
}

export interface BurstResult {
  keys: number
  keyDelayMs: number
  seconds: number
  /** clips:rescore requests sent while typing and until the readout was current. */
  rescores: number
  maxInFlight: number
  /** Last keydown → the readout showing the number for the whole text, painted (ms). */
  lastKeyToShownMs: number | null
  /** CPU seconds the `vicurate serve` process tree used over the burst. */
  serverCpuS: number
}

/** Most requests open at once, from their start/end times. */
function maxOverlap(qs: { start: number; end: number }[]): number {
  const edges = qs.flatMap((q) => [{ t: q.start, d: 1 }, { t: q.end, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d)
  let open = 0
  let max = 0
  for (const e of edges) max = Math.max(max, (open += e.d))
  return max
}

/**
 * 4) The same sentence typed as a fast typist does (a key every `keyDelayMs`, not waiting for
 * the readout): how many clips:rescore requests that costs, how many were open at once (the
 * editor allows one), the server's CPU time, and last key → current number shown. Run after
 * measureKeystrokes, with the editor open.
 */
export async function measureTypingBurst(page: Page, text: string, opts: { keyDelayMs: number; serverCpu: () => number }): Promise<BurstResult> {
  const p = probes(page)
  const box = page.getByRole('textbox', { name: 'Caption', exact: true })
  await box.fill('')
  await p('serverIdle')
  const t0 = await p('now')
  const cpu0 = opts.serverCpu()
  await page.keyboard.type(text, { delay: opts.keyDelayMs })
  const shown = await p('liveSettled', 15_000)
  const cpu1 = opts.serverCpu()
  const rescores = (await p('requestsSince', t0)).filter((q) => q.channel === 'clips:rescore')
  return {
    keys: [...text].length,
    keyDelayMs: opts.keyDelayMs,
    seconds: +((shown.painted - t0) / 1000).toFixed(2),
    rescores: rescores.length,
    maxInFlight: maxOverlap(rescores),
    lastKeyToShownMs: shown.settled && shown.lastKeydown !== null ? Math.round((shown.painted - shown.lastKeydown) * 10) / 10 : null,
    serverCpuS: +(cpu1 - cpu0).toFixed(2),
  }
}
