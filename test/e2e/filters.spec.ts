import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SERVER_INFO } from './global-setup'
import { ReviewPage } from './pages/review-page'

const ARTIFACTS = join(__dirname, '..', 'artifacts')
const server = () => JSON.parse(readFileSync(SERVER_INFO, 'utf8')) as { openUrl: string }

test('a curator narrows the grid with the duration filter and sees the keep rate follow', async ({ page }) => {
  const review = new ReviewPage(page)
  await review.open(server().openUrl)
  const all = await review.grid.getByRole('option').count()
  expect(all).toBeGreaterThan(2)

  await page.getByRole('button', { name: /Filters/ }).click()
  const keep = page.getByRole('status', { name: 'Keep rate' })
  await expect(keep).toContainText(`${all} clips`)
  await expect(keep).toContainText('100.0 % of all')
  // The demo's clips last 2–4 s; only the 4 s one is at least 3.5 s long.
  const min = page.getByLabel('Duration minimum value')
  await expect(min).toBeEnabled()
  await min.fill('3.5')
  await min.press('Enter')
  await expect(review.grid.getByRole('option')).toHaveCount(1)
  await expect(keep).toContainText(/^1 clip/)
  await page.screenshot({ path: join(ARTIFACTS, 'filters-duration.png'), fullPage: true })

  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(review.grid.getByRole('option')).toHaveCount(all)
})
