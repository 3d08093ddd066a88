import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { join } from 'node:path'
import { openProject } from '../../../src-main/core/project-context'
import { CONTENT_SECURITY_POLICY, MEDIA_SCHEME } from '../../../src-main/electron/window-policy'
import { tempDir } from '../../support/temp-project'

/**
 * The Electron shell as main.ts wires it, against a recording stand-in for the `electron`
 * module (no Electron binary can run on the build machine). This checks what main.ts actually
 * applies — window preferences, session handlers, navigation and window-open guards, the media
 * protocol and the IPC frame check — not only the policy objects (window-policy.test.ts). What it
 * cannot show is that Electron itself honours them.
 */
type Listener = (...args: unknown[]) => unknown
const rec = vi.hoisted(() => ({
  windows: [] as { opts: Record<string, unknown>; webContents: { id: number; mainFrame: object; listeners: Map<string, Listener>; openHandler: Listener | null }; loaded: string[] }[],
  schemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
  protocols: new Map<string, (req: Request) => Response | Promise<Response>>(),
  ipc: new Map<string, Listener>(),
  appListeners: new Map<string, Listener>(),
  permission: null as Listener | null,
  permissionCheck: null as Listener | null,
  headers: null as Listener | null,
  external: [] as string[],
}))

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = { id: 7, mainFrame: {}, listeners: new Map<string, Listener>(), openHandler: null as Listener | null,
      on(event: string, fn: Listener) { this.listeners.set(event, fn) },
      setWindowOpenHandler(fn: Listener) { this.openHandler = fn },
      send() {},
    }
    loaded: string[] = []
    constructor(public opts: Record<string, unknown>) {
      rec.windows.push(this)
    }
    on() {}
    isDestroyed() { return false }
    async loadFile(f: string) { this.loaded.push(f) }
    async loadURL(u: string) { this.loaded.push(u) }
  }
  return {
    app: { whenReady: () => Promise.resolve(), getPath: () => '/nonexistent', on: (e: string, fn: Listener) => rec.appListeners.set(e, fn), quit: () => {} },
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (s: typeof rec.schemes) => rec.schemes.push(...s),
      handle: (scheme: string, fn: (req: Request) => Response) => rec.protocols.set(scheme, fn),
    },
    session: { defaultSession: {
      setPermissionRequestHandler: (fn: Listener) => (rec.permission = fn),
      setPermissionCheckHandler: (fn: Listener) => (rec.permissionCheck = fn),
      webRequest: { onHeadersReceived: (fn: Listener) => (rec.headers = fn) },
    } },
    shell: { openExternal: async (url: string) => void rec.external.push(url) },
    ipcMain: { handle: (ch: string, fn: Listener) => rec.ipc.set(ch, fn), removeHandler: (ch: string) => rec.ipc.delete(ch) },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
  }
})

describe('Electron main process wiring (stand-in electron module)', () => {
  const t = tempDir()
  beforeAll(async () => {
    const path = join(t.dir, 'shell.vicurate')
    openProject(path, { create: true }).close()
    vi.stubEnv('VICURATE_PROJECT', path)
    vi.stubEnv('ELECTRON_RENDERER_URL', '')
    await import('../../../src-main/electron/main')
    await vi.waitFor(() => expect(rec.windows[0]?.loaded.length).toBe(1))
  })
  afterAll(() => {
    rec.appListeners.get('window-all-closed')?.()
    vi.unstubAllEnvs()
    t.cleanup()
  })

  const win = () => rec.windows[0]!
  const event = () => ({ prevented: false, preventDefault() { this.prevented = true } })

  it('opens the window isolated and sandboxed, with the preload and no Node in the page', () => {
    expect(rec.windows).toHaveLength(1)
    expect(win().opts.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webviewTag: false })
    expect(String((win().opts.webPreferences as { preload: string }).preload)).toMatch(/preload[/\\]index\.js$/)
    expect(win().loaded[0]).toMatch(/renderer[/\\]index\.html$/)
  })

  it('denies every permission request and check, and puts the CSP on every response', () => {
    const answers: boolean[] = []
    rec.permission!({}, 'media', (ok: boolean) => answers.push(ok))
    rec.permission!({}, 'geolocation', (ok: boolean) => answers.push(ok))
    expect(answers).toEqual([false, false])
    expect(rec.permissionCheck!({}, 'notifications')).toBe(false)
    let headers: Record<string, string[]> = {}
    rec.headers!({ responseHeaders: { 'x-other': ['1'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders))
    expect(headers).toEqual({ 'x-other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] })
  })

  it('blocks navigation away from the app, new windows and webviews; https links go to the browser', () => {
    const nav = win().webContents.listeners.get('will-navigate')!
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'http://127.0.0.1:1234/']) {
      const e = event()
      nav(e, url)
      expect({ url, prevented: e.prevented }).toEqual({ url, prevented: true })
    }
    const own = event()
    nav(own, `file://${win().loaded[0]}#/clips`)
    expect(own.prevented).toBe(false)
    expect(win().webContents.openHandler!({ url: 'https://internvid.example/paper' })).toEqual({ action: 'deny' })
    expect(win().webContents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(rec.external).toEqual(['https://internvid.example/paper'])
    const webview = event()
    win().webContents.listeners.get('will-attach-webview')!(webview)
    expect(webview.prevented).toBe(true)
  })

  it('registers the media scheme as streaming and serves only registered media through it', async () => {
    expect(rec.schemes).toEqual([{ scheme: MEDIA_SCHEME, privileges: expect.objectContaining({ standard: true, secure: true, stream: true }) }])
    const media = rec.protocols.get(MEDIA_SCHEME)!
    expect((await media(new Request(`${MEDIA_SCHEME}://app/video/999`))).status).toBe(404)
    for (const path of ['/../../etc/passwd', '/video/..%2F..%2Fetc%2Fpasswd', '/thumb/../../../etc/passwd']) {
      const res = await media(new Request(`${MEDIA_SCHEME}://app${path}`))
      expect({ path, status: res.status }).toEqual({ path, status: expect.any(Number) })
      expect(res.status).toBeGreaterThanOrEqual(400)
    }
  })

  it('answers API calls from its own window only, and checks native-dialog requests', async () => {
    const list = rec.ipc.get('api:clips:list')!
    const ours = { sender: win().webContents, senderFrame: win().webContents.mainFrame }
    expect(await list(ours, {})).toMatchObject({ ok: true, result: { items: [] } })
    expect(await list({ sender: { id: 99 }, senderFrame: {} }, {})).toEqual({ ok: false, error: { code: 'bad_request', message: 'request from an unknown frame' } })
    expect(await list({ sender: win().webContents, senderFrame: { child: true } }, {})).toMatchObject({ ok: false })
    const pick = rec.ipc.get('shell:pickPath')!
    await expect(pick({ sender: { id: 99 }, senderFrame: {} }, { kind: 'folder', title: 'x' })).rejects.toThrow(/unknown frame/)
    await expect(pick(ours, { kind: 'save', title: 'x' })).rejects.toThrow(/kind must be/)
    expect(await pick(ours, { kind: 'folder', title: 'Add videos' })).toBeNull()
  })
})
