import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_CHANNELS } from '../../../src-main/api/contract'
import { startServer, type RunningServer } from '../../../src-main/server/http-server'
import { seedClips, tempProject } from '../../support/temp-project'

/** Keys the channels read, with values that are sometimes nearly right and sometimes anything. */
const proto = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf')
const nearly = {
  // Mostly an existing clip, so validation after the lookup is reached too.
  clipId: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 4 }, fc.integer({ min: -2, max: 5 }), fc.double(), fc.string(), fc.constant(null)),
  jobId: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.string(), fc.constant(null)),
  action: fc.oneof(fc.constantFrom('accept', 'reject', 'reset'), { arbitrary: proto, weight: 2 }, fc.string()),
  reason: fc.oneof(fc.string({ maxLength: 20 }), fc.string({ minLength: 501, maxLength: 600 }), fc.integer()),
  status: fc.oneof(fc.constantFrom('all', 'pending', 'accepted', 'rejected'), proto, fc.string()),
  sort: fc.oneof(fc.constantFrom('id', 'similarity', 'aesthetic', 'duration'), proto, fc.string()),
  order: fc.oneof(fc.constantFrom('asc', 'desc'), proto, fc.string()),
  limit: fc.oneof(fc.integer({ min: -5, max: 600 }), fc.double(), fc.string(), fc.constant(null)),
  cursor: fc.oneof(fc.base64String(), fc.string(), fc.constant(null), fc.jsonValue({ maxDepth: 1 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'))),
  reviewer: fc.oneof(fc.string({ maxLength: 120 }), fc.integer()),
  caption: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null)),
  text: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null)),
  // Never a runnable job: a real worker per case would be slow and is not what this tests.
  request: fc.oneof(
    fc.record({ name: fc.oneof(fc.constantFrom('ingest', 'nope'), proto), data: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ paths: fc.constantFrom([], [''], [1], 'x') })) }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
}
const anyValue = fc.jsonValue({ maxDepth: 3 })
const body = fc.oneof(
  { arbitrary: fc.record(Object.fromEntries(Object.entries(nearly).map(([k, v]) => [k, fc.oneof({ arbitrary: v, weight: 3 }, anyValue)])), { requiredKeys: [] }), weight: 4 },
  { arbitrary: anyValue, weight: 1 },
  { arbitrary: fc.dictionary(fc.oneof(fc.string(), proto), anyValue, { maxKeys: 4 }), weight: 1 },
)

describe('HTTP API input validation (properties)', () => {
  let server: RunningServer
  let cleanup: () => void
  beforeAll(async () => {
    const p = tempProject()
    seedClips(p.ctx, [{ startS: 0, endS: 1, similarity: 0.3 }, { startS: 1, endS: 2 }, { startS: 2, endS: 3, aesthetic: 5 }])
    mkdirSync(join(p.dir, 'ui'))
    server = await startServer(p.ctx, { staticDir: join(p.dir, 'ui') })
    cleanup = p.cleanup
  })
  afterAll(async () => {
    await server.close()
    cleanup()
  })

  it('answers arbitrary JSON bodies on every channel with 200 or a {code, message} error, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...API_CHANNELS), body, async (channel, args) => {
        const res = await fetch(`${server.url}/api/${channel}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(args),
        })
        const reply = (await res.json()) as { ok: boolean; error?: { code: unknown; message: unknown } }
        if (res.status === 200) {
          expect(reply.ok).toBe(true)
          return
        }
        // 503 only for the model-backed channels: no model is installed in tests.
        expect([400, 404, 409, 413, ...(channel === 'clips:rescore' || channel === 'search:semantic' ? [503] : [])]).toContain(res.status)
        expect(reply).toEqual({ ok: false, error: { code: expect.any(String), message: expect.stringMatching(/\S/) } })
        expect(reply.error!.code).not.toBe('internal')
      }),
      {
        numRuns: Number(process.env.PROP_RUNS ?? 500),
        // Found by this property once (Object.prototype members taken for actions): always tried.
        examples: [
          ['clips:decide', { clipId: 1, action: 'toString' }],
          ['clips:decide', { clipId: 1, action: '__proto__' }],
        ],
      },
    )
  })
})
