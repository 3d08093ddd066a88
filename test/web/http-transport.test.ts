import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiClient, type ConnectionState } from '../../src-renderer/src/api/client'
import { createHttpTransport } from '../../src-renderer/src/api/http-transport'

/** Minimal stand-in for the browser WebSocket: the test opens, closes and feeds it. */
class FakeSocket {
  static instances: FakeSocket[] = []
  onopen: (() => void) | null = null
  onclose: (() => void) | null = null
  onerror: (() => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  closed = false
  constructor(readonly url: string) {
    FakeSocket.instances.push(this)
  }
  close(): void {
    this.closed = true
  }
  open(): void {
    this.onopen?.()
  }
  drop(): void {
    this.onclose?.()
  }
  receive(data: unknown): void {
    this.onmessage?.({ data: JSON.stringify(data) })
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

function make(fetchImpl: typeof fetch) {
  return createHttpTransport({
    origin: 'https://127.0.0.1:5190',
    fetch: fetchImpl,
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    minDelayMs: 100,
    maxDelayMs: 1000,
  })
}

beforeEach(() => {
  FakeSocket.instances = []
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('HTTP transport', () => {
  it('POSTs the JSON args to /api/<channel> with same-origin credentials', async () => {
    const fetchImpl = vi.fn(async () => jsonResponse(200, { ok: true, result: { reviewer: 'ada' } }))
    const client = new ApiClient(make(fetchImpl as unknown as typeof fetch))

    expect(await client.invoke('settings:update', { reviewer: 'ada' })).toEqual({ reviewer: 'ada' })
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('https://127.0.0.1:5190/api/settings:update')
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"reviewer":"ada"}' })
    expect(client.media.video(3)).toBe('/media/video/3')
  })

  it('rebuilds the error envelope an HTTP 404 carries', async () => {
    const fetchImpl = async () => jsonResponse(404, { ok: false, error: { code: 'not_found', message: 'clip 4 does not exist' } })
    const client = new ApiClient(make(fetchImpl as typeof fetch))
    await expect(client.invoke('clips:get', { clipId: 4 })).rejects.toMatchObject({ code: 'not_found', message: 'clip 4 does not exist' })
  })

  it('reports a non-JSON answer as internal and a network failure as unavailable', async () => {
    const html = new ApiClient(make((async () => new Response('<h1>Bad gateway</h1>', { status: 502 })) as typeof fetch))
    await expect(html.invoke('project:info', {})).rejects.toMatchObject({ code: 'internal' })
    const down = new ApiClient(make((async () => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch))
    await expect(down.invoke('project:info', {})).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('opens the events socket on the same host and dispatches events by name', () => {
    const client = new ApiClient(make(vi.fn() as unknown as typeof fetch))
    const socket = FakeSocket.instances[0]!
    expect(socket.url).toBe('wss://127.0.0.1:5190/events')
    const changed: number[][] = []
    client.on('clips:changed', (p) => changed.push(p.clipIds))
    socket.open()
    socket.receive({ event: 'clips:changed', payload: { clipIds: [4] } })
    socket.receive({ event: 'jobs:progress', payload: {} })
    socket.onmessage?.({ data: 'not json' })
    expect(changed).toEqual([[4]])
  })

  it('reconnects with growing delays and reports the connection state', () => {
    vi.spyOn(Math, 'random').mockReturnValue(1) // take the top of each jitter window
    const transport = make(vi.fn() as unknown as typeof fetch)
    const states: ConnectionState[] = []
    transport.onConnectionChange((s) => states.push(s))
    expect(transport.connectionState()).toBe('connecting')

    FakeSocket.instances[0]!.open()
    FakeSocket.instances[0]!.drop()
    expect(transport.connectionState()).toBe('closed')

    vi.advanceTimersByTime(99)
    expect(FakeSocket.instances).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.instances).toHaveLength(2)

    FakeSocket.instances[1]!.drop() // second failure in a row waits twice as long
    vi.advanceTimersByTime(199)
    expect(FakeSocket.instances).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.instances).toHaveLength(3)

    FakeSocket.instances[2]!.open()
    expect(states).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'open'])

    transport.close()
    expect(FakeSocket.instances[2]!.closed).toBe(true)
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.instances).toHaveLength(3)
  })
})
