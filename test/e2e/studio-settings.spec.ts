import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { ARTIFACTS, StudioPage, server } from './pages/studio-page'

test('a curator changes scoring settings that persist in the project, and sees which models are installed', async ({ page }) => {
  const studio = new StudioPage(page)
  await studio.open(server().openUrl)
  let panel = await studio.openTool('Settings')
  const batch = panel.getByLabel('Batch size')
  await expect(batch).toHaveValue('4')
  await batch.fill('8')
  await panel.getByLabel('Execution provider').selectOption('cpu')
  await panel.getByLabel('Aesthetic score aggregation').selectOption('mean')
  await panel.getByLabel('Longest clip (s)').fill('90')
  await panel.getByRole('button', { name: 'Save settings' }).click()
  await expect(panel.getByRole('status', { name: 'Settings saved' })).toHaveText('Saved')
  await page.screenshot({ path: join(ARTIFACTS, 'settings.png'), fullPage: true })

  // An impossible clip rule is refused whole: nothing of the patch is stored.
  await panel.getByLabel('Shortest clip (s)').fill('60')
  await panel.getByLabel('Batch size').fill('2')
  await panel.getByRole('button', { name: 'Save settings' }).click()
  await expect(panel.getByRole('alert')).toContainText('at least twice the minimum')

  await page.reload()
  panel = await studio.openTool('Settings')
  await expect(panel.getByLabel('Batch size')).toHaveValue('8')
  await expect(panel.getByLabel('Execution provider')).toHaveValue('cpu')
  await expect(panel.getByLabel('Aesthetic score aggregation')).toHaveValue('mean')
  await expect(panel.getByLabel('Longest clip (s)')).toHaveValue('90')
  await expect(panel.getByLabel('Shortest clip (s)')).toHaveValue('1')
  // Back to the defaults, for the specs that run after this one on the same project.
  await panel.getByLabel('Execution provider').selectOption('auto')
  await panel.getByLabel('Batch size').fill('4')
  await panel.getByLabel('Aesthetic score aggregation').selectOption('max')
  await panel.getByLabel('Longest clip (s)').fill('120')
  await panel.getByRole('button', { name: 'Save settings' }).click()
  await expect(panel.getByRole('status', { name: 'Settings saved' })).toHaveText('Saved')

  const models = await studio.openTool('Models')
  // This machine has no model installed and no CUDA provider: the reason is shown, not hidden.
  await expect(models.getByRole('status', { name: 'Execution provider' })).toContainText('cpu', { timeout: 30_000 })
  const viclip = models.getByRole('row', { name: 'viclip-l14-hf' })
  await expect(viclip).toContainText('not installed')
  await expect(viclip).toContainText('vicurate models install viclip-l14-hf')
  await expect(viclip).toContainText('similarity')
  await page.screenshot({ path: join(ARTIFACTS, 'models.png'), fullPage: true })
})
