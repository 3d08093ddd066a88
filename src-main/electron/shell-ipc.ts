import { dialog, ipcMain, type BrowserWindow } from 'electron'
import { checkPickPath, openDialogOptions, PICK_PATH_CHANNEL } from '../api/desktop-shell'

/** The native open dialog behind the preload's `shell.pickPath`, for our window's main frame only. */
export function registerShellIpc(window: BrowserWindow): () => void {
  ipcMain.handle(PICK_PATH_CHANNEL, async (e, raw: unknown) => {
    if (e.sender.id !== window.webContents.id || e.senderFrame !== window.webContents.mainFrame) throw new Error('request from an unknown frame')
    const result = await dialog.showOpenDialog(window, openDialogOptions(checkPickPath(raw)))
    return result.canceled ? null : (result.filePaths[0] ?? null)
  })
  return () => ipcMain.removeHandler(PICK_PATH_CHANNEL)
}
