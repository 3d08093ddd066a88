import type { ApiChannel, ApiEventName } from '../../../src-main/api/contract'
import type { DesktopShell } from '../../../src-main/api/desktop-shell'
import type { ConnectionState, Transport } from './client'
import { IPC_MEDIA_BASE } from './media-urls'

/** What the preload exposes (contextIsolation: nothing else reaches the page). */
export interface VicurateBridge {
  invoke(channel: string, args: unknown): Promise<unknown>
  on(event: string, listener: (payload: unknown) => void): () => void
  /** Native open dialogs and dropped-file paths (desktop only; see api/desktop-shell.ts). */
  shell?: DesktopShell
}

declare global {
  interface Window {
    vicurate?: VicurateBridge
  }
}

/**
 * Desktop transport. IPC lives as long as the window, so the connection is always open; an
 * in-flight invoke cannot be cancelled, which is why the client drops superseded answers itself.
 */
export function createIpcTransport(bridge: VicurateBridge): Transport {
  return {
    kind: 'ipc',
    mediaBase: IPC_MEDIA_BASE,
    request: (channel: ApiChannel, args: unknown) => bridge.invoke(channel, args),
    subscribe: (event: ApiEventName, listener) => bridge.on(event, listener),
    connectionState: (): ConnectionState => 'open',
    onConnectionChange: () => () => {},
    close: () => {},
  }
}
