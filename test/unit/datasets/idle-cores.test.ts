import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { idleCores } from '../../../src-main/services/dataset-export-worker-pool'

// The export's worker gate: cores idle while the exporting thread sleeps through a short sample.
// Only the robust directions are asserted (other processes may always take more CPU).
describe('idle cores sample', () => {
  it('never reports more idle cores than the machine has', () => {
    const idle = idleCores(100)
    expect(idle).toBeGreaterThanOrEqual(0)
    expect(idle).toBeLessThanOrEqual(availableParallelism() + 0.25)
  })

  it('does not count a core that another thread keeps busy', async () => {
    const spinner = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.postMessage('spinning');
      const end = Date.now() + 1500; while (Date.now() < end) {}`, { eval: true })
    try {
      await new Promise((resolve) => spinner.once('message', resolve))
      expect(idleCores(300)).toBeLessThanOrEqual(availableParallelism() - 0.6)
    } finally {
      await spinner.terminate()
    }
  })
})
