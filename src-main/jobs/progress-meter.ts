/**
 * Rate and ETA from an exponential moving average of recent throughput, so one slow item does
 * not swing the estimate; `shouldEmit` throttles events to a few per second.
 */
export class ProgressMeter {
  private lastTime: number
  private lastDone = 0
  private rate: number | null = null
  private lastEmit = 0

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly minIntervalMs = 250,
  ) {
    this.lastTime = now()
  }

  update(done: number, total: number): { rate: number | null; etaSeconds: number | null } {
    const t = this.now()
    const dt = (t - this.lastTime) / 1000
    if (dt >= 0.2 && done > this.lastDone) {
      const instant = (done - this.lastDone) / dt
      this.rate = this.rate === null ? instant : 0.7 * this.rate + 0.3 * instant
      this.lastTime = t
      this.lastDone = done
    }
    const eta = this.rate && this.rate > 0 ? Math.max(0, (total - done) / this.rate) : null
    return { rate: this.rate, etaSeconds: eta }
  }

  shouldEmit(force = false): boolean {
    const t = this.now()
    if (!force && t - this.lastEmit < this.minIntervalMs) return false
    this.lastEmit = t
    return true
  }
}
