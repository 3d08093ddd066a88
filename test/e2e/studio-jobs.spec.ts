import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { ARTIFACTS, SHARED_VIDEOS, StudioPage, server, writeScoredJsonl } from './pages/studio-page'

test('a curator adds videos, runs and resumes a stage, and imports a JSONL from the Jobs panel', async ({ page }) => {
  const studio = new StudioPage(page)
  await studio.open(server().openUrl)
  const before = await studio.clipCount()
  const jobs = await studio.openTool('Jobs')
  // One row per job kind the core runs (a new kind, such as captioning, appears on its own).
  for (const label of ['Ingest (scene cuts, frames)', 'Similarity (ViCLIP)', 'Aesthetic (LAION)', 'Import JSONL', 'Export']) {
    await expect(studio.stage(label)).toBeVisible()
  }

  // Browser mode has no file picker for the server's disk: the path is typed.
  const add = jobs.getByRole('form', { name: 'Add videos' })
  await add.getByLabel('Video folder or file').fill(join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4'))
  await add.getByRole('button', { name: 'Ingest' }).click()
  const ingest = studio.stage('Ingest (scene cuts, frames)')
  await expect(ingest.getByRole('status', { name: 'Ingest (scene cuts, frames) status' })).toHaveText('done', { timeout: 45_000 })
  await expect(ingest.getByRole('progressbar')).toHaveAttribute('value', '100')
  await expect(ingest).toContainText('frames')
  // The new clips reach the grid and the counts by the clips:changed event, without a reload.
  await expect.poll(() => studio.clipCount()).toBe(before + 3)
  await page.screenshot({ path: join(ARTIFACTS, 'jobs-ingest.png'), fullPage: true })

  // No ViCLIP model here: the stage fails with the store's reason, and Resume re-runs it.
  const sim = studio.stage('Similarity (ViCLIP)')
  await sim.getByRole('button', { name: 'Start Similarity (ViCLIP)' }).click()
  await expect(sim.getByRole('status', { name: 'Similarity (ViCLIP) status' })).toHaveText('failed', { timeout: 30_000 })
  await expect(sim).toContainText('is not installed')
  await sim.getByRole('button', { name: 'Resume Similarity (ViCLIP)' }).click()
  await expect(sim.getByRole('status', { name: 'Similarity (ViCLIP) status' })).toHaveText('failed', { timeout: 30_000 })
  await page.screenshot({ path: join(ARTIFACTS, 'jobs-stage-failed.png'), fullPage: true })

  const file = writeScoredJsonl('jobs-import.jsonl', 'jobsvid', 12)
  await studio.importJsonl(file)
  await expect(studio.stage('Import JSONL')).toContainText('12 clips imported, 0 already present')
  await expect.poll(() => studio.clipCount()).toBe(before + 3 + 12)
  await page.screenshot({ path: join(ARTIFACTS, 'jobs-import.png'), fullPage: true })

  // The media-name pattern is checked by the core before a job is queued: a typo is an answer in the form.
  const form = jobs.getByRole('form', { name: 'Import JSONL' })
  await form.getByLabel('Annotation file (JSONL)').fill(file)
  await form.getByLabel('Video folder (optional)').fill(SHARED_VIDEOS)
  await expect(form.getByLabel('Media-name pattern (optional)')).toHaveAttribute('placeholder', '{root}/{YoutubeID}.mp4')
  await form.getByLabel('Media-name pattern (optional)').fill('{root}/{id}.mp4')
  await form.getByRole('button', { name: 'Import' }).click()
  await expect(form.getByRole('alert')).toContainText('unknown placeholder {id}')
  await expect(studio.stage('Import JSONL')).toContainText('12 clips imported, 0 already present')

  await jobs.getByRole('button', { name: 'Close Jobs' }).click()
  await expect(jobs).toBeHidden()
})
