import { access } from 'node:fs/promises'
import * as ort from 'onnxruntime-node'

/**
 * LAION aesthetic predictor head (converted by tools/aesthetic/convert_laion_head.py): maps an
 * L2-normalised OpenAI CLIP ViT-L/14 image embedding [B,768] to a score [B] (v2 ≈ 1–10).
 *
 * Provider choice is not made here: pass a session from the session factory (CUDA → CPU), or a
 * path, which gets onnxruntime's defaults (CPU) — fine for a 768→1 affine head.
 */
export const AESTHETIC_EMBED_DIM = 768
const INPUT = 'embedding'
const OUTPUT = 'score'

export class AestheticHeadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AestheticHeadError'
  }
}

export interface AestheticHeadOptions {
  /** Rows per session.run; bounds memory for large batches. */
  maxBatch?: number
  /** Used only when `source` is a path. */
  sessionOptions?: ort.InferenceSession.SessionOptions
}

export class AestheticHead {
  private readonly maxBatch: number

  private constructor(
    readonly session: ort.InferenceSession,
    readonly source: string,
    options: AestheticHeadOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 256
    const input = session.inputMetadata.find((m) => m.name === INPUT)
    const dim = input?.isTensor ? input.shape[input.shape.length - 1] : undefined
    if (!input || dim !== AESTHETIC_EMBED_DIM || !session.outputNames.includes(OUTPUT)) {
      throw new AestheticHeadError(
        `${source}: not an aesthetic head: expected input "${INPUT}" [batch,${AESTHETIC_EMBED_DIM}] and output "${OUTPUT}", ` +
          `got inputs [${session.inputNames.join(', ')}] (last dim ${String(dim)}) and outputs [${session.outputNames.join(', ')}]`,
      )
    }
  }

  static async load(source: string | ort.InferenceSession, options: AestheticHeadOptions = {}): Promise<AestheticHead> {
    if (typeof source !== 'string') return new AestheticHead(source, '<session>', options)
    try {
      await access(source)
    } catch (err) {
      throw new AestheticHeadError(`${source}: cannot open aesthetic head: ${(err as Error).message}`)
    }
    let session: ort.InferenceSession
    try {
      session = await ort.InferenceSession.create(source, options.sessionOptions)
    } catch (err) {
      // onnxruntime's messages ("Protobuf parsing failed") do not say which file; a truncated
      // download is the usual cause.
      throw new AestheticHeadError(`${source}: not a loadable ONNX model (truncated or corrupt?): ${(err as Error).message}`)
    }
    return new AestheticHead(session, source, options)
  }

  /**
   * Scores `batch` embeddings laid out row-major in `data` (shape [batch, 768]). Rows are
   * L2-normalised first: LAION trained on normalised embeddings, and callers may pass raw
   * image-encoder outputs.
   */
  async score(data: Float32Array, shape: readonly number[]): Promise<Float32Array> {
    const [batch, dim] = shape
    if (shape.length !== 2 || dim !== AESTHETIC_EMBED_DIM || batch === undefined || !Number.isInteger(batch) || batch < 0) {
      throw new AestheticHeadError(`${this.source}: expected embeddings of shape [batch,${AESTHETIC_EMBED_DIM}], got [${shape.join(',')}]`)
    }
    if (data.length !== batch * dim) {
      throw new AestheticHeadError(
        `${this.source}: shape [${shape.join(',')}] needs ${batch * dim} values, got ${data.length}`,
      )
    }
    const out = new Float32Array(batch)
    for (let start = 0; start < batch; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, batch - start)
      const rows = l2Normalize(data.subarray(start * dim, (start + n) * dim), dim, start, this.source)
      const result = await this.session.run({ [INPUT]: new ort.Tensor('float32', rows, [n, dim]) })
      const scores = result[OUTPUT]!.data as Float32Array
      if (scores.length !== n) {
        throw new AestheticHeadError(`${this.source}: output "${OUTPUT}" has ${scores.length} values for ${n} rows`)
      }
      out.set(scores, start)
    }
    return out
  }

  /** Convenience for one embedding per row (e.g. one per sampled frame). */
  async scoreRows(rows: readonly Float32Array[]): Promise<Float32Array> {
    const flat = new Float32Array(rows.length * AESTHETIC_EMBED_DIM)
    rows.forEach((row, i) => {
      if (row.length !== AESTHETIC_EMBED_DIM) {
        throw new AestheticHeadError(`${this.source}: row ${i}: expected shape [${AESTHETIC_EMBED_DIM}], got [${row.length}]`)
      }
      flat.set(row, i * AESTHETIC_EMBED_DIM)
    })
    return this.score(flat, [rows.length, AESTHETIC_EMBED_DIM])
  }

  release(): Promise<void> {
    return this.session.release()
  }
}

function l2Normalize(rows: Float32Array, dim: number, firstRow: number, source: string): Float32Array {
  const out = new Float32Array(rows.length)
  for (let r = 0; r < rows.length / dim; r++) {
    let sum = 0
    for (let i = r * dim; i < (r + 1) * dim; i++) sum += rows[i]! * rows[i]!
    const norm = Math.sqrt(sum)
    if (!(norm > 0) || !Number.isFinite(norm)) {
      throw new AestheticHeadError(`${source}: embedding row ${firstRow + r} has norm ${norm}; cannot normalise`)
    }
    for (let i = r * dim; i < (r + 1) * dim; i++) out[i] = rows[i]! / norm
  }
  return out
}

/**
 * Clip-level aesthetic score from per-frame scores. InternVid takes the max over 4 uniformly
 * sampled frames; Open-Sora's scorer uses the mean of 3.
 */
export type FrameAggregation = 'max' | 'mean'
export const AESTHETIC_SAMPLING = {
  internvid: { frames: 4, aggregate: 'max' },
  opensora: { frames: 3, aggregate: 'mean' },
} as const satisfies Record<string, { frames: number; aggregate: FrameAggregation }>

/** Groups consecutive runs of `framesPerClip` scores and reduces each to one clip score. */
export function aggregateFrameScores(scores: ArrayLike<number>, framesPerClip: number, how: FrameAggregation = 'max'): Float32Array {
  if (!Number.isInteger(framesPerClip) || framesPerClip < 1) {
    throw new AestheticHeadError(`framesPerClip must be a positive integer, got ${framesPerClip}`)
  }
  if (scores.length % framesPerClip !== 0) {
    throw new AestheticHeadError(`${scores.length} frame scores do not split into clips of ${framesPerClip} frames`)
  }
  const clips = new Float32Array(scores.length / framesPerClip)
  for (let c = 0; c < clips.length; c++) {
    let acc = how === 'max' ? -Infinity : 0
    for (let f = 0; f < framesPerClip; f++) {
      const s = scores[c * framesPerClip + f]!
      acc = how === 'max' ? Math.max(acc, s) : acc + s
    }
    clips[c] = how === 'max' ? acc : acc / framesPerClip
  }
  return clips
}

/**
 * `count` timestamps spread uniformly over [start, end): the centres of `count` equal segments,
 * so no sample lands on a cut at either boundary.
 */
export function uniformSampleTimes(startSec: number, endSec: number, count: number): number[] {
  if (!(endSec > startSec) || !Number.isInteger(count) || count < 1) {
    throw new AestheticHeadError(`cannot sample ${count} frames from [${startSec}, ${endSec})`)
  }
  const step = (endSec - startSec) / count
  return Array.from({ length: count }, (_, i) => startSec + (i + 0.5) * step)
}
