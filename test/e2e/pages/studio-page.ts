import { expect, type Locator, type Page } from '@playwright/test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { E2E_DIR, SERVER_INFO } from '../global-setup'
import { ReviewPage } from './review-page'

export const ARTIFACTS = join(__dirname, '..', '..', 'artifacts')
export const SHARED_VIDEOS = join(__dirname, '..', '..', '..', '..', 'shared', 'assets', 'videos')
export const server = () => JSON.parse(readFileSync(SERVER_INFO, 'utf8')) as { openUrl: string; project: string }

/**
 * InternVid annotation rows with scores spread over similarity 0.10–0.47 and aesthetic 3–7 (no
 * media: the rows are imported with their media missing). `prefix` keeps each spec's clips its own.
 */
export function writeScoredJsonl(name: string, prefix: string, n = 24): string {
  const lines: string[] = []
  for (let i = 0; i < n; i++) {
    const start = 10 * i
    const ts = (s: number) => `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`
    lines.push(JSON.stringify({
      YoutubeID: `${prefix}${Math.floor(i / 6)}`, Start_timestamp: ts(start), End_timestamp: ts(start + 2 + (i % 4)),
      Caption: `scored clip ${i} of ${prefix}`, UMT_Score: Number((0.1 + i * 0.016).toFixed(3)), Aesthetic_Score: Number((3 + (((i * 7) % n) / n) * 4).toFixed(3)),
    }))
  }
  const file = join(E2E_DIR, name)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

/** Page object for the studio panels around the review screen (jobs, views, export, …). */
export class StudioPage extends ReviewPage {
  readonly jobs: Locator
  readonly filters: Locator

  constructor(page: Page) {
    super(page)
    this.jobs = page.getByRole('complementary', { name: 'Jobs' })
    this.filters = page.getByRole('region', { name: 'Filters' })
  }

  async openTool(name: 'Jobs' | 'Settings' | 'Models'): Promise<Locator> {
    await this.page.getByRole('navigation', { name: 'Tools' }).getByRole('button', { name, exact: true }).click()
    const drawer = this.page.getByRole('complementary', { name })
    await expect(drawer).toBeVisible()
    return drawer
  }

  stage(label: string): Locator {
    return this.jobs.getByRole('group', { name: label, exact: true })
  }

  /** Imports a JSONL through the Jobs panel and waits for the import job to finish. */
  async importJsonl(file: string): Promise<void> {
    if (!(await this.jobs.isVisible())) await this.openTool('Jobs')
    const form = this.jobs.getByRole('form', { name: 'Import JSONL' })
    await form.getByLabel('Annotation file (JSONL)').fill(file)
    await form.getByRole('button', { name: 'Import' }).click()
    const row = this.stage('Import JSONL')
    await expect(row.getByRole('status', { name: 'Import JSONL status' })).toHaveText('done', { timeout: 30_000 })
  }

  /** "N clips" from the status bar. */
  async clipCount(): Promise<number> {
    const text = (await this.projectStatus.textContent()) ?? ''
    return Number(/(\d+) clips/.exec(text)?.[1] ?? NaN)
  }

  async openFilters(): Promise<void> {
    const toggle = this.filters.getByRole('button', { name: /^.?\s*Filters/ })
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
  }
}
