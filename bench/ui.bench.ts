/**
 * Review-UI benchmark in a real browser. Run: `npm run bench:ui`, or
 *   node_modules/.bin/node --require ./node_modules/tsx/dist/cjs/index.cjs bench/ui.bench.ts [--clips 1000000] [--no-build] [--seconds 5] [--reps 30] [--back-to-back 10]
 * Builds the renderer (electron-vite), serves a generated million-clip project with `vicurate
 * serve`, drives Debian's Chromium with Playwright and records: frame intervals while the grid
 * scrolls, filter change → new first page, caption keystroke → live similarity (one key at a
 * time, then a fast-typing burst with the requests and server CPU it cost). Writes
 * bench/results/ui.json and bench/UI.md. A plain script, not a spec: nothing here asserts a goal,
 * it reports against it.
 */
import { chromium } from '@playwright/test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { buildRenderer, filterTargets, type FilterTarget, installTinyViclip, prepareProject, ROOT, rendererBuilt, sourceState, startServe, stopServe } from './ui/fixture'
import { treeCpuSeconds } from './ui/cpu'
import { measureFilter, measureKeystrokes, measureScroll, measureTypingBurst, openGrid } from './ui/phases'
import { buildResult, markdown } from './ui/report'

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1]! : fallback
}
const CLIPS = Number(arg('clips', '1000000'))
const SECONDS = Number(arg('seconds', '5'))
const REPS = Number(arg('reps', '30'))
/** Changes made back to back (each as soon as the previous first page shows). */
const BACK_TO_BACK = Number(arg('back-to-back', '10'))
const BUILD = !process.argv.includes('--no-build')
/**
 * The filter phase moves the similarity-minimum slider one step (0.002 over the generated
 * 0.15–0.40 range) between these. Clip 1 scores 0.3921, so the two lists start with different
 * cards, which is how the page sees the new list arrive; each keeps ~3 % of the clips.
 */
const SIMILARITY_MINS = [0.392, 0.394]
/** Typed one key at a time; 40+ keystrokes after the warm-up ones that load the text tower. */
const TYPED = 'a brown dog runs along the beach at sunset chasing a ball'
const KEY_WARMUP = 3
/** The burst phase: a fast typist's ~100 words per minute, one key every 120 ms. */
const BURST_KEY_DELAY_MS = 120
const FILTER_WARMUP = 2

/** The renderer's debounces, read from its source so the report states the values it ran with. */
function constant(file: string, name: string): number {
  const m = new RegExp(`export const ${name} = (\\d+)`).exec(readFileSync(join(ROOT, 'src-renderer', 'src', file), 'utf8'))
  if (!m) throw new Error(`${name} not found in ${file}`)
  return Number(m[1])
}

const round2 = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100)

async function main(): Promise<void> {
  const loadBefore = round2(loadavg())
  // What was built: read now, as the tree may move during the run (others commit while it runs).
  const source = sourceState()
  const buildS = BUILD ? buildRenderer() : null
  if (!rendererBuilt()) throw new Error('out/renderer is missing: run without --no-build')
  console.log(buildS === null ? 'renderer: reusing out/renderer' : `renderer: built in ${buildS} s`)

  const fx = prepareProject(CLIPS)
  console.log(`project: ${fx.project} (${fx.built.reused ? 'reused' : `generated in ${fx.built.seconds} s`})`)
  await installTinyViclip(fx)
  const targets = filterTargets(fx, SIMILARITY_MINS) as [FilterTarget, FilterTarget]
  if (new Set(targets.map((t) => t.firstCard)).size < targets.length) throw new Error(`filter targets share a first card: ${JSON.stringify(targets)}`)
  const { child, openUrl } = await startServe(fx)
  // Launched as playwright.config.ts launches it: Debian's Chromium, no GPU, no background networking.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
    await context.addInitScript({ path: join(__dirname, 'ui', 'probes.js') })
    // A fresh page per phase: each starts from a loaded grid at the top, with no cache of the others.
    const fresh = async () => {
      const page = await context.newPage()
      await openGrid(page, openUrl, CLIPS)
      return page
    }

    let page = await fresh()
    console.log('scroll…')
    const scroll = await measureScroll(page, { seconds: SECONDS })
    await page.close()

    page = await fresh()
    console.log('filter…')
    const filter = await measureFilter(page, targets, { reps: REPS, warmup: FILTER_WARMUP, backToBack: BACK_TO_BACK })
    await page.close()

    page = await fresh()
    console.log('keystrokes…')
    const keys = await measureKeystrokes(page, TYPED, { warmup: KEY_WARMUP })
    console.log('typing burst…')
    const burst = await measureTypingBurst(page, TYPED, { keyDelayMs: BURST_KEY_DELAY_MS, serverCpu: () => treeCpuSeconds(child.pid!) })
    await page.close()

    const result = buildResult({
      machine: {
        cpu: cpus()[0]?.model,
        cores: cpus().length,
        total_mem_gb: +(totalmem() / 2 ** 30).toFixed(1),
        node: process.version,
        chromium: `Chromium ${browser.version()}`,
        flags: '--headless --no-sandbox --disable-gpu --disable-background-networking',
        viewport: '1400×900',
        load_before: loadBefore,
        load_after: round2(loadavg()),
      },
      source: { ...source, build_s: buildS },
      project: { clips: CLIPS, path: fx.project.replace(`${ROOT}/`, ''), reused: fx.built.reused, generate_s: fx.built.reused ? null : fx.built.seconds },
      scroll,
      filter: { ...filter, debounceMs: constant('stores/filters.ts', 'APPLY_DELAY_MS'), statsDelayMs: constant('stores/filters.ts', 'STATS_DELAY_MS'), targets },
      keys: { ...keys, debounceMs: constant('components/caption-editor/use-live-similarity.ts', 'RESCORE_DEBOUNCE_MS'), model: fx.model, typed: TYPED, warmup: KEY_WARMUP, burst },
    })
    mkdirSync(join(__dirname, 'results'), { recursive: true })
    writeFileSync(join(__dirname, 'results', 'ui.json'), `${JSON.stringify(result, null, 2)}\n`)
    writeFileSync(join(__dirname, 'UI.md'), markdown(result))
    console.log(markdown(result))
  } finally {
    await browser.close()
    await stopServe(child)
  }
}

void main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
