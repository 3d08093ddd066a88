import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'

/**
 * The manifest.json that tools/export writes next to the ONNX graphs (schema 1). It is the
 * contract between the exporter, the model store and the session layer: which graphs exist,
 * what their inputs look like, how to preprocess, and the bytes each file must have.
 */

/** A dimension is a fixed size or a symbolic name (any size, e.g. the batch). */
export type Dim = number | string

export interface TensorSpec {
  name: string
  /** onnxruntime's Tensor.Type names: 'float32', 'int64', ... */
  dtype: string
  shape: Dim[]
}

export interface GraphSpec {
  file: string
  inputs: TensorSpec[]
  outputs: TensorSpec[]
}

export interface ManifestFile {
  name: string
  sha256: string
  bytes: number
}

export interface ModelManifest {
  schema: 1
  id: string
  revision: string
  task: string
  embeddingDim: number
  graphs: Record<string, GraphSpec>
  files: ManifestFile[]
  preprocessing: Record<string, Record<string, unknown>>
  tokenizer?: { type: string; context: number; merges: string; sot: number; eot: number; pad: number }
  architecture: Record<string, unknown>
  weights: { source: 'random-init'; seed: number } | { source: 'checkpoint'; file: string; sha256: string } | { source: 'published'; repo: string }
  export: { opset: number; precision: 'fp32' | 'fp16' | 'int8'; ioDtype: string; [k: string]: unknown }
}

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`)
    this.name = 'ManifestError'
  }
}

function isTensorSpec(v: unknown): v is TensorSpec {
  const t = v as TensorSpec
  return (
    typeof t === 'object' && t !== null && typeof t.name === 'string' && typeof t.dtype === 'string' &&
    Array.isArray(t.shape) && t.shape.every((d) => typeof d === 'string' || (Number.isInteger(d) && d > 0))
  )
}

/** Tasks whose folders hold generative models in transformers.js layout (no embedding output). */
export const GENERATIVE_TASKS = ['image-to-text', 'text-generation']

/**
 * A name inside the model folder: plain ("head.onnx") or a relative path in the Hugging Face
 * layout ("onnx/model.onnx"). Never absolute, never "..", never backslashes or empty segments.
 */
export function isSafeRelativeName(name: string): boolean {
  if (!name || name.includes('\\') || name.includes('\0') || name.startsWith('/')) return false
  const parts = name.split('/')
  return parts.every((p) => p !== '' && p !== '.' && p !== '..') && parts.length <= 4
}

/** Parses and checks the parts of the manifest that code relies on; names the file on failure. */
export function parseManifest(text: string, file: string): ModelManifest {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new ManifestError(file, `not valid JSON (${(e as Error).message})`)
  }
  const m = raw as ModelManifest
  if (typeof m !== 'object' || m === null) throw new ManifestError(file, 'not a JSON object')
  if (m.schema !== 1) throw new ManifestError(file, `unsupported schema ${String(m.schema)} (expected 1)`)
  for (const key of ['id', 'revision', 'task'] as const) {
    if (typeof m[key] !== 'string' || !m[key]) throw new ManifestError(file, `missing string field "${key}"`)
  }
  // Generative models (captioners, summarisers) have no embedding: 0 is their honest value.
  const generative = GENERATIVE_TASKS.includes(m.task)
  if (!Number.isInteger(m.embeddingDim) || m.embeddingDim < 0 || (m.embeddingDim === 0 && !generative)) {
    throw new ManifestError(file, `embeddingDim must be a positive integer, got ${String(m.embeddingDim)}`)
  }
  if (typeof m.graphs !== 'object' || m.graphs === null || Object.keys(m.graphs).length === 0) {
    throw new ManifestError(file, 'no graphs listed')
  }
  if (!Array.isArray(m.files)) throw new ManifestError(file, 'missing "files" list')
  const listed = new Set(m.files.map((f) => f.name))
  for (const f of m.files) {
    if (typeof f.name !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isInteger(f.bytes)) {
      throw new ManifestError(file, `bad files entry ${JSON.stringify(f)}`)
    }
    // File names come from a downloaded manifest: never let them point outside the model folder.
    if (!isSafeRelativeName(f.name)) throw new ManifestError(file, `file name "${f.name}" must be a plain name or a relative path inside the model folder`)
  }
  for (const [role, g] of Object.entries(m.graphs)) {
    if (typeof g.file !== 'string' || !listed.has(g.file)) {
      throw new ManifestError(file, `graph "${role}" names file ${String(g.file)}, which is not in "files"`)
    }
    if (!Array.isArray(g.inputs) || !g.inputs.every(isTensorSpec) || !Array.isArray(g.outputs) || !g.outputs.every(isTensorSpec)) {
      throw new ManifestError(file, `graph "${role}" has malformed inputs/outputs`)
    }
  }
  return m
}

export async function readManifest(dir: string): Promise<ModelManifest> {
  const file = path.join(dir, 'manifest.json')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new ManifestError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  return parseManifest(text, file)
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}

/** Checks every listed file's size and sha256; throws naming the first file that differs. */
export async function verifyManifestFiles(dir: string, manifest: ModelManifest): Promise<void> {
  for (const f of manifest.files) {
    const file = path.join(dir, f.name)
    const st = await stat(file).catch(() => null)
    if (!st) throw new ManifestError(file, 'listed in manifest.json but missing')
    if (st.size !== f.bytes) throw new ManifestError(file, `has ${st.size} bytes, manifest.json says ${f.bytes}`)
    const sha = await sha256File(file)
    if (sha !== f.sha256) throw new ManifestError(file, `sha256 ${sha} does not match manifest.json (${f.sha256})`)
  }
}
