import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobProgressEvent } from '../../../src-main/api/contract'
import { createHandlers, dispatch } from '../../../src-main/api/handlers'
import { JobHost } from '../../../src-main/jobs/job-host'
import { DEFAULT_PATTERN } from '../../../src-main/services/dataset-media'
import { SHARED_VIDEOS, tempProject } from '../../support/temp-project'

/**
 * The Jobs panel's import form and the export dialog, as the core takes their requests: the
 * media-name pattern is checked before the job is queued (a bad one is an answer naming the
 * problem), and an export can also cut its clips into a folder (the CLI's --clips-dir).
 */
describe('dataset job requests: import pattern, export clip folder', () => {
  let t: ReturnType<typeof tempProject>
  let host: JobHost | null = null
  afterEach(async () => {
    await host?.close()
    host = null
    t?.cleanup()
  })
  const call = (handlers: ReturnType<typeof createHandlers>, channel: string, args: unknown) => dispatch(handlers, channel, args, { transport: 'http' })

  function setup() {
    t = tempProject()
    const videos = join(t.dir, 'videos')
    mkdirSync(videos)
    copyFileSync(join(SHARED_VIDEOS, 'flower.mp4'), join(videos, 'flower.mp4'))
    const file = join(t.dir, 'in.jsonl')
    const row = (id: string, s: string, e: string) => JSON.stringify({ YoutubeID: id, Start_timestamp: s, End_timestamp: e, Caption: 'a flower', UMT_Score: 0.4, Aesthetic_Score: 5 })
    writeFileSync(file, [row('flower', '00:00:00.000', '00:00:01.000'), row('flower', '00:00:01.000', '00:00:02.500'), row('absent', '00:00:00.000', '00:00:01.000')].join('\n') + '\n')
    host = new JobHost(t.ctx)
    const handlers = createHandlers(t.ctx, host)
    const events: JobProgressEvent[] = []
    t.ctx.bus.subscribe((name, payload) => name === 'jobs:progress' && events.push(payload as JobProgressEvent))
    return { videos, file, handlers, events }
  }

  it("the import form's placeholder is the core's default pattern (the renderer cannot import it)", () => {
    const form = readFileSync(join(__dirname, '..', '..', '..', 'src-renderer', 'src', 'components', 'jobs', 'ImportJsonlForm.vue'), 'utf8')
    expect(/const DEFAULT_PATTERN = '([^']+)'/.exec(form)?.[1]).toBe(DEFAULT_PATTERN)
  })

  it('refuses a bad media-name pattern, a pattern without a video folder and a missing folder before queueing', async () => {
    const { videos, file, handlers } = setup()
    const refused = (args: object, message: RegExp) => expect(call(handlers, 'dataset:import', { file, ...args })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(message) })
    await refused({ videoRoot: videos, pattern: '{root}/{id}.mp4' }, /^media-name pattern: unknown placeholder \{id\} .*known: \{root\}, \{YoutubeID\}/)
    await refused({ videoRoot: videos, pattern: '{root}/clip.mp4' }, /must contain \{YoutubeID\}/)
    await refused({ videoRoot: videos, pattern: '{root}/../{YoutubeID}.mp4' }, /must name files inside the video root/)
    await refused({ pattern: '{root}/{YoutubeID}.mp4' }, /needs a video folder/)
    await refused({ videoRoot: join(t.dir, 'nope') }, /video folder .*nope is not a readable directory/)
    expect(await call(handlers, 'jobs:list', { limit: 10 })).toEqual([])
  })

  it('imports with the pattern, then exports with clip files cut into a new folder, skipping clips with no media', async () => {
    const { videos, file, handlers, events } = setup()
    const imp = (await call(handlers, 'dataset:import', { file, videoRoot: videos, pattern: '{root}/{YoutubeID}.mp4' })) as { jobId: number }
    await host!.settled(imp.jobId)
    expect(events.at(-1)).toMatchObject({ jobId: imp.jobId, status: 'done', detail: expect.stringContaining('media found 2, missing 1') })

    const out = join(t.dir, 'curated.jsonl')
    const clipsDir = join(t.dir, 'exports', 'clips')
    await expect(call(handlers, 'dataset:export', { status: 'all', out, clipsDir: file })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/is a file, not a folder/) })
    const exp = (await call(handlers, 'dataset:export', { status: 'all', out, clipsDir })) as { jobId: number }
    await host!.settled(exp.jobId)
    expect(readdirSync(clipsDir).sort()).toEqual(['flower_00:00:00.000_00:00:01.000.mp4', 'flower_00:00:01.000_00:00:02.500.mp4'])
    expect(events.at(-1)).toMatchObject({
      jobId: exp.jobId,
      status: 'done',
      detail: expect.stringMatching(/^3 clips .* written to .*curated\.jsonl; manifest .*; clip files in .*clips: 2 written, 0 already there, 1 skipped \(no media\), 0 failed$/),
    })
  }, 60_000)
})
