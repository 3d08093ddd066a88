import type { DesktopShell } from '../../../src-main/api/desktop-shell'

/**
 * The desktop app's native dialogs and dropped-file paths (the Electron preload's `shell`), or
 * null in browser mode, where a page can learn neither and paths are typed.
 */
export function desktopShell(): DesktopShell | null {
  return window.vicurate?.shell ?? null
}
