/**
 * Security settings of every vicurate window, kept free of electron imports so a plain-Node
 * test can check them. main.ts applies them; change them here only with a reason.
 */
export const MEDIA_SCHEME = 'vicurate-media'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${MEDIA_SCHEME}:`,
  `media-src 'self' blob: ${MEDIA_SCHEME}:`,
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const
}

/**
 * Only the app's own pages may load in a window: the dev server's origin, or the bundled
 * renderer file itself (`appFile`, a file: URL) — not any other local file a link or a dropped
 * file would open.
 */
export function isAppUrl(url: string, devServerUrl: string | undefined, appFile?: string): boolean {
  try {
    const u = new URL(url)
    if (devServerUrl) return u.origin === new URL(devServerUrl).origin
    return u.protocol === 'file:' && appFile !== undefined && u.pathname === new URL(appFile).pathname
  } catch {
    return false
  }
}
