import { onMounted, onUnmounted } from 'vue'

export interface ShortcutActions {
  accept(): void
  reject(): void
  reset(): void
  next(): void
  previous(): void
  togglePlay(): void
  toggleHelp(): void
}

export interface Shortcut {
  /** `KeyboardEvent.key`, lower-cased for letters. */
  key: string
  /** What the help overlay prints. */
  label: string
  description: string
  action: keyof ShortcutActions
  /** Decisions must not fire again while a key is held down; navigation may. */
  repeat: boolean
}

/** The one list of shortcuts: the handler and the help overlay both read it. */
export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'a', label: 'A', description: 'Accept the selected clip', action: 'accept', repeat: false },
  { key: 'r', label: 'R', description: 'Reject the selected clip', action: 'reject', repeat: false },
  { key: 'u', label: 'U', description: 'Reset the selected clip to pending', action: 'reset', repeat: false },
  { key: 'j', label: 'J', description: 'Next clip', action: 'next', repeat: true },
  { key: 'k', label: 'K', description: 'Previous clip', action: 'previous', repeat: true },
  { key: ' ', label: 'Space', description: 'Play or pause the clip', action: 'togglePlay', repeat: false },
  { key: '?', label: '?', description: 'Show or hide this list', action: 'toggleHelp', repeat: false },
]

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'time'])

/** Typing a caption or a search must never accept a clip. */
function isTextEntry(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false
  if (el.isContentEditable || el.closest('[contenteditable="true"]')) return true
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true
  return el instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(el.type)
}

/** Where Space already means "toggle this control", keep the native meaning. */
function spaceIsNative(el: Element | null): boolean {
  return el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')
}

export function matchShortcut(event: KeyboardEvent): Shortcut | null {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null
  const target = event.target instanceof Element ? event.target : null
  if (isTextEntry(target)) return null
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key
  const shortcut = SHORTCUTS.find((s) => s.key === key)
  if (!shortcut) return null
  if (event.repeat && !shortcut.repeat) return null
  if (shortcut.action === 'togglePlay' && spaceIsNative(target)) return null
  return shortcut
}

/**
 * Installs the review shortcuts on `target` for the lifetime of the calling component.
 * Space follows video tools: it plays/pauses even when a button has focus (Enter still
 * activates buttons), otherwise a mouse user's last-clicked "Accept" would be re-pressed.
 */
export function useShortcuts(actions: ShortcutActions, target: Window | HTMLElement = window): void {
  function onKeydown(event: Event): void {
    if (!(event instanceof KeyboardEvent)) return
    const shortcut = matchShortcut(event)
    if (!shortcut) return
    event.preventDefault()
    actions[shortcut.action]()
  }
  onMounted(() => target.addEventListener('keydown', onKeydown))
  onUnmounted(() => target.removeEventListener('keydown', onKeydown))
}
