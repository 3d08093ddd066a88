import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { ARTIFACTS, StudioPage, server } from './pages/studio-page'

test('a curator saves the filtered grid as a view, clears it, and gets it back by applying the view', async ({ page }) => {
  const studio = new StudioPage(page)
  await studio.open(server().openUrl)
  await studio.openFilters()
  const options = studio.grid.getByRole('option')
  const keep = page.getByRole('status', { name: 'Keep rate' })
  const kept = async () => Number(/^([\d,]+) clips?/.exec((await keep.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? NaN)
  await expect(keep).toContainText('100.0 % of all')
  const all = await kept()

  const min = page.getByLabel('Duration minimum value')
  await expect(min).toBeEnabled()
  await min.fill('3.5')
  await min.press('Enter')
  await expect(keep).not.toContainText(`${all} clips`)
  const narrowed = await kept()
  expect(narrowed).toBeLessThan(all)

  const views = page.getByRole('region', { name: 'Saved views' })
  await views.getByLabel('View name').fill('long clips')
  await views.getByRole('button', { name: 'Save view' }).click()
  await expect(views.getByRole('button', { name: 'Apply view long clips' })).toBeVisible()

  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(keep).toContainText(`${all} clips`)
  await expect(min).toHaveValue('')

  await views.getByRole('button', { name: 'Apply view long clips' }).click()
  await expect(min).toHaveValue('3.5')
  await expect(keep).toContainText(new RegExp(`^${narrowed} clip`))
  // The grid's scroll space follows the view's count (it renders only the cards in sight).
  await expect(page.getByText(new RegExp(`^${narrowed} clips$`))).toBeVisible()
  await expect(options.first()).toBeVisible()
  await page.screenshot({ path: join(ARTIFACTS, 'saved-views.png'), fullPage: true })

  // Views live in the project: they survive a reload, and deleting one removes it.
  await page.reload()
  await studio.openFilters()
  await expect(views.getByRole('button', { name: 'Apply view long clips' })).toBeVisible()
  await views.getByRole('button', { name: 'Delete view long clips' }).click()
  await expect(views.getByRole('button', { name: 'Apply view long clips' })).toBeHidden()
  await expect(views).toContainText('No saved views')
})

test('semantic search says plainly that it needs a ViCLIP model when none is installed', async ({ page }) => {
  const studio = new StudioPage(page)
  await studio.open(server().openUrl)
  const search = page.getByRole('search')
  await search.getByRole('searchbox', { name: 'Find clips matching text' }).fill('a dog playing in the snow')
  await search.getByRole('button', { name: 'Find' }).click()
  const alert = page.getByRole('region', { name: 'Semantic search' }).getByRole('alert')
  await expect(alert).toContainText('needs a ViCLIP model')
  await expect(alert).toContainText('vicurate models install viclip-l14-hf')
  await page.screenshot({ path: join(ARTIFACTS, 'semantic-search-no-model.png'), fullPage: true })
  await page.getByRole('button', { name: 'Clear results' }).click()
  await expect(alert).toBeHidden()
})
