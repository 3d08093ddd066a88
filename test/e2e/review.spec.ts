import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SERVER_INFO } from './global-setup'
import { ReviewPage } from './pages/review-page'

const ARTIFACTS = join(__dirname, '..', 'artifacts')
const server = () => JSON.parse(readFileSync(SERVER_INFO, 'utf8')) as { openUrl: string; project: string }

test('a curator opens the demo project, plays a clip, accepts it, and the decision survives a reload', async ({ page }) => {
  const review = new ReviewPage(page)
  await review.open(server().openUrl)
  await expect(review.projectStatus).toContainText('demo')
  await expect(review.projectStatus).toContainText(/browser/i)

  const first = review.grid.getByRole('option').first()
  const label = (await first.getAttribute('aria-label'))!
  const clipId = Number(label.replace('Clip ', ''))
  await review.select(clipId)
  await expect(first.locator('img')).toHaveJSProperty('complete', true)
  expect(await first.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0)

  // Plays the real file through the media route (byte ranges) and advances.
  await page.getByRole('button', { name: 'Play', exact: true }).click()
  await expect.poll(() => review.currentTime(), { timeout: 15_000 }).toBeGreaterThan(0.3)
  await page.getByRole('button', { name: 'Pause', exact: true }).click()

  await review.decide('Accept')
  await expect(review.status).toHaveText('accepted')
  // The counts follow the decision live (a clips:changed event over the WebSocket), no reload.
  await expect(review.projectStatus).toContainText(/1 accepted/)
  await page.screenshot({ path: join(ARTIFACTS, 'review-accepted.png'), fullPage: true })

  await page.reload()
  await expect(review.grid.getByRole('option').first()).toBeVisible()
  await review.select(clipId)
  await expect(review.status).toHaveText('accepted')
  await expect(review.projectStatus).toContainText(/1 accepted/)
})
