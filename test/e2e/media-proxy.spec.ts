import { expect, test, type Page } from '@playwright/test'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeLegacyAvi } from '../support/media-corpus'
import { ReviewPage } from './pages/review-page'

/**
 * A project whose only video is an AVI (MS-MPEG4 + MP3) that Chromium cannot open, ingested with
 * the real CLI and served by `vicurate serve` — its own project, so the demo specs keep theirs.
 * 30 s of the Sintel trailer take the transcode a few seconds: long enough to see it preparing.
 */

const ROOT = join(__dirname, '..', '..')
const DIR = join(ROOT, 'test-results', 'media-proxy')
const ARTIFACTS = join(ROOT, 'test', 'artifacts')
const BIN = join(ROOT, 'bin', 'vicurate')

let server: ChildProcess | null = null
let openUrl = ''

test.describe.configure({ mode: 'serial', timeout: 120_000 })

test.beforeAll(async () => {
  test.setTimeout(240_000)
  rmSync(DIR, { recursive: true, force: true })
  mkdirSync(join(DIR, 'videos'), { recursive: true })
  mkdirSync(ARTIFACTS, { recursive: true })
  const avi = writeLegacyAvi(join(DIR, 'videos', 'sintel-divx.avi'), join(ROOT, '..', 'shared', 'assets', 'videos', 'sintel_trailer_30s.mp4'), { tone: true })
  const project = join(DIR, 'legacy.vicurate')
  execFileSync(BIN, ['init', project], { stdio: 'pipe' })
  execFileSync(BIN, ['ingest', project, avi], { stdio: 'pipe', timeout: 180_000 })
  const child = spawn(BIN, ['serve', project], { stdio: ['ignore', 'pipe', 'pipe'] })
  server = child
  let log = ''
  openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vicurate serve did not start:\n${log}`)), 60_000)
    const onData = (d: Buffer) => {
      log += d.toString()
      const m = /open: (http:\/\/\S+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`vicurate serve exited with ${code}:\n${log}`)))
  })
})

test.afterAll(async () => {
  if (!server || server.exitCode !== null) return
  const exited = new Promise((r) => server!.once('exit', r))
  server.kill('SIGTERM')
  await exited
})

/** The scrubber spans the clip: its min and max are the clip's start and end on the source timeline. */
async function clipBounds(page: Page): Promise<{ start: number; end: number }> {
  const scrub = page.getByRole('slider', { name: 'Position in clip' })
  return { start: Number(await scrub.getAttribute('min')), end: Number(await scrub.getAttribute('max')) }
}

test('an AVI shows "Preparing a playable copy…", then plays its proxy within the clip', async ({ page }) => {
  const review = new ReviewPage(page)
  await review.open(openUrl)
  const first = review.grid.getByRole('option').first()
  await expect(first).toHaveAttribute('aria-selected', 'true')

  const preparing = page.getByRole('status', { name: 'Player status' })
  await expect(preparing).toContainText('Preparing a playable copy…')
  await expect(preparing).toContainText('browsers cannot open the AVI container')
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeDisabled()
  // Progress arrives over the WebSocket while ffmpeg works.
  await expect.poll(() => preparing.getByRole('progressbar').getAttribute('value'), { timeout: 30_000 }).toMatch(/^[1-9]\d*$/)
  await page.screenshot({ path: join(ARTIFACTS, 'proxy-preparing.png'), fullPage: true })

  await expect(preparing).toBeHidden({ timeout: 90_000 })
  await expect(review.player).toHaveAttribute('src', /\/media\/video\/\d+\?rev=/)
  const bounds = await clipBounds(page)
  await page.getByRole('button', { name: 'Play', exact: true }).click()
  // Chromium decodes the proxy: the playhead advances from the clip start and stays inside the clip.
  await expect.poll(() => review.currentTime(), { timeout: 15_000 }).toBeGreaterThan(bounds.start + 0.3)
  expect(await review.currentTime()).toBeLessThanOrEqual(bounds.end + 0.05)
  expect(await review.player.evaluate((v) => (v as unknown as { videoWidth: number }).videoWidth)).toBeGreaterThan(0)
  await page.getByRole('button', { name: 'Pause', exact: true }).click()

  // A clip from the middle of the video: the proxy seeks to the clip's start on the source timeline.
  const fourth = review.grid.getByRole('option').nth(3)
  await review.select(Number((await fourth.getAttribute('aria-label'))!.replace('Clip ', '')))
  const mid = await clipBounds(page)
  expect(mid.start).toBeGreaterThan(5)
  await page.getByRole('button', { name: 'Play', exact: true }).click()
  await expect.poll(() => review.currentTime(), { timeout: 15_000 }).toBeGreaterThan(mid.start + 0.3)
  expect(await review.currentTime()).toBeLessThanOrEqual(mid.end + 0.05)
  await page.screenshot({ path: join(ARTIFACTS, 'proxy-playing.png'), fullPage: true })
  await page.getByRole('button', { name: 'Pause', exact: true }).click()

  // The proxy is cached in the project folder: after a reload it plays at once.
  await page.reload()
  await expect(review.grid.getByRole('option').first()).toBeVisible()
  await expect(review.player).toHaveAttribute('src', /\?rev=/)
  await expect(preparing).toBeHidden()
})
