import type * as Transformers from '@huggingface/transformers'
import type { ProviderChoice } from '../onnx-session'
import type { HfFolder } from './hf-folder'

type TransformersModule = typeof Transformers
let loaded: Promise<TransformersModule> | null = null

/**
 * transformers.js, configured strictly offline: models load only from the folders the model
 * store installed (absolute paths), never from the Hub, and nothing is cached elsewhere. It is
 * imported on first use so processes that never caption do not pay for loading it.
 */
export function transformers(): Promise<TransformersModule> {
  loaded ??= import('@huggingface/transformers').then((t) => {
    t.env.allowRemoteModels = false
    t.env.allowLocalModels = true
    // Model ids are absolute folder paths; '/' makes the library's join() leave them as they are.
    t.env.localModelPath = '/'
    t.env.useFSCache = false
    t.env.useBrowserCache = false
    return t
  })
  return loaded
}

export interface LoadedOnDevice<T> {
  value: T
  provider: 'cuda' | 'cpu'
  fallbackReason: string | null
}

/**
 * Loads with CUDA when asked ('auto' tries it first) and falls back to CPU with the reason,
 * as the scoring sessions do: onnxruntime-node throws at session creation when the CUDA
 * provider libraries are not installed (`npm run setup:cuda`) or no GPU is present.
 */
export async function loadOnDevice<T>(provider: ProviderChoice, load: (device: 'cuda' | 'cpu') => Promise<T>): Promise<LoadedOnDevice<T>> {
  if (provider === 'cpu') return { value: await load('cpu'), provider: 'cpu', fallbackReason: null }
  try {
    return { value: await load('cuda'), provider: 'cuda', fallbackReason: null }
  } catch (e) {
    if (provider === 'cuda') throw e
    const reason = (e as Error).message.split('\n')[0].slice(0, 300)
    return { value: await load('cpu'), provider: 'cpu', fallbackReason: `CUDA unavailable: ${reason}` }
  }
}

export function pretrainedOptions(folder: HfFolder, device: 'cuda' | 'cpu', threads: number | null) {
  return {
    local_files_only: true,
    dtype: folder.dtype,
    device,
    ...(threads ? { session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 } } : {}),
  } as const
}
