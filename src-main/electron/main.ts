import { app, BrowserWindow, protocol, session, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { openProject, type ProjectContext } from '../core/project-context'
import { mediaResponse } from '../media/media-response'
import { createDemoProject } from '../services/demo.service'
import { registerIpc } from './ipc-adapter'
import { registerShellIpc } from './shell-ipc'
import { CONTENT_SECURITY_POLICY, isAppUrl, MEDIA_SCHEME, secureWebPreferences } from './window-policy'

// Must run before `ready`: a standard, secure, streaming scheme lets <video> seek with ranges.
protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
])

const devServerUrl = process.env.ELECTRON_RENDERER_URL
const rendererFile = join(__dirname, '../renderer/index.html')

function projectFromArgs(): string | null {
  const i = process.argv.indexOf('--project')
  return i >= 0 ? (process.argv[i + 1] ?? null) : (process.env.VICURATE_PROJECT ?? null)
}

async function openStartupProject(): Promise<ProjectContext> {
  const path = projectFromArgs()
  if (path) return openProject(path)
  // First run with no project: the demo project in the user's data folder.
  return (await createDemoProject(join(app.getPath('userData'), 'demo.vicurate'), { online: true })).ctx
}

function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
}

async function createWindow(ctx: ProjectContext): Promise<void> {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: `vicurate — ${ctx.name}`,
    backgroundColor: '#14161a',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/index.js')),
  })
  const dispose = registerIpc(ctx, win)
  const disposeShell = registerShellIpc(win)
  win.on('closed', () => {
    dispose()
    disposeShell()
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, devServerUrl, pathToFileURL(rendererFile).href)) e.preventDefault()
  })
  win.webContents.on('will-attach-webview', (e) => e.preventDefault())
  if (devServerUrl) await win.loadURL(devServerUrl)
  else await win.loadFile(rendererFile)
}

void app.whenReady().then(async () => {
  hardenSession()
  const ctx = await openStartupProject()
  protocol.handle(MEDIA_SCHEME, (request) => {
    const url = new URL(request.url)
    return mediaResponse(ctx, url.pathname, request.headers.get('range'))
  })
  await createWindow(ctx)
  app.on('window-all-closed', () => {
    ctx.close()
    app.quit()
  })
})
