import path from 'node:path'
import * as ort from 'onnxruntime-node'
import { readManifest, type GraphSpec, type ModelManifest } from '../manifest'
import { SessionFactory, type LoadedSession, type ProviderChoice } from '../onnx-session'

/**
 * ViCLIP (InternVid) video/text encoders over the graphs exported by tools/export.
 *
 * Both graphs output L2-normalised embeddings, so InternVid's UMT/ViCLIP score is the dot
 * product; `cosineMatrix` renormalises anyway so it is also correct for unnormalised inputs.
 */
export class ViclipError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ViclipError'
  }
}

function fixedSize(spec: GraphSpec, role: string, dir: string): number[] {
  const input = spec.inputs[0]
  if (spec.inputs.length !== 1 || !input) throw new ViclipError(`${dir}: graph "${role}" must have exactly one input`)
  const [, ...rest] = input.shape
  if (!rest.every((d): d is number => typeof d === 'number')) {
    throw new ViclipError(`${dir}: graph "${role}" input ${input.name} must be fixed apart from the batch, got [${input.shape.join(',')}]`)
  }
  return rest
}

export interface ViclipLoadOptions {
  provider?: ProviderChoice
  intraOpThreads?: number
  factory?: SessionFactory
}

export class ViclipModel {
  /** Values per clip: frames x 3 x H x W. */
  readonly videoSize: number
  readonly videoShape: number[]
  readonly context: number
  readonly dim: number

  private constructor(
    readonly dir: string,
    readonly manifest: ModelManifest,
    readonly vision: LoadedSession,
    readonly text: LoadedSession,
  ) {
    this.videoShape = fixedSize(manifest.graphs.vision!, 'vision', dir)
    this.videoSize = this.videoShape.reduce((a, b) => a * b, 1)
    this.context = fixedSize(manifest.graphs.text!, 'text', dir)[0]!
    this.dim = manifest.embeddingDim
  }

  static async load(dir: string, options: ViclipLoadOptions = {}): Promise<ViclipModel> {
    const manifest = await readManifest(dir)
    const { vision, text } = manifest.graphs
    if (!vision || !text) throw new ViclipError(`${path.join(dir, 'manifest.json')}: needs "vision" and "text" graphs`)
    const factory = options.factory ?? new SessionFactory()
    const request = { provider: options.provider, intraOpThreads: options.intraOpThreads }
    const [v, t] = await Promise.all([
      factory.load(path.join(dir, vision.file), { ...request, expectInputs: vision.inputs }),
      factory.load(path.join(dir, text.file), { ...request, expectInputs: text.inputs }),
    ])
    return new ViclipModel(dir, manifest, v, t)
  }

  get provider(): 'cuda' | 'cpu' {
    return this.vision.provider
  }

  get fallbackReason(): string | null {
    return this.vision.fallbackReason ?? this.text.fallbackReason
  }

  /** frames: [B, 8, 3, 224, 224] ImageNet-normalised RGB, flattened. Returns [B, D]. */
  async encodeVideo(frames: Float32Array): Promise<Float32Array> {
    if (frames.length === 0 || frames.length % this.videoSize !== 0) {
      throw new ViclipError(`encodeVideo: ${frames.length} values is not a whole number of clips of [${this.videoShape.join(',')}]`)
    }
    const batch = frames.length / this.videoSize
    const spec = this.manifest.graphs.vision!
    const feeds = { [spec.inputs[0]!.name]: new ort.Tensor('float32', frames, [batch, ...this.videoShape]) }
    return this.run(this.vision, feeds, spec, batch)
  }

  /** ids: token rows of length 32 (SOT … EOT, zero padded), flattened or as rows. Returns [B, D]. */
  async encodeText(ids: ArrayLike<number> | readonly (readonly number[])[] | BigInt64Array): Promise<Float32Array> {
    const flat: ArrayLike<number | bigint> = isRows(ids) ? ids.flat() : ids
    if (flat.length === 0 || flat.length % this.context !== 0) {
      throw new ViclipError(`encodeText: ${flat.length} token ids is not a whole number of rows of ${this.context}`)
    }
    const data = new BigInt64Array(flat.length)
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i]!
      if (typeof v === 'number' && !Number.isInteger(v)) throw new ViclipError(`encodeText: token id ${v} at ${i} is not an integer`)
      data[i] = BigInt(v)
    }
    const batch = flat.length / this.context
    const spec = this.manifest.graphs.text!
    const feeds = { [spec.inputs[0]!.name]: new ort.Tensor('int64', data, [batch, this.context]) }
    return this.run(this.text, feeds, spec, batch)
  }

  private async run(s: LoadedSession, feeds: Record<string, ort.Tensor>, spec: GraphSpec, batch: number): Promise<Float32Array> {
    const outName = spec.outputs[0]?.name ?? 'embedding'
    const result = await s.session.run(feeds)
    const out = result[outName]
    if (!out || !(out.data instanceof Float32Array) || out.data.length !== batch * this.dim) {
      throw new ViclipError(`${s.file}: output ${outName} is not float32 [${batch},${this.dim}]`)
    }
    return out.data
  }
}

function isRows(v: unknown): v is readonly (readonly number[])[] {
  return Array.isArray(v) && v.length > 0 && Array.isArray(v[0])
}

/** Cosine similarity of one vector pair (InternVid's UMT/ViCLIP similarity score). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cosine: lengths differ (${a.length} vs ${b.length})`)
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb)
}

/** [Bv, Bt] cosine matrix between flattened [Bv, dim] video and [Bt, dim] text embeddings. */
export function cosineMatrix(video: Float32Array, text: Float32Array, dim: number): Float64Array {
  if (video.length % dim !== 0 || text.length % dim !== 0) {
    throw new RangeError(`cosineMatrix: lengths ${video.length}, ${text.length} are not multiples of dim ${dim}`)
  }
  const bv = video.length / dim
  const bt = text.length / dim
  const out = new Float64Array(bv * bt)
  for (let i = 0; i < bv; i++) {
    for (let j = 0; j < bt; j++) {
      out[i * bt + j] = cosine(video.subarray(i * dim, (i + 1) * dim), text.subarray(j * dim, (j + 1) * dim))
    }
  }
  return out
}

/**
 * Row-wise softmax of scale x cosine: the "probabilities" of InternVid's retrieval demo
 * (scale 100, CLIP's learned logit scale), for ranking several captions of one clip.
 */
export function softmaxProbabilities(cosines: ArrayLike<number>, rows: number, scale = 100): Float64Array {
  if (rows <= 0 || cosines.length % rows !== 0) throw new RangeError(`softmaxProbabilities: ${cosines.length} values in ${rows} rows`)
  const cols = cosines.length / rows
  const out = new Float64Array(cosines.length)
  for (let r = 0; r < rows; r++) {
    let max = -Infinity
    for (let c = 0; c < cols; c++) max = Math.max(max, scale * cosines[r * cols + c]!)
    let sum = 0
    for (let c = 0; c < cols; c++) sum += out[r * cols + c] = Math.exp(scale * cosines[r * cols + c]! - max)
    for (let c = 0; c < cols; c++) out[r * cols + c]! /= sum
  }
  return out
}
