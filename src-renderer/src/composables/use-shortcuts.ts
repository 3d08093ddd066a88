import { onMounted, onUnmounted } from 'vue'
import { REJECTION_REASONS } from '../components/review/rejection-reasons'

export interface ShortcutActions {
  accept(): void
  openReasons(): void
  rejectWithReason(reasonNumber: number): void
  rejectWithoutReason(): void
  cancelReasons(): void
  reset(): void
  editCaption(): void
  undo(): void
  redo(): void
  next(): void
  previous(): void
  togglePlay(): void
  toggleHelp(): void
}

/**
 * Which keys are live: `review` normally, `reason` while the R chooser waits for a digit,
 * `help` while the shortcut list is open (modal), `modal` while another dialog (export) is open:
 * no row lists it, so no key decides a clip behind the dialog.
 */
export type ShortcutScope = 'review' | 'reason' | 'help' | 'modal'

export interface Shortcut {
  /** `KeyboardEvent.key`, lower-cased for letters. */
  key: string
  /** Ctrl (Cmd on macOS) must be held; without it the shortcut ignores modified keys. */
  mod?: boolean
  shift?: boolean
  /** What the help overlay prints. */
  label: string
  description: string
  action: keyof ShortcutActions
  /** Passed to the action (the rejection reason number). */
  arg?: number
  scopes: readonly ShortcutScope[]
  /** Decisions must not fire again while a key is held down; navigation may. */
  repeat: boolean
}

const REASON_KEYS: readonly Shortcut[] = REJECTION_REASONS.map((reason, i) => ({
  key: String(i + 1),
  label: `R ${i + 1}`,
  description: `Reject: ${reason}`,
  action: 'rejectWithReason',
  arg: i + 1,
  scopes: ['reason'],
  repeat: false,
}))

/** The one list of shortcuts: the handler and the help overlay both read it. */
export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'a', label: 'A', description: 'Accept the selected clip', action: 'accept', scopes: ['review'], repeat: false },
  { key: 'r', label: 'R', description: 'Reject: choose a reason (1–9)', action: 'openReasons', scopes: ['review'], repeat: false },
  ...REASON_KEYS,
  { key: 'r', label: 'R R', description: 'Reject without a reason', action: 'rejectWithoutReason', scopes: ['reason'], repeat: false },
  { key: 'Escape', label: 'R Esc', description: 'Close the reason chooser without rejecting', action: 'cancelReasons', scopes: ['reason'], repeat: false },
  { key: 'u', label: 'U', description: 'Reset the selected clip to pending', action: 'reset', scopes: ['review'], repeat: false },
  { key: 'e', label: 'E', description: 'Edit the caption (Ctrl+Enter saves, Esc cancels)', action: 'editCaption', scopes: ['review'], repeat: false },
  { key: 'z', mod: true, label: 'Ctrl+Z', description: 'Undo the last caption edit, decision or batch action', action: 'undo', scopes: ['review'], repeat: false },
  { key: 'z', mod: true, shift: true, label: 'Ctrl+Shift+Z', description: 'Redo', action: 'redo', scopes: ['review'], repeat: false },
  { key: 'j', label: 'J', description: 'Next clip', action: 'next', scopes: ['review'], repeat: true },
  { key: 'k', label: 'K', description: 'Previous clip', action: 'previous', scopes: ['review'], repeat: true },
  { key: ' ', label: 'Space', description: 'Play or pause the clip', action: 'togglePlay', scopes: ['review'], repeat: false },
  { key: '?', label: '?', description: 'Show or hide this list', action: 'toggleHelp', scopes: ['review', 'help'], repeat: false },
]

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'time'])

/** Typing a caption or a search must never accept a clip (and Ctrl+Z there is the field's own). */
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

export function matchShortcut(event: KeyboardEvent, scope: ShortcutScope = 'review'): Shortcut | null {
  if (event.defaultPrevented || event.altKey) return null
  const target = event.target instanceof Element ? event.target : null
  if (isTextEntry(target)) return null
  const mod = event.ctrlKey || event.metaKey
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key
  const shortcut = SHORTCUTS.find(
    (s) => s.key === key && s.scopes.includes(scope) && !!s.mod === mod && (!s.mod || !!s.shift === event.shiftKey),
  )
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
export function useShortcuts(
  actions: ShortcutActions,
  scope: () => ShortcutScope = () => 'review',
  target: Window | HTMLElement = window,
): void {
  function onKeydown(event: Event): void {
    if (!(event instanceof KeyboardEvent)) return
    const shortcut = matchShortcut(event, scope())
    if (!shortcut) return
    event.preventDefault()
    if (shortcut.action === 'rejectWithReason') actions.rejectWithReason(shortcut.arg ?? 0)
    else actions[shortcut.action]()
  }
  onMounted(() => target.addEventListener('keydown', onKeydown))
  onUnmounted(() => target.removeEventListener('keydown', onKeydown))
}
