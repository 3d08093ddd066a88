import type { ProjectContext } from '../core/project-context'
import { JobHost } from '../jobs/job-host'
import { ModelNotInstalledError } from '../ml/model-store'
import { projectInfo } from '../services/project.service'
import { updateCaption } from '../services/caption.service'
import { decideBatchAsync, undoBatchAsync } from '../services/batch-runner'
import { deleteView, listViews, saveView } from '../services/saved-view.service'
import { decideClip, getClip, listClips, toClipSummary } from '../services/review.service'
import { defaultScoringDeps } from '../services/scoring/default-deps'
import { TextScorer } from '../services/scoring/rescore.service'
import { getSettings, updateSettings } from '../services/settings.service'
import { jobHandlers } from '../jobs/job-registry'
import { checkExportJob, checkExportSelection, checkImportJob, exportPreview } from '../services/dataset-jobs.service'
import { statsHostFor } from '../services/stats/stats-host'
import { storedJobRequest } from '../services/job-resume.service'
import { listModels } from '../services/models-info.service'
import { getPipelineSettings, updatePipelineSettings } from '../services/pipeline-settings.service'
import { mediaProxies } from '../services/media-proxy.service'
import { API_CHANNELS, type ApiArgs, type ApiChannel, type ApiResult, isApiChannel, type JobRequest } from './contract'
import type { JobName } from './contract'
import { ApiError } from './errors'
import { busyTimeoutOf, mapProjectError } from '../db/project-errors'

/** Per-call facts a handler may need; never the transport object itself. */
export interface CallContext {
  transport: 'ipc' | 'http'
  /** Aborts when the caller is gone (HTTP: the client closed the request); long work may stop. */
  signal?: AbortSignal
}

export type Handlers = {
  [K in ApiChannel]: (args: ApiArgs<K>, call: CallContext) => ApiResult<K> | Promise<ApiResult<K>>
}

function objectArgs(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {}
  if (typeof args !== 'object' || Array.isArray(args)) throw new ApiError('bad_request', 'arguments must be a JSON object')
  return args as Record<string, unknown>
}

/** An optional integer argument in range; the repositories would otherwise get strings or objects to bind. */
function intArg(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw new ApiError('bad_request', `${name} must be an integer ${min}..${max}`)
  return value as number
}

function requiredInt(value: unknown, name: string): number {
  const n = intArg(value, name, 1, Number.MAX_SAFE_INTEGER)
  if (n === undefined) throw new ApiError('bad_request', `${name} is required`)
  return n
}

/** A missing model is the installation's state, not a server fault: 503 with the install hint. */
async function needsModel<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof ModelNotInstalledError) throw new ApiError('unavailable', err.message)
    throw err
  }
}

const SEARCH_STATUSES = new Set(['all', 'pending', 'accepted', 'rejected'])

function jobRequest(args: { request?: unknown }): JobRequest {
  const r = args.request as { name?: unknown; data?: { paths?: unknown; recursive?: unknown } } | undefined
  if (r?.name === 'similarity' || r?.name === 'aesthetic') return { name: r.name, data: {} }
  if (r?.name !== 'ingest') throw new ApiError('bad_request', `unknown job "${String(r?.name)}" (ingest, similarity, aesthetic)`)
  const paths = r.data?.paths
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new ApiError('bad_request', 'ingest needs data.paths: a non-empty list of file or folder paths')
  }
  return { name: 'ingest', data: { paths: paths as string[], recursive: r.data?.recursive === true } }
}

export function createHandlers(ctx: ProjectContext, jobs: JobHost = new JobHost(ctx), text = new TextScorer(ctx, defaultScoringDeps)): Handlers {
  // Statistics run in a worker with its own connection: the grid's queries never queue behind them.
  const stats = statsHostFor(ctx)
  return withProjectErrors(ctx, {
    'project:info': (_args, call) => projectInfo(ctx, call.transport),
    'clips:list': (args) => listClips(ctx, args),
    'clips:get': (args) => getClip(ctx, args.clipId),
    'clips:decide': (args) => decideClip(ctx, args),
    'clips:updateCaption': (args) => updateCaption(ctx, args.clipId, args.caption),
    'clips:histogram': (args, call) => stats.histogram(args, call.signal),
    'clips:keepRate': (args, call) => stats.keepRate(args, call.signal),
    'clips:decideBatch': (args) => decideBatchAsync(ctx, args),
    'clips:undoBatch': (args) => undoBatchAsync(ctx, args.batchId),
    'views:list': () => listViews(ctx),
    'views:save': (args) => saveView(ctx, args),
    'views:delete': (args) => deleteView(ctx, args.id),
    'settings:get': () => getSettings(ctx),
    'settings:update': (args) => updateSettings(ctx, args),
    'jobs:start': (args) => ({ jobId: jobs.start(jobRequest(args)) }),
    'jobs:cancel': (args) => ({ cancelled: jobs.cancel(requiredInt(args.jobId, 'jobId')) }),
    'jobs:list': (args) => jobs.list(intArg(args.limit, 'limit', 1, 500)),
    'clips:rescore': (args) => needsModel(() => text.rescore(requiredInt(args.clipId, 'clipId'), args.caption)),
    'search:semantic': async (args) => {
      const limit = args.limit ?? 50
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ApiError('bad_request', 'limit must be 1..500')
      const status = args.status ?? 'all'
      if (typeof status !== 'string' || !SEARCH_STATUSES.has(status)) throw new ApiError('bad_request', `unknown status filter "${String(status)}"`)
      const allowed = status === 'all' ? null : new Set(ctx.db.prepare('SELECT id FROM clips WHERE status = ?').pluck().all(status) as number[])
      const hits = await needsModel(() => text.search(args.text, limit, allowed ? (id) => allowed.has(id) : undefined))
      return { items: hits.map((h) => ({ ...toClipSummary(ctx.repos.clips.get(h.clipId)!), score: h.score })) }
    },
    // Studio panels (issue 6)
    'jobs:kinds': () => Object.keys(jobHandlers) as JobName[],
    'jobs:resume': (args) => ({ jobId: jobs.start(storedJobRequest(ctx, requiredInt(args.jobId, 'jobId'), (request) => jobRequest({ request }))) }),
    'dataset:import': (args) => ({ jobId: jobs.start({ name: 'import', data: checkImportJob(args) }) }),
    'dataset:exportPreview': (args) => exportPreview(ctx, checkExportSelection(args)),
    'dataset:export': (args) => ({ jobId: jobs.start({ name: 'export', data: checkExportJob(ctx, args) }) }),
    'models:list': () => listModels(ctx),
    'settings:pipeline': () => getPipelineSettings(ctx),
    'settings:updatePipeline': (args) => updatePipelineSettings(ctx, args),
    'clips:density': (args, call) => stats.density(args, call.signal),
    // Playback proxies: one service per project, so both transports share its deduplication.
    'media:prepare': (args) => mediaProxies(ctx).prepare(requiredInt(args.videoId, 'videoId')),
  })
}

/**
 * Every handler's SQLite failure (a lock held past busy_timeout, a full disk, a read-only or
 * damaged file) becomes its ProjectDbError, so a transport answers `{code: 'busy' | 'disk_full' |
 * 'read_only' | 'damaged', message}` naming the project instead of SQLite's text as `internal`.
 * Done here, where the project is known, so wrappers of these handlers (tests) keep it too.
 */
function withProjectErrors(ctx: ProjectContext, handlers: Handlers): Handlers {
  const mapped: Record<string, (args: unknown, call: CallContext) => unknown> = {}
  for (const [channel, handler] of Object.entries(handlers) as [string, (args: unknown, call: CallContext) => unknown][]) {
    const fail = (err: unknown): never => {
      throw mapProjectError(err, ctx.path, busyTimeoutOf(ctx.db))
    }
    mapped[channel] = (args, call) => {
      try {
        const result = handler(args, call)
        return result instanceof Promise ? result.catch(fail) : result
      } catch (err) {
        return fail(err)
      }
    }
  }
  return mapped as Handlers
}

/** Startup check (Immich's "no missing handlers"): every contract key has a handler function. */
export function assertHandlersComplete(handlers: Partial<Record<string, unknown>>): void {
  const missing = API_CHANNELS.filter((c) => typeof handlers[c] !== 'function')
  if (missing.length > 0) throw new Error(`API handlers missing for: ${missing.join(', ')}`)
}

/** The one entry point both transports call: validates the channel and the argument shape. */
export async function dispatch(handlers: Handlers, channel: unknown, args: unknown, call: CallContext): Promise<unknown> {
  if (!isApiChannel(channel)) throw new ApiError('bad_request', `unknown API channel "${String(channel)}"`)
  const handler = handlers[channel] as (a: unknown, c: CallContext) => unknown
  return await handler(objectArgs(args), call)
}
