import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { API_CHANNELS } from '../api/contract'
import { toErrorDto } from '../api/errors'
import { assertHandlersComplete, createHandlers, dispatch, type Handlers } from '../api/handlers'
import type { ProjectContext } from '../core/project-context'

/**
 * Routes `api:<channel>` invocations to the same handlers the HTTP transport uses. Answers are
 * envelopes, because Electron's invoke keeps only the message of a thrown error.
 */
export function registerIpc(ctx: ProjectContext, window: BrowserWindow, handlers: Handlers = createHandlers(ctx)): () => void {
  assertHandlersComplete(handlers)
  const fromOurWindow = (e: IpcMainInvokeEvent) => e.sender.id === window.webContents.id && e.senderFrame === window.webContents.mainFrame
  for (const channel of API_CHANNELS) {
    ipcMain.handle(`api:${channel}`, async (e, args: unknown) => {
      if (!fromOurWindow(e)) return { ok: false, error: { code: 'bad_request', message: 'request from an unknown frame' } }
      try {
        return { ok: true, result: await dispatch(handlers, channel, args, { transport: 'ipc' }) }
      } catch (err) {
        return { ok: false, error: toErrorDto(err) }
      }
    })
  }
  const unsubscribe = ctx.bus.subscribe((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(`event:${event}`, payload)
  })
  return () => {
    unsubscribe()
    for (const channel of API_CHANNELS) ipcMain.removeHandler(`api:${channel}`)
  }
}
