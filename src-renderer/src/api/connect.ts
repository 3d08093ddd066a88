import { ApiClient } from './client'
import { createHttpTransport } from './http-transport'
import { createIpcTransport } from './ipc-transport'

/** The preload's bridge exists only inside the Electron window; anything else is `vicurate serve`. */
export function createDefaultClient(win: Window = window): ApiClient {
  const transport = win.vicurate ? createIpcTransport(win.vicurate) : createHttpTransport({ origin: win.location.origin })
  return new ApiClient(transport)
}
