import { afterEach, describe, expect, it, vi } from 'vitest'
import { API_CHANNELS } from '../../../src-main/api/contract'
import { startServer } from '../../../src-main/server/http-server'
import { jobsSettled, recordingHandlers, SAMPLE_ARGS, SAMPLE_ANSWERS } from '../../support/recording-handlers'
import { seedClips, tempProject } from '../../support/temp-project'

// A stand-in for Electron's ipcMain: it keeps the registered handlers so the test can invoke
// them the way the preload does. Everything behind it (adapter, dispatch, handlers) is real.
const ipc = vi.hoisted(() => ({ handlers: new Map<string, (e: unknown, args: unknown) => Promise<unknown>>() }))
vi.mock('electron', () => ({
  ipcMain: {
    handle: (ch: string, fn: (e: unknown, args: unknown) => Promise<unknown>) => ipc.handlers.set(ch, fn),
    removeHandler: (ch: string) => ipc.handlers.delete(ch),
  },
}))

describe('both transports route every contract channel to its handler', () => {
  let cleanup: () => Promise<void> | void = () => {}
  afterEach(async () => cleanup())

  it('HTTP: POST /api/<channel> reaches the handler and returns its result', async () => {
    const p = tempProject()
    seedClips(p.ctx, [{ startS: 0, endS: 2 }])
    const { handlers, calls } = recordingHandlers(p.ctx)
    const server = await startServer(p.ctx, { handlers })
    cleanup = async () => {
      await server.close()
      p.cleanup()
    }
    for (const channel of API_CHANNELS) {
      const res = await fetch(`${server.url}/api/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(SAMPLE_ARGS[channel]),
      })
      const body = (await res.json()) as { ok: boolean; result: unknown }
      expect({ channel, body }).toMatchObject({ channel, body: SAMPLE_ANSWERS[channel] })
    }
    expect(calls).toEqual([...API_CHANNELS])
    await jobsSettled(p.ctx)
  })

  it('IPC: the Electron adapter registers api:<channel> for every channel and answers envelopes', async () => {
    const p = tempProject()
    cleanup = p.cleanup
    seedClips(p.ctx, [{ startS: 0, endS: 2 }])
    const { registerIpc } = await import('../../../src-main/electron/ipc-adapter')
    const { handlers, calls } = recordingHandlers(p.ctx)
    const mainFrame = {}
    const window = { webContents: { id: 7, mainFrame, send: vi.fn() }, isDestroyed: () => false }
    const dispose = registerIpc(p.ctx, window as never, handlers)
    expect([...ipc.handlers.keys()].sort()).toEqual(API_CHANNELS.map((c) => `api:${c}`).sort())
    const sender = { sender: { id: 7 }, senderFrame: mainFrame }
    for (const channel of API_CHANNELS) {
      const answer = await ipc.handlers.get(`api:${channel}`)!(sender, SAMPLE_ARGS[channel])
      expect({ channel, answer }).toMatchObject({ channel, answer: SAMPLE_ANSWERS[channel] })
    }
    expect(calls).toEqual([...API_CHANNELS])
    await jobsSettled(p.ctx)
    // A handler error crosses as {code, message}; a foreign frame is refused.
    await expect(ipc.handlers.get('api:clips:get')!(sender, { clipId: 99 })).resolves.toEqual({
      ok: false,
      error: { code: 'not_found', message: 'clip 99 does not exist' },
    })
    await expect(ipc.handlers.get('api:project:info')!({ sender: { id: 8 }, senderFrame: {} }, {})).resolves.toMatchObject({ ok: false })
    // Events reach the window.
    p.ctx.bus.emit('clips:changed', { clipIds: [1] })
    expect(window.webContents.send).toHaveBeenCalledWith('event:clips:changed', { clipIds: [1] })
    dispose()
    expect(ipc.handlers.size).toBe(0)
  })
})
