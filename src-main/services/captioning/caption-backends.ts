import type { CaptionModelRef, ImageCaptioner, Summariser } from '../../ml/captioning/captioner-types'
import { OnnxImageCaptioner } from '../../ml/captioning/onnx-captioner'
import { OnnxSummariser } from '../../ml/captioning/onnx-summariser'
import { EndpointCaptioner, EndpointSummariser, type EndpointOptions } from '../../ml/captioning/openai-endpoint'
import type { MlSettings, ModelLocator } from '../scoring/scoring-deps'
import type { CaptionBackendSetting, CaptionSettings } from './caption-settings'
import { PROMPT_VERSION } from './summary-prompt'

export interface CaptionBackends {
  captioner: ImageCaptioner
  summariser: Summariser | null
  /** What a clip's 'caption' step row records: every model and the prompt version. */
  fingerprint: CaptionModelRef
  dispose(): Promise<void>
}

function endpointOptions(b: Extract<CaptionBackendSetting, { kind: 'endpoint' }>, s: CaptionSettings, maxTokens: number): EndpointOptions {
  return { url: b.url, model: b.model, apiKeyEnv: b.apiKeyEnv, timeoutMs: s.endpointTimeoutMs, retries: s.endpointRetries, backoffMs: s.endpointBackoffMs, maxTokens }
}

/** Opens the configured captioner and summariser (model store folders or endpoints). */
export async function openCaptionBackends(models: ModelLocator, s: CaptionSettings, ml: MlSettings): Promise<CaptionBackends> {
  let captioner: ImageCaptioner
  if (s.captioner.kind === 'onnx') {
    const m = await models.require(s.captioner.model)
    captioner = await OnnxImageCaptioner.load(m.dir, { id: m.id, revision: m.revision }, {
      provider: ml.provider, threads: ml.threads, batchSize: Math.max(1, ml.batchSize), maxNewTokens: s.frameMaxNewTokens, beams: s.beams, dtype: s.captioner.dtype,
    })
  } else captioner = new EndpointCaptioner(endpointOptions(s.captioner, s, s.frameMaxNewTokens))

  let summariser: Summariser | null = null
  try {
    if (s.summariser?.kind === 'onnx') {
      const m = await models.require(s.summariser.model)
      summariser = await OnnxSummariser.load(m.dir, { id: m.id, revision: m.revision }, {
        provider: ml.provider, threads: ml.threads, maxNewTokens: s.summaryMaxNewTokens, beams: s.beams, dtype: s.summariser.dtype,
      })
    } else if (s.summariser?.kind === 'endpoint') summariser = new EndpointSummariser(endpointOptions(s.summariser, s, s.summaryMaxNewTokens))
  } catch (e) {
    await captioner.dispose()
    throw e
  }
  const parts = [`${captioner.ref.id}@${captioner.ref.revision}`, summariser ? `${summariser.ref.id}@${summariser.ref.revision}` : 'no-summary', PROMPT_VERSION, `fine${s.fineFrames}`, `beams${s.beams}`]
  return {
    captioner,
    summariser,
    fingerprint: { id: summariser ? `${captioner.ref.id}+${summariser.ref.id}` : captioner.ref.id, revision: parts.join('|') },
    dispose: async () => {
      await captioner.dispose()
      await summariser?.dispose()
    },
  }
}
