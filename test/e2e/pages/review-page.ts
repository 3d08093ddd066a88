import { expect, type Locator, type Page } from '@playwright/test'

/** Page object for the review screen: specs speak in curator actions, not selectors. */
export class ReviewPage {
  readonly grid: Locator
  readonly player: Locator
  readonly status: Locator
  readonly projectStatus: Locator

  constructor(readonly page: Page) {
    this.grid = page.getByRole('listbox', { name: 'Clips' })
    this.player = page.getByLabel('Clip player')
    this.status = page.getByLabel('Clip status')
    this.projectStatus = page.getByRole('status', { name: 'Project status' })
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await expect(this.grid.getByRole('option').first()).toBeVisible()
  }

  clip(id: number): Locator {
    return this.grid.getByRole('option', { name: `Clip ${id}`, exact: true })
  }

  async select(id: number): Promise<void> {
    await this.clip(id).click()
    await expect(this.clip(id)).toHaveAttribute('aria-selected', 'true')
  }

  async decide(action: 'Accept' | 'Reject' | 'Reset'): Promise<void> {
    await this.page.getByRole('button', { name: action, exact: true }).click()
  }

  /** Current playback position of the player's <video>. */
  currentTime(): Promise<number> {
    return this.player.evaluate((v) => (v as unknown as { currentTime: number }).currentTime)
  }
}
