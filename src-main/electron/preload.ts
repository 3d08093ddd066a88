import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { isApiChannel, isApiEvent } from '../api/contract'

/**
 * The renderer sees exactly two functions. Channel and event names are checked against the
 * contract's lists here too, so a compromised page cannot reach any other IPC channel.
 */
contextBridge.exposeInMainWorld('vicurate', {
  invoke(channel: unknown, args: unknown): Promise<unknown> {
    if (!isApiChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'bad_request', message: `unknown API channel "${String(channel)}"` } })
    }
    return ipcRenderer.invoke(`api:${channel}`, args)
  },
  on(event: unknown, listener: (payload: unknown) => void): () => void {
    if (!isApiEvent(event) || typeof listener !== 'function') throw new Error(`unknown API event "${String(event)}"`)
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(`event:${event}`, wrapped)
    return () => void ipcRenderer.removeListener(`event:${event}`, wrapped)
  },
})
