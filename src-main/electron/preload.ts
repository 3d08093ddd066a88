import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { isApiChannel, isApiEvent } from '../api/contract'
import { PICK_PATH_CHANNEL, type DesktopShell, type PickPathRequest } from '../api/desktop-shell'

const shell: DesktopShell = {
  pickPath: (req: PickPathRequest) => ipcRenderer.invoke(PICK_PATH_CHANNEL, req) as Promise<string | null>,
  // Electron 32+ no longer puts `path` on File; this is the supported way (empty when not from disk).
  pathForFile: (file: File) => (file instanceof File ? webUtils.getPathForFile(file) : ''),
}

/**
 * The renderer sees exactly two API functions and the desktop shell's two. Channel and event names are checked against the
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
  shell,
})
