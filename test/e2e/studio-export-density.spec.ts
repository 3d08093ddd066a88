import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_DIR } from './global-setup'
import { ARTIFACTS, StudioPage, server, writeScoredJsonl } from './pages/studio-page'

test('a curator brushes the similarity × aesthetic plot, then exports the brushed set with the AES preset', async ({ page }) => {
  const studio = new StudioPage(page)
  await studio.open(server().openUrl)
  // Scores to plot: imported with InternVid's UMT_Score and Aesthetic_Score (no model needed).
  await studio.importJsonl(writeScoredJsonl('density-import.jsonl', 'densvid', 24))
  await page.getByRole('complementary', { name: 'Jobs' }).getByRole('button', { name: 'Close Jobs' }).click()

  await studio.openFilters()
  const plot = page.getByRole('img', { name: /^Density of \d+ clips by similarity and aesthetic/ })
  await expect(plot).toBeVisible()
  const keep = page.getByRole('status', { name: 'Keep rate' })
  await expect(keep).toContainText('100.0 % of all')

  // Drag from (20 %, 80 % down) to (80 %, 20 % down): the middle of both score ranges.
  const box = (await plot.boundingBox())!
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.8)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 4 })
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.2, { steps: 4 })
  await page.mouse.up()
  for (const field of ['Similarity minimum value', 'Similarity maximum value', 'Aesthetic minimum value', 'Aesthetic maximum value']) {
    await expect(page.getByLabel(field)).not.toHaveValue('')
  }
  await expect(keep).not.toContainText('100.0 % of all')
  const brushed = Number(/^(\d+) clips?/.exec((await keep.textContent()) ?? '')![1])
  expect(brushed).toBeGreaterThan(0)
  expect(brushed).toBeLessThan(24)
  await expect(studio.grid.getByRole('option')).toHaveCount(brushed)
  await page.screenshot({ path: join(ARTIFACTS, 'density-brush.png'), fullPage: true })

  await page.getByRole('button', { name: 'Export…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Export' })
  const preview = dialog.getByRole('status', { name: 'Export preview' })
  // The grid's filters are the default: the count is the brushed set's, before anything is written.
  await expect(preview).toHaveText(new RegExp(`^${brushed} clips? · [\\d.]+ h`))
  await dialog.getByRole('radio', { name: /^AES/ }).check()
  await expect(preview).not.toHaveText(new RegExp(`^${brushed} clips? `))
  const aes = Number(/^(\d+) clip/.exec((await preview.textContent())!.trim())![1])
  expect(aes).toBeGreaterThan(0)
  expect(aes).toBeLessThan(brushed)

  const out = join(E2E_DIR, 'export-aes.jsonl')
  await dialog.getByLabel(/^Output file/).fill(out)
  // Imported without media: asked for clip files, the job cuts none and says why.
  await dialog.getByLabel('Also write clip files to folder (optional)').fill(join(E2E_DIR, 'export-aes-clips'))
  await dialog.getByRole('button', { name: 'Write export' }).click()
  await expect(dialog.getByRole('status', { name: 'Export result' })).toContainText(`${aes} clips`, { timeout: 30_000 })
  await expect(dialog.getByRole('status', { name: 'Export result' })).toContainText(`written to ${out}`)
  await expect(dialog.getByRole('status', { name: 'Export result' })).toContainText(`0 written, 0 already there, ${aes} skipped (no media), 0 failed`)
  await page.screenshot({ path: join(ARTIFACTS, 'export-dialog.png'), fullPage: true })

  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { Aesthetic_Score: number; UMT_Score: number })
  expect(rows).toHaveLength(aes)
  expect(rows.every((r) => r.Aesthetic_Score >= 4)).toBe(true)
  const manifest = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8')) as { filters: { preset: string; where: string[] } }
  expect(manifest.filters.preset).toBe('aes')
  expect(manifest.filters.where.some((w) => w.startsWith('similarity>='))).toBe(true)

  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(dialog).toBeHidden()
  await page.getByRole('button', { name: 'Clear filters' }).click()
})
