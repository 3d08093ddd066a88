import type { RgbFrame } from '../../ml/preprocess/rgb-frame'
import { ViclipModel, cosine, softmaxProbabilities } from '../../ml/models/viclip'
import { viclipClipTensor, viclipFrameIndices } from '../../ml/preprocess/viclip-frames'
import { readFrames } from '../../media/ffmpeg'
import { tokenizerFor } from './similarity.stage'
import type { ModelLocator } from './scoring-deps'
import type { SessionFactory, ProviderChoice } from '../../ml/onnx-session'

export interface TextMatch {
  text: string
  cosine: number
  /** softmax(100 × cosine) over the given texts, as InternVid's ViCLIP demo reports it. */
  probability: number
}

/**
 * Scores one whole video against candidate captions exactly as InternVid's ViCLIP demo does:
 * all frames decoded at full size, every ⌊n/8⌋-th of the first 8·⌊n/8⌋ kept, cv2-style bilinear
 * resize to 224×224, ImageNet normalisation; then the same ViclipModel, tokenizer and cosine the
 * similarity stage uses. With the real ViCLIP-B weights and the demo's example1.mp4 and five
 * captions, the top-1 caption should come out with probability ≈ 0.8192.
 */
export async function videoTextMatches(videoPath: string, texts: string[], modelId: string, deps: { models: ModelLocator; sessions: SessionFactory; provider?: ProviderChoice }): Promise<{ matches: TextMatch[]; modelId: string; revision: string; provider: string; fallbackReason: string | null }> {
  if (texts.length === 0) throw new Error('give at least one caption (--text)')
  const model = await deps.models.require(modelId)
  const viclip = await ViclipModel.load(model.dir, { factory: deps.sessions, provider: deps.provider })
  // Pass 1 counts frames cheaply; pass 2 keeps the chosen ones at full resolution.
  const counted = await readFrames(videoPath, { maxWidth: 16 }, () => undefined)
  const wanted = new Set(viclipFrameIndices(counted.frames))
  const frames: RgbFrame[] = []
  await readFrames(videoPath, { maxWidth: 1 << 15, scaleFlags: 'bilinear' }, (f) => {
    if (wanted.has(f.index)) frames.push({ data: Uint8Array.from(f.rgb), width: f.width, height: f.height })
  })
  const video = await viclip.encodeVideo(viclipClipTensor([frames]).data)
  const text = await viclip.encodeText(tokenizerFor(model).tokenize(texts, viclip.context).ids)
  const cosines = texts.map((_, i) => cosine(video, text.subarray(i * viclip.dim, (i + 1) * viclip.dim)))
  const probs = softmaxProbabilities(cosines, 1)
  return {
    matches: texts.map((t, i) => ({ text: t, cosine: cosines[i]!, probability: probs[i]! })),
    modelId: model.id,
    revision: model.revision,
    provider: viclip.provider,
    fallbackReason: viclip.fallbackReason,
  }
}
