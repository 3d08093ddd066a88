import { computed, ref, shallowRef } from 'vue'
import type { ClipFilters, ClipStatus, DecisionAction } from '../../../src-main/api/contract'

/** A batch decision as it was asked for: redo asks again, with the count the core must find. */
export interface BatchRequest {
  status: ClipStatus | 'all'
  filters?: ClipFilters
  action: DecisionAction
  expectedCount: number
}

/** One change made in this session, described by data so undo and redo are both derived from it. */
export type UndoableChange =
  | { kind: 'caption'; clipId: number; before: string | null; after: string }
  | { kind: 'decision'; clipId: number; before: ClipStatus; after: ClipStatus; reason: string | null }
  | { kind: 'batch'; batchId: string; changed: number; request: BatchRequest }

/** What undo/redo write through; each answers true once the core has saved the change. */
export interface UndoTarget {
  updateCaption(clipId: number, caption: string): Promise<boolean>
  decide(clipId: number, action: DecisionAction, reason: string | null): Promise<boolean>
  /** Restores each clip of the batch unless decided since; true once saved. */
  undoBatch(batchId: string): Promise<boolean>
  /** Applies the batch again; the new batch's id, or null when the core refused (the set changed). */
  redoBatch(request: BatchRequest): Promise<string | null>
}

/** The decision that puts a clip back into `status`. */
export const ACTION_FOR_STATUS: Record<ClipStatus, DecisionAction> = { pending: 'reset', accepted: 'accept', rejected: 'reject' }

const DEFAULT_LIMIT = 200

export function describeChange(change: UndoableChange): string {
  if (change.kind === 'caption') return `caption edit of clip ${change.clipId}`
  if (change.kind === 'batch') return `batch ${change.request.action} of ${change.changed} clips`
  return `${change.after} of clip ${change.clipId}`
}

/**
 * Session undo/redo of caption edits and decisions. Undo is itself a write (the audit log keeps
 * both), so it goes through the core and moves the change between stacks only once saved; one
 * step runs at a time so held Ctrl+Z never interleaves writes.
 */
export function useUndoStack(target: UndoTarget, limit = DEFAULT_LIMIT) {
  const done = shallowRef<readonly UndoableChange[]>([])
  const undone = shallowRef<readonly UndoableChange[]>([])
  const busy = ref(false)
  const error = ref<string | null>(null)

  const canUndo = computed(() => done.value.length > 0)
  const canRedo = computed(() => undone.value.length > 0)

  function record(change: UndoableChange): void {
    if (change.kind === 'decision' && change.before === change.after) return
    if (change.kind === 'caption' && change.before === change.after) return
    done.value = [...done.value, change].slice(-limit)
    undone.value = []
    error.value = null
  }

  /** Writes one step; the change as it now stands (a redone batch has a new id), or null. */
  async function apply(change: UndoableChange, direction: 'undo' | 'redo'): Promise<UndoableChange | null> {
    if (change.kind === 'batch') {
      if (direction === 'undo') return (await target.undoBatch(change.batchId)) ? change : null
      const batchId = await target.redoBatch(change.request)
      return batchId === null ? null : { ...change, batchId }
    }
    const ok = await applyOne(change, direction)
    return ok ? change : null
  }

  async function applyOne(change: Exclude<UndoableChange, { kind: 'batch' }>, direction: 'undo' | 'redo'): Promise<boolean> {
    if (change.kind === 'caption') {
      const text = direction === 'undo' ? change.before : change.after
      // The core refuses an empty caption, so the first caption of a clip cannot be taken back.
      if (text === null) {
        error.value = `Cannot undo: clip ${change.clipId} had no caption before this edit`
        return false
      }
      return target.updateCaption(change.clipId, text)
    }
    if (direction === 'undo') return target.decide(change.clipId, ACTION_FOR_STATUS[change.before], null)
    return target.decide(change.clipId, ACTION_FOR_STATUS[change.after], change.reason)
  }

  async function step(direction: 'undo' | 'redo'): Promise<UndoableChange | null> {
    const from = direction === 'undo' ? done : undone
    const to = direction === 'undo' ? undone : done
    const change = from.value.at(-1)
    if (busy.value || !change) return null
    busy.value = true
    error.value = null
    try {
      const moved = await apply(change, direction)
      if (!moved) {
        error.value ??= `Could not ${direction} the ${describeChange(change)}`
        return null
      }
      from.value = from.value.slice(0, -1)
      to.value = [...to.value, moved]
      return moved
    } finally {
      busy.value = false
    }
  }

  return {
    done,
    undone,
    busy,
    error,
    canUndo,
    canRedo,
    record,
    undo: () => step('undo'),
    redo: () => step('redo'),
  }
}
