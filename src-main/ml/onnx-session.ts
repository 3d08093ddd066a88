import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import type { Dim, TensorSpec } from './manifest'

/**
 * ONNX Runtime sessions, created lazily and once per (file, provider, threads).
 *
 * onnxruntime-node does not fall back when an execution provider is unavailable: asking for
 * ['cuda', 'cpu'] without the CUDA libraries throws at creation. `auto` therefore tries CUDA,
 * catches, retries on CPU and keeps the reason so the UI can tell the user why it is slow.
 */
export type ProviderChoice = 'auto' | 'cuda' | 'cpu'
export type ActiveProvider = 'cuda' | 'cpu'

export interface SessionRequest {
  provider?: ProviderChoice
  /** Threads for one operator; undefined lets onnxruntime use every core. */
  intraOpThreads?: number
  /** When given, the session's inputs must match (names, dtypes, shapes) or loading fails. */
  expectInputs?: TensorSpec[]
}

export interface LoadedSession {
  session: ort.InferenceSession
  file: string
  provider: ActiveProvider
  /** Why `auto` ended up on CPU; null when it got what it asked for. */
  fallbackReason: string | null
}

export class ModelLoadError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`)
    this.name = 'ModelLoadError'
  }
}

export class InputSpecError extends Error {
  constructor(
    readonly file: string,
    readonly expected: TensorSpec[],
    readonly actual: TensorSpec[],
  ) {
    super(`${file}: model inputs do not match the manifest: expected ${formatSpecs(expected)}, actual ${formatSpecs(actual)}`)
    this.name = 'InputSpecError'
  }
}

export function formatSpecs(specs: readonly TensorSpec[]): string {
  return specs.map((s) => `${s.name} ${s.dtype}[${s.shape.join(',')}]`).join('; ') || '(none)'
}

function dimMatches(expected: Dim, actual: Dim): boolean {
  // A symbolic dimension means "any size": the model must also leave it free (a graph exported
  // with batch 1 fixed cannot take batches even if the name happens to differ).
  if (typeof expected === 'string') return typeof actual === 'string'
  return expected === actual
}

export function sessionInputs(session: ort.InferenceSession): TensorSpec[] {
  return session.inputMetadata.map((m) =>
    m.isTensor ? { name: m.name, dtype: m.type, shape: [...m.shape] } : { name: m.name, dtype: 'non-tensor', shape: [] },
  )
}

export function checkInputs(file: string, expected: TensorSpec[], actual: TensorSpec[]): void {
  const ok =
    expected.length === actual.length &&
    expected.every((e) => {
      const a = actual.find((x) => x.name === e.name)
      return (
        a !== undefined && a.dtype === e.dtype && a.shape.length === e.shape.length && e.shape.every((d, i) => dimMatches(d, a.shape[i]!))
      )
    })
  if (!ok) throw new InputSpecError(file, expected, actual)
}

/**
 * onnxruntime's own message ("Failed to load shared library") does not say which library; the
 * usual cause is an install that skipped the CUDA provider download, so say so when it is absent.
 */
function cudaHint(): string {
  try {
    const binDir = path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch)
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'
    return existsSync(path.join(binDir, lib)) ? '' : ` (${lib} is not installed in ${binDir}; onnxruntime-node was installed without its CUDA provider)`
  } catch {
    return ''
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim()
}

async function create(file: string, providers: string[], threads: number | undefined): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, {
    executionProviders: providers,
    ...(threads ? { intraOpNumThreads: threads } : {}),
    graphOptimizationLevel: 'all',
  })
}

export class SessionFactory {
  private readonly inflight = new Map<string, Promise<LoadedSession>>()

  constructor(private readonly defaults: { provider?: ProviderChoice; intraOpThreads?: number } = {}) {}

  /** Resolves to the same LoadedSession for concurrent and later calls with the same key. */
  load(file: string, request: SessionRequest = {}): Promise<LoadedSession> {
    const abs = path.resolve(file)
    const provider = request.provider ?? this.defaults.provider ?? 'auto'
    const threads = request.intraOpThreads ?? this.defaults.intraOpThreads
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
      return Promise.reject(new RangeError(`intraOpThreads must be a positive integer, got ${threads}`))
    }
    const key = `${abs}\0${provider}\0${threads ?? 'default'}`
    let pending = this.inflight.get(key)
    if (!pending) {
      pending = this.open(abs, provider, threads)
      // A failed load must not be cached: the user may install CUDA or fix the file and retry.
      pending.catch(() => this.inflight.delete(key))
      this.inflight.set(key, pending)
    }
    const expect = request.expectInputs
    return expect ? pending.then((s) => (checkInputs(s.file, expect, sessionInputs(s.session)), s)) : pending
  }

  /** Releases every session this factory created (e.g. when the selected model changes). */
  async releaseAll(): Promise<void> {
    const all = [...this.inflight.values()]
    this.inflight.clear()
    for (const p of all) {
      const s = await p.catch(() => null)
      await s?.session.release()
    }
  }

  private async open(file: string, provider: ProviderChoice, threads: number | undefined): Promise<LoadedSession> {
    const st = await stat(file).catch(() => null)
    if (!st?.isFile()) throw new ModelLoadError(file, 'model file not found')
    let fallbackReason: string | null = null
    if (provider !== 'cpu') {
      try {
        return { session: await create(file, ['cuda', 'cpu'], threads), file, provider: 'cuda', fallbackReason: null }
      } catch (e) {
        if (provider === 'cuda') throw new ModelLoadError(file, `CUDA session could not be created: ${firstLine(e)}${cudaHint()}`)
        fallbackReason = `CUDA execution provider unavailable, using CPU: ${firstLine(e)}${cudaHint()}`
      }
    }
    try {
      return { session: await create(file, ['cpu'], threads), file, provider: 'cpu', fallbackReason }
    } catch (e) {
      throw new ModelLoadError(file, `not a loadable ONNX model (${st.size} bytes): ${firstLine(e)}`)
    }
  }
}
