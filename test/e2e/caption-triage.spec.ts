import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SERVER_INFO } from './global-setup'
import { ReviewPage } from './pages/review-page'

const ARTIFACTS = join(__dirname, '..', 'artifacts')
const server = () => JSON.parse(readFileSync(SERVER_INFO, 'utf8')) as { openUrl: string; project: string }

test('a curator edits a caption, rejects with a reason by keyboard, and undoes the rejection', async ({ page }) => {
  const review = new ReviewPage(page)
  await review.open(server().openUrl)
  // The second clip: the other spec decides the first one and counts its decisions.
  const second = review.grid.getByRole('option').nth(1)
  const clipId = Number((await second.getAttribute('aria-label'))!.replace('Clip ', ''))
  await review.select(clipId)

  const caption = `a curated caption for clip ${clipId}, written in the e2e test`
  await review.editCaption(caption)
  await expect(review.captionEditor).toContainText(caption)

  await page.reload()
  await review.select(clipId)
  await expect(review.captionEditor).toContainText(caption)
  await expect(review.history.getByRole('listitem').first()).toContainText('caption edited')
  await expect(review.history.getByRole('listitem').first()).toContainText(caption)

  // Focus on the grid, as during triage; shortcuts are page-wide.
  await review.clip(clipId).focus()
  await expect(review.status).toHaveText('pending')
  await review.rejectWithReason(2, () => page.screenshot({ path: join(ARTIFACTS, 'reason-chooser.png'), fullPage: true }))
  await expect(review.status).toHaveText('rejected')
  await expect(review.history.getByRole('listitem').first()).toContainText('reason: watermark / text overlay')
  await page.screenshot({ path: join(ARTIFACTS, 'caption-triage.png'), fullPage: true })

  await page.keyboard.press('Control+z')
  await expect(review.status).toHaveText('pending')
  await expect(review.history.getByRole('listitem').first()).toContainText('rejected → pending')

  await page.reload()
  await review.select(clipId)
  await expect(review.status).toHaveText('pending')
})
