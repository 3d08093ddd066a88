import type { ApiChannel, ApiEventName, ApiEvents, ClipSummary, ProjectInfo } from '../../src-main/api/contract'
import type { ConnectionState, Envelope, Transport, TransportKind } from '../../src-renderer/src/api/client'

export interface RecordedRequest {
  channel: ApiChannel
  args: unknown
  signal?: AbortSignal
}

type Responder = (args: unknown) => Envelope | Promise<Envelope>

/**
 * Test double of the transport seam: answers with envelopes exactly as the IPC and HTTP
 * transports deliver them, records every request and lets a test push events.
 */
export class FakeTransport implements Transport {
  readonly mediaBase = '/media'
  readonly requests: RecordedRequest[] = []
  private readonly responders = new Map<string, Responder>()
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly stateListeners = new Set<(s: ConnectionState) => void>()
  private state: ConnectionState = 'open'

  constructor(readonly kind: TransportKind = 'http') {
    // The player asks before it loads any video; every fake video plays as it is unless a test
    // answers otherwise (the proxy states have their own tests).
    this.respond('media:prepare', (raw) => {
      const { videoId } = raw as { videoId: number }
      return { ok: true, result: { videoId, state: 'ready', proxy: false, reason: null, progress: null, revision: null } }
    })
  }

  respond(channel: ApiChannel, responder: Responder): this {
    this.responders.set(channel, responder)
    return this
  }

  request(channel: ApiChannel, args: unknown, signal?: AbortSignal): Promise<unknown> {
    this.requests.push({ channel, args, signal })
    const responder = this.responders.get(channel)
    if (!responder) return Promise.resolve({ ok: false, error: { code: 'internal', message: `no fake for ${channel}` } })
    return Promise.resolve(responder(args))
  }

  calls(channel: ApiChannel): unknown[] {
    return this.requests.filter((r) => r.channel === channel).map((r) => r.args)
  }

  subscribe(event: ApiEventName, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) l(payload)
  }

  connectionState(): ConnectionState {
    return this.state
  }

  setState(state: ConnectionState): void {
    this.state = state
    for (const l of this.stateListeners) l(state)
  }

  onConnectionChange(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  close(): void {}
}

export function ok<T>(result: T): Envelope<T> {
  return { ok: true, result }
}

/** A promise a test resolves by hand, to observe the UI while a request is in flight. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

export function clip(id: number, over: Partial<ClipSummary> = {}): ClipSummary {
  return {
    id,
    videoId: 1,
    sourceId: 'flower.mp4',
    startS: id * 2,
    endS: id * 2 + 1.5,
    durationS: 1.5,
    status: 'pending',
    caption: null,
    similarity: null,
    aesthetic: null,
    hasThumbnail: true,
    hasSprite: false,
    fps: 25,
    mediaMissing: false,
    ...over,
  }
}

export function projectInfo(over: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    name: 'flowers',
    path: '/data/flowers.vicurate',
    schemaVersion: 1,
    videos: 1,
    clips: 3,
    byStatus: { pending: 3, accepted: 0, rejected: 0 },
    reviewer: 'ada',
    transport: 'http',
    ...over,
  }
}
