/**
 * What only the desktop app can do for the renderer: native open dialogs and the disk path of a
 * file dropped on the window. Browser mode has neither (a page cannot learn where a file lives),
 * so these are not API channels of the core: the Electron preload exposes them beside the API
 * bridge, and the renderer offers Browse… and drag-and-drop only when they are there.
 */
export interface PickPathRequest {
  kind: 'folder' | 'file'
  /** The dialog's title, e.g. "Add videos". */
  title: string
  /** File dialogs only: extensions without dots, e.g. ['jsonl']. */
  extensions?: string[]
}

export interface DesktopShell {
  /** A native open dialog; null when the curator cancels. */
  pickPath(req: PickPathRequest): Promise<string | null>
  /** Where a dropped file or folder lives on disk; '' for one that is not from disk. */
  pathForFile(file: File): string
}

export const PICK_PATH_CHANNEL = 'shell:pickPath'

/** Checks a request that crossed the IPC boundary (the page is not trusted with more). */
export function checkPickPath(raw: unknown): PickPathRequest {
  const r = raw as Partial<PickPathRequest> | null
  if (!r || typeof r !== 'object') throw new Error('pickPath: expected an object')
  if (r.kind !== 'folder' && r.kind !== 'file') throw new Error('pickPath: kind must be "folder" or "file"')
  if (typeof r.title !== 'string' || r.title.length === 0 || r.title.length > 200) throw new Error('pickPath: title must be 1–200 characters')
  const extensions = r.extensions ?? []
  if (!Array.isArray(extensions) || extensions.length > 20 || !extensions.every((e) => typeof e === 'string' && /^[A-Za-z0-9]{1,10}$/.test(e))) {
    throw new Error('pickPath: extensions must be up to 20 short alphanumeric names without dots')
  }
  return { kind: r.kind, title: r.title, extensions }
}

/** Electron's showOpenDialog options for a checked request (kept here so plain Node can test it). */
export function openDialogOptions(req: PickPathRequest): { title: string; properties: ('openDirectory' | 'openFile')[]; filters?: { name: string; extensions: string[] }[] } {
  if (req.kind === 'folder') return { title: req.title, properties: ['openDirectory'] }
  const filters = req.extensions?.length ? [{ name: req.extensions.join(', ').toUpperCase(), extensions: req.extensions }] : undefined
  return { title: req.title, properties: ['openFile'], ...(filters ? { filters } : {}) }
}
