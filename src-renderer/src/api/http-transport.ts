import type { ApiChannel, ApiEventName } from '../../../src-main/api/contract'
import { ApiRequestError } from './api-error'
import type { ConnectionState, Transport } from './client'
import { HTTP_MEDIA_BASE } from './media-urls'

/** Injected so tests can drive the wire without a server; defaults are the browser's own. */
export interface HttpTransportOptions {
  /** Page origin, e.g. `http://127.0.0.1:5190`; requests stay same-origin so the auth cookie applies. */
  origin: string
  fetch?: typeof fetch
  WebSocket?: typeof WebSocket
  /** Reconnect delays grow from `minDelayMs` doubling up to `maxDelayMs`. */
  minDelayMs?: number
  maxDelayMs?: number
}

function eventsUrl(origin: string): string {
  const url = new URL('/events', origin)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.toString()
}

/**
 * Browser mode (`vicurate serve`): `POST /api/<channel>` with a JSON Envelope back (4xx/5xx
 * carry one too), and one WebSocket at `/events` for push events that reconnects with backoff.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const Socket = options.WebSocket ?? globalThis.WebSocket
  const minDelay = options.minDelayMs ?? 500
  const maxDelay = options.maxDelayMs ?? 15_000

  const eventListeners = new Map<string, Set<(payload: unknown) => void>>()
  const stateListeners = new Set<(state: ConnectionState) => void>()
  let state: ConnectionState = 'connecting'
  let socket: WebSocket | null = null
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let closed = false

  function setState(next: ConnectionState): void {
    if (next === state) return
    state = next
    for (const l of stateListeners) l(next)
  }

  function dispatch(data: unknown): void {
    if (typeof data !== 'string') return
    let msg: { event?: unknown; payload?: unknown }
    try {
      msg = JSON.parse(data) as { event?: unknown; payload?: unknown }
    } catch {
      return // a malformed frame must not take the connection down
    }
    if (typeof msg.event !== 'string') return
    for (const l of eventListeners.get(msg.event) ?? []) l(msg.payload)
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer !== null) return
    // Full jitter keeps many tabs from reconnecting in lockstep after a server restart.
    const ceiling = Math.min(maxDelay, minDelay * 2 ** attempt)
    const delay = minDelay + Math.random() * (ceiling - minDelay)
    attempt += 1
    retryTimer = setTimeout(() => {
      retryTimer = null
      connect()
    }, delay)
  }

  function connect(): void {
    if (closed) return
    setState('connecting')
    let ws: WebSocket
    try {
      ws = new Socket(eventsUrl(options.origin))
    } catch {
      setState('closed')
      scheduleReconnect()
      return
    }
    socket = ws
    ws.onopen = () => {
      attempt = 0
      setState('open')
    }
    ws.onmessage = (ev: MessageEvent) => dispatch(ev.data)
    ws.onclose = () => {
      if (socket !== ws) return
      socket = null
      setState('closed')
      scheduleReconnect()
    }
    // `error` is always followed by `close`, which does the bookkeeping.
    ws.onerror = () => {}
  }

  async function request(channel: ApiChannel, args: unknown, signal?: AbortSignal): Promise<unknown> {
    let res: Response
    try {
      res = await doFetch(`${new URL(`/api/${channel}`, options.origin).toString()}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(args ?? {}),
        signal,
      })
    } catch (err) {
      if (signal?.aborted) throw new ApiRequestError('aborted', 'request superseded')
      throw new ApiRequestError('unavailable', `cannot reach the vicurate server (${err instanceof Error ? err.message : String(err)})`)
    }
    try {
      return await res.json()
    } catch {
      throw new ApiRequestError('internal', `${channel}: the server answered HTTP ${res.status} without a JSON envelope`)
    }
  }

  connect()

  return {
    kind: 'http',
    mediaBase: HTTP_MEDIA_BASE,
    request,
    subscribe(event: ApiEventName, listener) {
      let set = eventListeners.get(event)
      if (!set) eventListeners.set(event, (set = new Set()))
      set.add(listener)
      return () => set.delete(listener)
    },
    connectionState: () => state,
    onConnectionChange(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
    close() {
      closed = true
      if (retryTimer !== null) clearTimeout(retryTimer)
      retryTimer = null
      const ws = socket
      socket = null
      ws?.close()
      setState('closed')
    },
  }
}
