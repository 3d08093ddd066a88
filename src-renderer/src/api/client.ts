import type { ApiArgs, ApiChannel, ApiErrorDto, ApiEventName, ApiEvents, ApiResult } from '../../../src-main/api/contract'
import { ApiRequestError, toErrorCode } from './api-error'
import { createMediaUrls, type MediaUrls } from './media-urls'

/** What every transport answers: the result, or the core's error as plain data. */
export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiErrorDto }

export type ConnectionState = 'connecting' | 'open' | 'closed'
export type TransportKind = 'ipc' | 'http'

/**
 * The seam between the typed client and a wire. Transports are deliberately untyped over the
 * contract (they move JSON); `ApiClient` is the one place that restores the types, so adding a
 * contract method never touches a transport.
 */
export interface Transport {
  readonly kind: TransportKind
  readonly mediaBase: string
  request(channel: ApiChannel, args: unknown, signal?: AbortSignal): Promise<unknown>
  subscribe(event: ApiEventName, listener: (payload: unknown) => void): () => void
  connectionState(): ConnectionState
  onConnectionChange(listener: (state: ConnectionState) => void): () => void
  close(): void
}

export interface InvokeOptions {
  /** Aborting rejects with code `aborted`; HTTP also cancels the request on the wire. */
  signal?: AbortSignal
}

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { ok?: unknown; error?: unknown }
  if (v.ok === true) return 'result' in v
  return v.ok === false && typeof v.error === 'object' && v.error !== null
}

function abortError(): ApiRequestError {
  return new ApiRequestError('aborted', 'request superseded')
}

export class ApiClient {
  readonly media: MediaUrls

  constructor(private readonly transport: Transport) {
    this.media = createMediaUrls(transport.mediaBase)
  }

  get transportKind(): TransportKind {
    return this.transport.kind
  }

  async invoke<K extends ApiChannel>(channel: K, args: ApiArgs<K>, options: InvokeOptions = {}): Promise<ApiResult<K>> {
    const { signal } = options
    if (signal?.aborted) throw abortError()
    let raw: unknown
    try {
      raw = await this.transport.request(channel, args, signal)
    } catch (err) {
      if (signal?.aborted) throw abortError()
      if (err instanceof ApiRequestError) throw err
      throw new ApiRequestError('unavailable', `${channel}: ${err instanceof Error ? err.message : String(err)}`)
    }
    // IPC cannot cancel an in-flight call, so a superseded answer is dropped here instead.
    if (signal?.aborted) throw abortError()
    if (!isEnvelope(raw)) throw new ApiRequestError('internal', `${channel}: malformed response from the core`)
    if (raw.ok) return raw.result as ApiResult<K>
    throw new ApiRequestError(toErrorCode(raw.error.code), String(raw.error.message ?? 'unknown error'))
  }

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    return this.transport.subscribe(event, (payload) => listener(payload as ApiEvents[E]))
  }

  connectionState(): ConnectionState {
    return this.transport.connectionState()
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    return this.transport.onConnectionChange(listener)
  }

  close(): void {
    this.transport.close()
  }
}
