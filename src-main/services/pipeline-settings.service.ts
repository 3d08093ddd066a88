import type { PipelineSettingsDto } from '../api/contract'
import { ApiError } from '../api/errors'
import type { ProjectContext } from '../core/project-context'
import { checkClipRules, DEFAULT_CLIP_RULES, type ClipRules } from '../media/scenes/clip-rules'
import { mlSettings, modelSelection, type MlSettings, type ModelSelection } from './scoring/scoring-deps'

/**
 * The project's scoring and ingest settings under the keys the pipeline already reads ('ml',
 * 'models', 'clips.rules'), so the CLI, the jobs and the Settings panel share one source.
 */
export function getPipelineSettings(ctx: ProjectContext): PipelineSettingsDto {
  const ml = mlSettings(ctx)
  return {
    provider: ml.provider,
    threads: ml.threads,
    batchSize: ml.batchSize,
    aggregation: modelSelection(ctx).aggregation,
    clipRules: ctx.repos.settings.get<ClipRules>('clips.rules', { ...DEFAULT_CLIP_RULES }),
    proxyCacheGb: proxyCacheGb(ctx),
  }
}

/** Default cap of the playback-proxy cache: ~40 h of 1280-px H.264 at ~1 Mbit/s. */
export const DEFAULT_PROXY_CACHE_GB = 20

export function proxyCacheGb(ctx: ProjectContext): number {
  return ctx.repos.settings.get<number>('media.proxyCacheGb', DEFAULT_PROXY_CACHE_GB)
}

function intIn(value: unknown, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw new ApiError('bad_request', `${name} must be an integer ${min}..${max}`)
  return value as number
}

function checkRules(value: unknown): ClipRules {
  if (typeof value !== 'object' || value === null) throw new ApiError('bad_request', 'clipRules must be an object {minS, short, maxS, long}')
  const rules = { ...DEFAULT_CLIP_RULES, ...(value as Partial<ClipRules>) }
  try {
    checkClipRules(rules)
  } catch (err) {
    throw new ApiError('bad_request', (err as Error).message)
  }
  return { minS: rules.minS, short: rules.short, maxS: rules.maxS, long: rules.long }
}

/** Checks the whole patch before storing any of it: a bad field changes nothing. */
export function updatePipelineSettings(ctx: ProjectContext, patch: Partial<PipelineSettingsDto>): PipelineSettingsDto {
  const ml: MlSettings = { ...mlSettings(ctx) }
  if (patch.provider !== undefined) {
    if (!['auto', 'cuda', 'cpu'].includes(patch.provider)) throw new ApiError('bad_request', 'provider must be auto, cuda or cpu')
    ml.provider = patch.provider
  }
  if (patch.threads !== undefined) ml.threads = patch.threads === null ? null : intIn(patch.threads, 'threads', 1, 256)
  if (patch.batchSize !== undefined) ml.batchSize = intIn(patch.batchSize, 'batchSize', 1, 256)
  if (patch.aggregation !== undefined && patch.aggregation !== 'max' && patch.aggregation !== 'mean') throw new ApiError('bad_request', 'aggregation must be max or mean')
  const rules = patch.clipRules !== undefined ? checkRules(patch.clipRules) : null
  const cacheGb = patch.proxyCacheGb !== undefined ? intIn(patch.proxyCacheGb, 'proxyCacheGb', 1, 100_000) : null
  ctx.db.transaction(() => {
    ctx.repos.settings.set('ml', ml)
    if (patch.aggregation !== undefined) {
      ctx.repos.settings.set('models', { ...ctx.repos.settings.get<Partial<ModelSelection>>('models', {}), aggregation: patch.aggregation })
    }
    if (rules) ctx.repos.settings.set('clips.rules', rules)
    if (cacheGb !== null) ctx.repos.settings.set('media.proxyCacheGb', cacheGb)
  })()
  return getPipelineSettings(ctx)
}
