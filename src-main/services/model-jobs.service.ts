import { ModelStore, type StoreProgress } from '../ml/model-store'

export interface ModelInstallReport {
  id: string
  revision: string
  dir: string
  alreadyInstalled: boolean
  /** Files whose sha256 was computed and recorded on this install (trust on first use). */
  pinned: { file: string; sha256: string; bytes: number }[]
}

export interface ModelVerifyReport {
  checked: number
  problems: { id: string; revision: string; file: string; problem: string }[]
}

type Progress = (p: { done: number; total: number; unit: 'MB'; detail?: string }) => void
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10

/**
 * The model manager as jobs, so the Models panel installs and verifies off the UI's event loop
 * with progress (MB of the file being downloaded, then the export and verify phases), and a
 * cancel keeps the partial download for the next attempt (the store's resumable .part files).
 */
export async function runModelInstallJob(data: { id: string; trustOnFirstUse?: boolean }, signal: AbortSignal, progress: Progress, store = new ModelStore()): Promise<{ outcome: 'done'; report: ModelInstallReport }> {
  const onProgress = (p: StoreProgress) => {
    if (p.phase === 'download') progress({ done: mb(p.received), total: p.total === null ? 0 : mb(p.total), unit: 'MB', detail: `downloading ${p.file}` })
    else progress({ done: 0, total: 0, unit: 'MB', detail: `${p.phase}: ${p.message}` })
  }
  const r = await store.install(data.id, { trustOnFirstUse: data.trustOnFirstUse === true, signal, onProgress })
  return { outcome: 'done', report: { id: r.model.id, revision: r.model.revision, dir: r.model.dir, alreadyInstalled: r.alreadyInstalled, pinned: r.pinned } }
}

export async function runModelVerifyJob(data: { id?: string }, progress: Progress, store = new ModelStore()): Promise<{ outcome: 'done' | 'failed'; report: ModelVerifyReport }> {
  progress({ done: 0, total: 0, unit: 'MB', detail: `re-hashing ${data.id ?? 'every installed model'}` })
  const r = await store.verify(data.id)
  return { outcome: r.problems.length > 0 ? 'failed' : 'done', report: r }
}
