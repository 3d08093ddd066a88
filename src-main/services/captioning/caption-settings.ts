import { ApiError } from '../../api/errors'
import type { ProjectContext } from '../../core/project-context'
import type { HfDtype } from '../../ml/captioning/hf-folder'

/** Which backend plays a role: a model from the model store, or a local OpenAI-compatible endpoint. */
export type CaptionBackendSetting =
  | { kind: 'onnx'; model: string; dtype?: HfDtype }
  | { kind: 'endpoint'; url: string; model: string; apiKeyEnv?: string }

export interface CaptionSettings {
  captioner: CaptionBackendSetting
  /** null: no summary; the coarse caption becomes the clip's caption. */
  summariser: CaptionBackendSetting | null
  /** Fine scale: frames at 1 fps, at most this many per clip (HawkEye used 5). */
  fineFrames: number
  frameMaxNewTokens: number
  summaryMaxNewTokens: number
  /** 1 = greedy decoding; more = beam search (slower). */
  beams: number
  endpointTimeoutMs: number
  endpointRetries: number
  endpointBackoffMs: number
}

export const DEFAULT_CAPTION_SETTINGS: CaptionSettings = {
  captioner: { kind: 'onnx', model: 'vit-gpt2-image-captioning' },
  summariser: { kind: 'onnx', model: 'qwen2.5-0.5b-instruct' },
  fineFrames: 5,
  frameMaxNewTokens: 24,
  summaryMaxNewTokens: 64,
  beams: 1,
  endpointTimeoutMs: 60_000,
  endpointRetries: 2,
  endpointBackoffMs: 1_000,
}

const INT_LIMITS: Record<'fineFrames' | 'frameMaxNewTokens' | 'summaryMaxNewTokens' | 'beams' | 'endpointTimeoutMs' | 'endpointRetries' | 'endpointBackoffMs', [number, number]> = {
  fineFrames: [1, 32],
  frameMaxNewTokens: [4, 256],
  summaryMaxNewTokens: [8, 512],
  beams: [1, 8],
  endpointTimeoutMs: [1_000, 600_000],
  endpointRetries: [0, 10],
  endpointBackoffMs: [0, 60_000],
}

function checkBackend(role: string, v: unknown): CaptionBackendSetting {
  const b = v as Record<string, unknown>
  if (typeof b !== 'object' || b === null) throw new ApiError('bad_request', `captioning.${role} must be an object {kind, ...}`)
  if (b.kind === 'onnx') {
    if (typeof b.model !== 'string' || !b.model) throw new ApiError('bad_request', `captioning.${role}.model must name an installed model`)
    return { kind: 'onnx', model: b.model, ...(typeof b.dtype === 'string' && { dtype: b.dtype as HfDtype }) }
  }
  if (b.kind === 'endpoint') {
    let url: URL
    try {
      url = new URL(String(b.url))
    } catch {
      throw new ApiError('bad_request', `captioning.${role}.url is not a URL: ${JSON.stringify(b.url)}`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ApiError('bad_request', `captioning.${role}.url must be http(s)`)
    if (typeof b.model !== 'string' || !b.model) throw new ApiError('bad_request', `captioning.${role}.model must name the endpoint's model`)
    if (b.apiKeyEnv !== undefined && (typeof b.apiKeyEnv !== 'string' || !/^[A-Z_][A-Z0-9_]*$/.test(b.apiKeyEnv))) {
      throw new ApiError('bad_request', `captioning.${role}.apiKeyEnv must be an environment variable name (the key itself is never stored)`)
    }
    return { kind: 'endpoint', url: url.toString().replace(/\/+$/, ''), model: b.model, ...(b.apiKeyEnv !== undefined && { apiKeyEnv: b.apiKeyEnv as string }) }
  }
  throw new ApiError('bad_request', `captioning.${role}.kind must be "onnx" or "endpoint"`)
}

/** Checks a settings patch from the CLI or a transport and returns the merged settings. */
export function mergeCaptionSettings(current: CaptionSettings, patch: unknown): CaptionSettings {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new ApiError('bad_request', 'captioning settings must be an object')
  const p = patch as Record<string, unknown>
  const out: CaptionSettings = { ...current }
  for (const key of Object.keys(p)) {
    if (key === 'captioner') out.captioner = checkBackend('captioner', p.captioner)
    else if (key === 'summariser') out.summariser = p.summariser === null ? null : checkBackend('summariser', p.summariser)
    else if (key in INT_LIMITS) {
      const [lo, hi] = INT_LIMITS[key as keyof typeof INT_LIMITS]
      const v = p[key]
      if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) throw new ApiError('bad_request', `captioning.${key} must be an integer in [${lo}, ${hi}]`)
      out[key as keyof typeof INT_LIMITS] = v as number
    } else throw new ApiError('bad_request', `unknown captioning setting "${key}"`)
  }
  return out
}

export const captionSettings = (ctx: ProjectContext): CaptionSettings => ({ ...DEFAULT_CAPTION_SETTINGS, ...ctx.repos.settings.get<Partial<CaptionSettings>>('captioning', {}) })

export function updateCaptionSettings(ctx: ProjectContext, patch: unknown): CaptionSettings {
  const next = mergeCaptionSettings(captionSettings(ctx), patch)
  ctx.repos.settings.set('captioning', next)
  return next
}
