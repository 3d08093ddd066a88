import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY, isAppUrl, secureWebPreferences } from '../../../src-main/electron/window-policy'

// The Electron binary cannot run on the build machine; these are the settings main.ts applies.
describe('Electron window policy', () => {
  it('isolates the renderer: context isolation, sandbox, no Node integration, no webview', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.js')
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false })
  })

  it('has a CSP that allows only our own scripts and the media scheme', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toMatch(/media-src 'self' blob: vicurate-media:/)
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/)
  })

  it('lets windows navigate only to the app itself', () => {
    expect(isAppUrl('file:///app/out/renderer/index.html', undefined, 'file:///app/out/renderer/index.html')).toBe(true)
    expect(isAppUrl('file:///app/out/renderer/index.html#/clips', undefined, 'file:///app/out/renderer/index.html')).toBe(true)
    // Any other local file (a dropped file, a file: link) is not the app.
    expect(isAppUrl('file:///etc/passwd', undefined, 'file:///app/out/renderer/index.html')).toBe(false)
    expect(isAppUrl('file:///app/out/renderer/index.html', undefined)).toBe(false)
    expect(isAppUrl('https://example.com/', undefined)).toBe(false)
    expect(isAppUrl('http://localhost:5173/#/x', 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
  })
})
