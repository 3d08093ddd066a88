import { expect, type Locator, type Page } from '@playwright/test'

/** Page object for the review screen: specs speak in curator actions, not selectors. */
export class ReviewPage {
  readonly grid: Locator
  readonly player: Locator
  readonly status: Locator
  readonly projectStatus: Locator
  readonly captionEditor: Locator
  readonly history: Locator

  constructor(readonly page: Page) {
    this.grid = page.getByRole('listbox', { name: 'Clips' })
    this.player = page.getByLabel('Clip player')
    this.status = page.getByLabel('Clip status')
    this.projectStatus = page.getByRole('status', { name: 'Project status' })
    this.captionEditor = page.getByRole('region', { name: 'Caption editor' })
    this.history = page.getByRole('region', { name: 'History' })
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

  /** E opens the editor; Ctrl+Enter saves; resolves once the editor says "Saved" (the core answered). */
  async editCaption(text: string): Promise<void> {
    await this.page.keyboard.press('e')
    const box = this.page.getByRole('textbox', { name: 'Caption', exact: true })
    await expect(box).toBeFocused()
    await box.fill(text)
    await box.press('Control+Enter')
    await expect(this.captionEditor.getByRole('status')).toHaveText('Saved')
  }

  /** R opens the reason chooser; the digit picks a reason and rejects. */
  async rejectWithReason(digit: number, whileOpen?: () => Promise<unknown>): Promise<void> {
    await this.page.keyboard.press('r')
    const chooser = this.page.getByRole('dialog', { name: 'Rejection reason' })
    await expect(chooser).toBeVisible()
    await whileOpen?.()
    await this.page.keyboard.press(String(digit))
    await expect(chooser).toBeHidden()
  }
}
