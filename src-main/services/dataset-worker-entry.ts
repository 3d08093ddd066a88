import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { appRoot } from '../core/app-paths'

/**
 * A worker-thread entry beside this module: the .js bundle, or the .ts source, which then needs
 * tsx's loader in the worker too (test runners do not pass theirs on). Null when neither is there
 * (an app bundle built without this entry): the caller then does the work on its own thread.
 */
export function datasetWorkerEntry(name: 'dataset-import-worker' | 'dataset-export-worker' | 'batch-worker'): { file: string; execArgv?: string[] } | null {
  const js = join(__dirname, `${name}.js`)
  if (existsSync(js)) return { file: js }
  const ts = join(__dirname, `${name}.ts`)
  const tsx = join(appRoot(), 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs')
  if (!existsSync(ts) || !existsSync(tsx)) return null
  const inherited = process.execArgv.some((a) => a.includes('tsx'))
  return { file: ts, execArgv: inherited ? undefined : [...process.execArgv, '--require', tsx] }
}
