import { describe, expect, it, vi } from 'vitest'
import { ApiRequestError } from '../../src-renderer/src/api/api-error'
import { createDefaultClient } from '../../src-renderer/src/api/connect'
import type { VicurateBridge } from '../../src-renderer/src/api/ipc-transport'
import { clip } from './fake-transport'

function bridge(): VicurateBridge & { emit(event: string, payload: unknown): void } {
  const listeners = new Map<string, (p: unknown) => void>()
  return {
    invoke: vi.fn(async (channel: string) =>
      channel === 'clips:get' ? { ok: true, result: clip(3) } : { ok: false, error: { code: 'bad_request', message: 'nope' } },
    ),
    on: vi.fn((event: string, listener: (p: unknown) => void) => {
      listeners.set(event, listener)
      return () => listeners.delete(event)
    }),
    emit: (event, payload) => listeners.get(event)?.(payload),
  }
}

describe('desktop (IPC) transport', () => {
  it('is chosen when the preload bridge exists, with the vicurate-media protocol for media', async () => {
    const b = bridge()
    const client = createDefaultClient({ vicurate: b, location: window.location } as unknown as Window)
    expect(client.transportKind).toBe('ipc')
    expect(client.connectionState()).toBe('open')
    expect(client.media.video(2)).toBe('vicurate-media://local/video/2')
    expect(client.media.poster(9)).toBe('vicurate-media://local/thumb/9')

    expect((await client.invoke('clips:get', { clipId: 3 })).id).toBe(3)
    expect(b.invoke).toHaveBeenCalledWith('clips:get', { clipId: 3 })
    const err = await client.invoke('settings:get', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiRequestError)
    expect(err).toMatchObject({ code: 'bad_request', message: 'nope' })
  })

  it('forwards push events from the bridge and unsubscribes through it', () => {
    const b = bridge()
    const client = createDefaultClient({ vicurate: b, location: window.location } as unknown as Window)
    const names: string[] = []
    const off = client.on('settings:changed', (s) => names.push(s.reviewer))
    b.emit('settings:changed', { reviewer: 'grace' })
    off()
    b.emit('settings:changed', { reviewer: 'linus' })
    expect(names).toEqual(['grace'])
  })
})
