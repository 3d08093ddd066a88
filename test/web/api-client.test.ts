import { describe, expect, it } from 'vitest'
import { ApiRequestError } from '../../src-renderer/src/api/api-error'
import { ApiClient } from '../../src-renderer/src/api/client'
import { FakeTransport, clip, deferred, ok, projectInfo } from './fake-transport'

describe('ApiClient', () => {
  it('unwraps an ok envelope to the typed result', async () => {
    const transport = new FakeTransport().respond('project:info', () => ok(projectInfo({ name: 'birds' })))
    const info = await new ApiClient(transport).invoke('project:info', {})
    expect(info.name).toBe('birds')
    expect(transport.requests[0]).toMatchObject({ channel: 'project:info', args: {} })
  })

  it('rebuilds an error envelope as ApiRequestError carrying the core error code', async () => {
    const transport = new FakeTransport().respond('clips:get', () => ({
      ok: false,
      error: { code: 'not_found', message: 'clip 9 does not exist' },
    }))
    const err = await new ApiClient(transport).invoke('clips:get', { clipId: 9 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiRequestError)
    expect(err).toMatchObject({ code: 'not_found', message: 'clip 9 does not exist' })
  })

  it('maps an unknown error code from a newer core to internal', async () => {
    const transport = new FakeTransport().respond('clips:get', () => ({
      ok: false,
      error: { code: 'quota_exceeded' as never, message: 'later feature' },
    }))
    await expect(new ApiClient(transport).invoke('clips:get', { clipId: 1 })).rejects.toMatchObject({ code: 'internal' })
  })

  it('treats a reply that is not an envelope as an internal error', async () => {
    const transport = new FakeTransport().respond('clips:get', () => clip(1) as never)
    await expect(new ApiClient(transport).invoke('clips:get', { clipId: 1 })).rejects.toMatchObject({ code: 'internal' })
  })

  it('reports a transport failure as unavailable', async () => {
    const transport = new FakeTransport()
    transport.request = () => Promise.reject(new Error('socket hang up'))
    await expect(new ApiClient(transport).invoke('project:info', {})).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('drops the answer of a request aborted while in flight', async () => {
    const gate = deferred<ReturnType<typeof ok>>()
    const transport = new FakeTransport().respond('clips:list', () => gate.promise)
    const controller = new AbortController()
    const pending = new ApiClient(transport).invoke('clips:list', {}, { signal: controller.signal })
    controller.abort()
    gate.resolve(ok({ items: [clip(1)], nextCursor: null }))
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
  })

  it('delivers events to subscribers until they unsubscribe', () => {
    const transport = new FakeTransport()
    const seen: number[][] = []
    const off = new ApiClient(transport).on('clips:changed', (p) => seen.push(p.clipIds))
    transport.emit('clips:changed', { clipIds: [1, 2] })
    off()
    transport.emit('clips:changed', { clipIds: [3] })
    expect(seen).toEqual([[1, 2]])
  })

  it('builds media URLs from the transport base', () => {
    const client = new ApiClient(new FakeTransport())
    expect(client.media.video(7)).toBe('/media/video/7')
    expect(client.media.poster(12)).toBe('/media/thumb/12')
  })
})
