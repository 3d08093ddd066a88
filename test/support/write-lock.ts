import { Worker } from 'node:worker_threads'

/**
 * Another connection (a job worker's, in the app) takes the project's write lock, holds it for
 * `holdMs` or until `release()`, then commits. A thread, not this one: better-sqlite3 waits
 * synchronously, so a lock held on the waiting thread could never be released. `locked`
 * resolves once it is held.
 */
export function holdWriteLock(path: string, holdMs: number): { locked: Promise<void>; done: Promise<void>; release: () => void } {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads')
     const Database = require(workerData.driver)
     const db = new Database(workerData.path)
     db.exec('BEGIN IMMEDIATE')
     db.prepare("INSERT INTO settings (key, value_json) VALUES ('held', '1') ON CONFLICT (key) DO NOTHING").run()
     parentPort.postMessage('locked')
     Atomics.wait(workerData.flag, 0, 0, workerData.holdMs)
     db.exec('COMMIT')
     db.close()`,
    { eval: true, workerData: { path, holdMs, flag, driver: require.resolve('better-sqlite3') } },
  )
  const locked = new Promise<void>((resolve) => worker.once('message', () => resolve()))
  const done = new Promise<void>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', () => resolve())
  })
  const release = () => {
    Atomics.store(flag, 0, 1)
    Atomics.notify(flag, 0)
  }
  return { locked, done, release }
}
