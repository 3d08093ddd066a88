import { copyFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJob } from '../../../src-main/jobs/job-runner'
import type { CaptionJobReport } from '../../../src-main/services/captioning/caption-job'
import { updateCaptionSettings } from '../../../src-main/services/captioning/caption-settings'
import { SHARED_VIDEOS, tempProject } from '../../support/temp-project'

/**
 * A stand-in for a local OpenAI-compatible server (vLLM, Ollama, llama.cpp): the model name in
 * each request picks its behaviour, so one server covers healthy, flaky, slow and broken peers.
 */
interface Seen { model: string; body: { messages: { role: string; content: unknown }[] } }
function fakeOpenAi(): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = []
  const counts = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.on('data', (d: Buffer) => (raw += d.toString()))
    req.on('end', () => {
      const body = JSON.parse(raw) as Seen['body'] & { model: string }
      seen.push({ model: body.model, body })
      const n = (counts.get(body.model) ?? 0) + 1
      counts.set(body.model, n)
      const reply = (content: string) => res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }))
      const isImage = Array.isArray(body.messages[0]?.content)
      switch (body.model) {
        case 'ok':
          return reply(isImage ? '  "A red flower."  ' : 'Summary: a red flower sways in the wind')
        case 'garbage':
          return res.end('<html>proxy error</html>')
        case 'empty':
          return reply('   ')
        case 'slow':
          return void setTimeout(() => reply('too late'), 1_500)
        case 'flaky':
          if (n === 1) return void res.writeHead(503).end('warming up')
          return reply('a flower after a retry')
        case 'second-clip-fails':
          // Summaries arrive one per clip: requests 2 and 3 are clip 2's attempt and its retry.
          if (n === 2 || n === 3) return void res.writeHead(500).end('out of memory')
          return reply('a flower')
        default:
          return void res.writeHead(404).end(`model ${body.model} not found`)
      }
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen, close: () => new Promise((r) => server.close(() => r())) })),
  )
}

describe('caption job with a local OpenAI-compatible endpoint', () => {
  let api: Awaited<ReturnType<typeof fakeOpenAi>>
  let project: ReturnType<typeof tempProject>
  beforeAll(async () => {
    api = await fakeOpenAi()
    project = tempProject()
    const video = join(project.dir, 'three.mp4')
    copyFileSync(join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4'), video)
    await runJob(project.ctx, { name: 'ingest', data: { paths: [video], recursive: false } })
  }, 120_000)
  afterAll(async () => {
    project.cleanup()
    await api.close()
  })

  /** Each case starts from uncaptioned clips; run2 resumes without resetting. */
  async function run(captioner: string, summariser: string, url = api.url) {
    project.ctx.db.prepare("DELETE FROM clip_steps WHERE step = 'caption'").run()
    return run2(captioner, summariser, url, true)
  }
  async function run2(captioner: string, summariser: string, url = api.url, configure = false) {
    const ctx = project.ctx
    if (!configure) return exec()
    updateCaptionSettings(ctx, {
      captioner: { kind: 'endpoint', url, model: captioner },
      summariser: { kind: 'endpoint', url, model: summariser },
      endpointTimeoutMs: 1_000, endpointRetries: 1, endpointBackoffMs: 10,
    })
    return exec()
  }
  async function exec() {
    const ctx = project.ctx
    const before = ctx.db.prepare('SELECT count(*) FROM captions').pluck().get() as number
    const r = await runJob(ctx, { name: 'caption', data: {} }, { scoring: { models: { require: (id) => { throw new Error(`no model ${id}`) } }, sessions: null as never } })
    const added = (ctx.db.prepare('SELECT count(*) FROM captions').pluck().get() as number) - before
    return { r, report: r.report as CaptionJobReport, added }
  }

  it('captions every clip, sending the coarse caption and the frame captions in the documented prompt', async () => {
    api.seen.length = 0
    const { r, report, added } = await run('ok', 'ok')
    expect(r.outcome).toBe('done')
    expect(report).toMatchObject({ captioned: 3, failed: [], captioner: { id: 'endpoint:ok', provider: 'endpoint' } })
    expect(added).toBe(3 * 4) // coarse + 2 frames + fine, per clip
    expect(project.ctx.repos.clips.get(1)!.caption).toBe('a red flower sways in the wind')
    const summaryReq = api.seen.find((s) => typeof s.body.messages[0].content === 'string')!
    expect(summaryReq.body.messages[1].content).toContain('Whole clip (middle frame): A red flower.')
    expect(summaryReq.body.messages[1].content).toContain('1. (0.5 s) A red flower.')
    // No similarity model is installed here: the captions stay and the report says why.
    expect(report.similarity).toMatchObject({ skipped: expect.stringContaining('no model') })
  })

  it('an endpoint that is down fails each clip with the reason after retrying, stores nothing, and the job ends', async () => {
    const dead = await fakeOpenAi()
    await dead.close()
    const { r, report, added } = await run('ok', 'ok', dead.url)
    expect(r.outcome).toBe('failed')
    expect(report.failed).toHaveLength(3)
    expect(report.failed[0].error).toMatch(/unreachable \(ECONNREFUSED\) \(after 2 attempts\)/)
    expect(added).toBe(0)
    const steps = project.ctx.db.prepare("SELECT status, error FROM clip_steps WHERE step = 'caption'").all() as { status: string; error: string }[]
    expect(steps.every((s) => s.status === 'failed' && /ECONNREFUSED/.test(s.error))).toBe(true)
  })

  it('garbage, slow and empty answers are per-clip failures with specific reasons; nothing half-stored', async () => {
    const garbage = await run('ok', 'garbage')
    expect(garbage.report.failed[0].error).toMatch(/not JSON: "<html>proxy error<\/html>"/)
    expect(garbage.added).toBe(0)
    const slow = await run('ok', 'slow')
    expect(slow.report.failed[0].error).toMatch(/did not answer within 1000 ms \(after 2 attempts\)/)
    const empty = await run('ok', 'empty')
    expect(empty.report.failed.map((f) => f.error)).toEqual(Array(3).fill('endpoint:empty returned an empty summary'))
    expect(empty.added).toBe(0)
    const missing = await run('ok', 'no-such-model')
    // A 404 is not retried: the model name is wrong, not the server busy.
    expect(missing.report.failed[0].error).toMatch(/HTTP 404 .*model no-such-model not found \(after 2 attempts\)/)
  }, 60_000)

  it('retries a transient error, and goes on past clips that fail', async () => {
    const flaky = await run('ok', 'flaky')
    expect(flaky.report).toMatchObject({ captioned: 3, failed: [] })
    const mixed = await run('ok', 'second-clip-fails')
    expect(mixed.r.outcome).toBe('done')
    expect(mixed.report.captioned).toBe(2)
    expect(mixed.report.failed).toEqual([{ clipId: 2, error: expect.stringMatching(/HTTP 500 .*out of memory \(after 2 attempts\)/) }])
    // The failed clip is retried by the next run (resume), the captioned ones are not redone.
    const resumed = await run2('ok', 'ok')
    expect(resumed.report).toMatchObject({ captioned: 1, failed: [] })
  }, 60_000)
})
