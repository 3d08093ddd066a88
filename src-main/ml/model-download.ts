import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream, existsSync } from 'node:fs'
import { rename, rm, stat, truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as ort from 'onnxruntime-node'
import { sha256File, type ModelManifest, type TensorSpec } from './manifest'
import { EXPORT_TOKENS } from './model-registry'
import { sessionInputs } from './onnx-session'

/**
 * One resumable, verified download: bytes go to `<dest>.part`, a dropped connection is resumed
 * with an HTTP Range request (also across process restarts, since the .part survives), and the
 * file only gets its final name after its size and sha256 check out.
 */
export class DownloadError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`)
    this.name = 'DownloadError'
  }
}

export class ChecksumError extends DownloadError {
  constructor(file: string, readonly expected: string, readonly actual: string) {
    super(file, `sha256 mismatch: expected ${expected}, got ${actual} (the partial download was deleted)`)
    this.name = 'ChecksumError'
  }
}

export class SizeError extends DownloadError {
  constructor(file: string, readonly expected: number, readonly actual: number) {
    super(file, `size mismatch: expected ${expected} bytes, got ${actual} (truncated or wrong file; the partial download was deleted)`)
    this.name = 'SizeError'
  }
}

export interface DownloadProgress {
  file: string
  received: number
  /** Null when neither the registry nor the server says how big the file is. */
  total: number | null
  bytesPerSecond: number
}

export interface DownloadRequest {
  url: string
  /** Final path; the partial file is `${dest}.part`. */
  dest: string
  sha256: string | null
  bytes: number | null
  signal?: AbortSignal
  onProgress?: (p: DownloadProgress) => void
  /** Connection attempts in total, including resumes. */
  maxAttempts?: number
  retryDelayMs?: number
  fetchImpl?: typeof fetch
}

export interface DownloadResult {
  sha256: string
  bytes: number
  /** How many times the transfer was resumed with a Range request. */
  resumes: number
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Registry URLs must be https; plain http only to this machine (tests, local mirrors). */
export function checkDownloadUrl(url: string): void {
  const u = new URL(url)
  if (u.protocol === 'https:') return
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return
  throw new DownloadError(url, 'only https URLs (or http to loopback) are allowed for model downloads')
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file).catch(() => null))?.size ?? 0
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true })
  })
}

/** Total size from a 200's Content-Length or a 206's Content-Range ("bytes a-b/total"). */
function totalFrom(res: Response, offset: number): number | null {
  const range = res.headers.get('content-range')
  const m = range ? /\/(\d+)\s*$/.exec(range) : null
  if (m) return Number(m[1])
  const len = res.headers.get('content-length')
  return len !== null ? offset + Number(len) : null
}

export async function downloadFile(req: DownloadRequest): Promise<DownloadResult> {
  checkDownloadUrl(req.url)
  const name = path.basename(req.dest)
  const part = `${req.dest}.part`
  const doFetch = req.fetchImpl ?? fetch
  const maxAttempts = req.maxAttempts ?? 6
  let resumes = 0
  let lastError: unknown = null
  let total: number | null = req.bytes
  const started = Date.now()
  let startedAt = await sizeOf(part)
  let lastReport = 0

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    req.signal?.throwIfAborted()
    const offset = await sizeOf(part)
    if (req.bytes !== null && offset > req.bytes) await truncate(part, 0) // a stale .part from another file version
    const have = await sizeOf(part)
    if (req.bytes !== null && have === req.bytes) break // finished before a crash; only the rename was missing
    if (have > 0) resumes++
    let res: Response
    try {
      res = await doFetch(req.url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: req.signal, redirect: 'follow' })
    } catch (e) {
      if (req.signal?.aborted) throw e
      lastError = e
      await sleep(req.retryDelayMs ?? 500 * attempt, req.signal)
      continue
    }
    // Hubs redirect to CDNs; the final hop must meet the same https rule as the registry URL.
    if (res.url) checkDownloadUrl(res.url)
    if (res.status === 416 && have > 0) {
      // The server says our offset is past its end: the .part is complete or belongs to other bytes.
      await res.body?.cancel()
      const size = Number(/\/(\d+)/.exec(res.headers.get('content-range') ?? '')?.[1] ?? NaN)
      if (size === have) break
      await truncate(part, 0)
      continue
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel()
      throw new DownloadError(name, `HTTP ${res.status} ${res.statusText} from ${req.url}`)
    }
    // A 200 to a Range request means the server ignores ranges: start over rather than append.
    const append = res.status === 206 && have > 0
    if (!append && have > 0) await truncate(part, 0)
    const base = append ? have : 0
    if (!append) startedAt = 0
    total = req.bytes ?? totalFrom(res, base)
    if (!res.body) throw new DownloadError(name, `empty response body from ${req.url}`)
    let received = base
    const source = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)
    source.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (req.bytes !== null && received > req.bytes) {
        source.destroy(new SizeError(name, req.bytes, received))
        return
      }
      const now = Date.now()
      if (req.onProgress && now - lastReport >= 250) {
        lastReport = now
        const secs = Math.max((now - started) / 1000, 0.001)
        req.onProgress({ file: name, received, total, bytesPerSecond: (received - startedAt) / secs })
      }
    })
    try {
      await pipeline(source, createWriteStream(part, { flags: append ? 'a' : 'w' }))
      lastError = null
      break
    } catch (e) {
      if (e instanceof SizeError) {
        await rm(part, { force: true })
        throw e
      }
      if (req.signal?.aborted) throw e
      lastError = e // dropped connection: the bytes so far are on disk, the next attempt resumes
      await sleep(req.retryDelayMs ?? 500 * attempt, req.signal)
    }
  }
  if (lastError !== null) {
    throw new DownloadError(name, `download failed after ${maxAttempts} attempts (${(lastError as Error).message}); run install again to resume`)
  }

  const bytes = await sizeOf(part)
  req.onProgress?.({ file: name, received: bytes, total: total ?? bytes, bytesPerSecond: bytes / Math.max((Date.now() - started) / 1000, 0.001) })
  const expectedBytes = req.bytes ?? total
  if (expectedBytes !== null && bytes !== expectedBytes) {
    await rm(part, { force: true })
    throw new SizeError(name, expectedBytes, bytes)
  }
  const sha256 = await sha256File(part)
  if (req.sha256 !== null && sha256 !== req.sha256) {
    // Keeping it would make every resume re-use bad bytes.
    await rm(part, { force: true })
    throw new ChecksumError(name, req.sha256, sha256)
  }
  await rename(part, req.dest)
  return { sha256, bytes, resumes }
}

// ---- Turning a downloaded PyTorch checkpoint into an ONNX model folder -------------------------

export interface ExportContext {
  checkpoint: string
  out: string
  id: string
  signal?: AbortSignal
  onLine?: (line: string) => void
}

/** Runs a recipe's exporter; resolves to the command line it ran (recorded in installed.json). */
export type ExportRunner = (args: readonly string[], ctx: ExportContext) => Promise<string>

/** Debian's python has python3-torch + python3-onnx; the pyenv python3 first on PATH does not. */
export function exportPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.VICURATE_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')
}

/** tools/ lives at the repository root: two levels up from src-main/ml and from out/main. */
export const TOOLS_ROOT = path.resolve(__dirname, '..', '..')

export const runExport: ExportRunner = (args, ctx) => {
  const argv = args.map((a) => a.replace(EXPORT_TOKENS.checkpoint, ctx.checkpoint).replace(EXPORT_TOKENS.out, ctx.out).replace(EXPORT_TOKENS.id, ctx.id))
  const python = exportPython()
  const command = [python, ...argv].join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn(python, argv, { cwd: TOOLS_ROOT, stdio: ['ignore', 'ignore', 'pipe'], signal: ctx.signal, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })
    const tail: string[] = []
    let buf = ''
    child.stderr.on('data', (d: Buffer) => {
      buf += d.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const line of lines.filter(Boolean)) {
        ctx.onLine?.(line)
        tail.push(line)
        if (tail.length > 15) tail.shift()
      }
    })
    child.on('error', (e) => reject(ctx.signal?.aborted ? e : new DownloadError(ctx.checkpoint, `cannot run the exporter (${command}): ${e.message}`)))
    child.on('close', (code) => {
      if (code === 0) resolve(command)
      else reject(new DownloadError(ctx.checkpoint, `exporter exited ${code} (${command}); it needs ${python} with python3-torch and python3-onnx:\n${[...tail, buf].join('\n').trim()}`))
    })
  })
}

function specs(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorSpec[] {
  return meta.map((m) => (m.isTensor ? { name: m.name, dtype: m.type, shape: [...m.shape] } : { name: m.name, dtype: 'non-tensor', shape: [] }))
}

/**
 * tools/aesthetic/convert_laion_head.py writes only head.onnx; the store needs a manifest like
 * the exporter's (I/O read back from the saved graph, revision = hash of the file hashes).
 */
export async function writeAestheticManifest(dir: string, id: string, weights: { file: string; sha256: string }): Promise<ModelManifest> {
  const file = path.join(dir, 'head.onnx')
  const session = await ort.InferenceSession.create(file)
  const inputs = sessionInputs(session)
  const outputs = specs(session.outputMetadata)
  await session.release()
  const sha256 = await sha256File(file)
  const files = [{ name: 'head.onnx', sha256, bytes: (await stat(file)).size }]
  const digest = createHash('sha256').update(files.map((f) => `${f.name}:${f.sha256}`).join('\n')).digest('hex')
  const manifest: ModelManifest = {
    schema: 1,
    id,
    revision: `sha256-${digest.slice(0, 16)}`,
    task: 'aesthetic-head',
    embeddingDim: 768,
    graphs: { head: { file: 'head.onnx', inputs, outputs } },
    files,
    // LAION trained on L2-normalised OpenAI CLIP ViT-L/14 image embeddings.
    preprocessing: { embedding: { model: 'clip-vit-l14-image', l2normalize: true } },
    architecture: { family: 'laion-aesthetic-mlp' },
    weights: { source: 'checkpoint', file: weights.file, sha256: weights.sha256 },
    export: { tool: 'tools/aesthetic/convert_laion_head.py', opset: 17, precision: 'fp32', ioDtype: 'float32' },
  }
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}
