import { expect } from 'vitest'
import type { ApiChannel } from '../../src-main/api/contract'
import { createHandlers, type Handlers } from '../../src-main/api/handlers'
import type { ProjectContext } from '../../src-main/core/project-context'

/** The project's real handlers, each wrapped to record that a transport reached it. */
export function recordingHandlers(ctx: ProjectContext): { handlers: Handlers; calls: ApiChannel[] } {
  const real = createHandlers(ctx)
  const calls: ApiChannel[] = []
  const handlers = Object.fromEntries(
    Object.entries(real).map(([channel, fn]) => [
      channel,
      (args: unknown, call: unknown) => {
        calls.push(channel as ApiChannel)
        return (fn as (a: unknown, c: unknown) => unknown)(args, call)
      },
    ]),
  ) as unknown as Handlers
  return { handlers, calls }
}

/** Arguments that every channel accepts on a project with one clip (id 1). */
export const SAMPLE_ARGS: Record<ApiChannel, unknown> = {
  'project:info': {},
  'clips:list': { limit: 10 },
  'clips:get': { clipId: 1 },
  'clips:decide': { clipId: 1, action: 'accept' },
  'clips:updateCaption': { clipId: 1, caption: 'a  curated   caption ' },
  'clips:histogram': { field: 'duration', bins: 4 },
  'clips:keepRate': { filters: { duration: { min: 1 } } },
  'clips:decideBatch': { action: 'reject', expectedCount: 1, filters: { duration: { min: 1 } } },
  'clips:undoBatch': { batchId: 'no-such-batch' },
  'views:list': {},
  'views:save': { name: 'long clips', filters: { duration: { min: 1 } } },
  'views:delete': { id: 424242 },
  'settings:get': {},
  'settings:update': { reviewer: 'ana' },
  // A job that fails fast (no such file): the worker starts, reports, and exits.
  'jobs:start': { request: { name: 'ingest', data: { paths: ['/nonexistent/clip.mp4'], recursive: false } } },
  'jobs:cancel': { jobId: 424242 },
  'jobs:list': {},
  'clips:rescore': { clipId: 1, caption: 'a flower' },
  'search:semantic': { text: 'a flower' },
  'jobs:kinds': {},
  'jobs:resume': { jobId: 424242 },
  // Fails fast in its worker (no such file), like the ingest above.
  'dataset:import': { file: '/nonexistent/annotations.jsonl' },
  'dataset:exportPreview': { status: 'all', filters: { duration: { min: 1 } } },
  'dataset:export': { status: 'all', out: '/nonexistent-folder/out.jsonl' },
  'models:list': {},
  'settings:pipeline': {},
  'settings:updatePipeline': { batchSize: 8 },
  'clips:density': { bins: 4 },
  // The seeded video has no media file: the answer says so instead of starting a transcode.
  'media:prepare': { videoId: 1 },
}

const ok = (result: unknown) => ({ ok: true, result })
// No model is installed in a test project: the scoring channels answer with the store's error.
const notInstalled = { ok: false, error: { message: expect.stringMatching(/is not installed/) } }

/** What each channel's answer to SAMPLE_ARGS must contain: proves the right handler ran. */
export const SAMPLE_ANSWERS: Record<ApiChannel, unknown> = {
  'project:info': ok({ clips: 1, videos: 1 }),
  'clips:list': ok({ items: [{ id: 1 }], nextCursor: null }),
  'clips:get': ok({ id: 1, history: [] }),
  'clips:decide': ok({ id: 1, status: 'accepted' }),
  'clips:updateCaption': ok({ id: 1, caption: 'a curated caption' }),
  'clips:histogram': ok({ field: 'duration', min: 2, max: 2, all: [1, 0, 0, 0], filtered: [1, 0, 0, 0], missing: 0 }),
  'clips:keepRate': ok({ clips: 1, totalClips: 1 }),
  'clips:decideBatch': ok({ batchId: expect.any(String), changed: 1 }),
  'clips:undoBatch': { ok: false, error: { code: 'not_found' } },
  'views:list': ok([]),
  'views:save': ok({ name: 'long clips', filters: { duration: { min: 1 } }, status: 'all' }),
  'views:delete': ok({ deleted: false }),
  'settings:get': ok({ reviewer: expect.any(String) }),
  'settings:update': ok({ reviewer: 'ana' }),
  'jobs:start': ok({ jobId: expect.any(Number) }),
  'jobs:cancel': ok({ cancelled: false }),
  'jobs:list': ok([{ name: 'ingest' }]),
  'clips:rescore': notInstalled,
  'search:semantic': notInstalled,
  'jobs:kinds': ok(expect.arrayContaining(['ingest', 'similarity', 'aesthetic', 'import', 'export'])),
  'jobs:resume': { ok: false, error: { code: 'not_found' } },
  'dataset:import': ok({ jobId: expect.any(Number) }),
  'dataset:exportPreview': ok({ clips: 1, counts: { filtered: 1 }, hoursEstimated: false }),
  'dataset:export': { ok: false, error: { code: 'bad_request', message: expect.stringMatching(/does not exist/) } },
  'models:list': ok({ root: expect.any(String), provider: { setting: 'auto' }, models: expect.arrayContaining([expect.objectContaining({ id: 'viclip-l14-hf' })]) }),
  'settings:pipeline': ok({ provider: 'auto', batchSize: 4, aggregation: 'max', clipRules: { minS: 1, maxS: 120 } }),
  'settings:updatePipeline': ok({ batchSize: 8 }),
  'clips:density': ok({ bins: 4, similarity: null, all: [] }),
  'media:prepare': ok({ videoId: 1, state: 'failed', reason: expect.stringMatching(/no media file/) }),
}

/** Waits until no job of the project is queued or running (workers have finished). */
export async function jobsSettled(ctx: ProjectContext, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (ctx.repos.jobs.unfinished().length > 0) {
    if (Date.now() > until) throw new Error('jobs did not finish in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}
