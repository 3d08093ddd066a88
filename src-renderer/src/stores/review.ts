import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ClipSummary, DecisionAction } from '../../../src-main/api/contract'
import { useApi } from '../api/use-api'
import { useUndoStack, type BatchRequest, type UndoableChange } from '../composables/use-undo-stack'
import { describeError } from '../api/api-error'
import { useClipsStore } from './clips'
import { useFiltersStore } from './filters'
import { useSettingsStore } from './settings'

/**
 * The curator's writes in this session — decisions (with reasons), caption edits, undo/redo —
 * and the triage flow around them (reason chooser, auto-advance). Every write shows only what
 * the core saved: the clips store takes the returned summary.
 */
export const useReviewStore = defineStore('review', () => {
  const api = useApi()
  const clips = useClipsStore()
  const settings = useSettingsStore()

  /** The R-then-digit chooser is open. */
  const choosingReason = ref(false)
  /** Bumped by E: the caption editor opens and takes focus. */
  const editRequests = ref(0)
  /** Bumped when auto-advance moved on after a decision: the player starts the next clip. */
  const advances = ref(0)
  /** Bumped after every saved write of this store: the detail panel re-reads its history. */
  const writes = ref(0)

  async function writeCaption(clipId: number, caption: string): Promise<ClipSummary> {
    const saved = await api.invoke('clips:updateCaption', { clipId, caption })
    clips.applySummary(saved)
    writes.value++
    return saved
  }

  async function writeDecision(clipId: number, action: DecisionAction, reason: string | null): Promise<ClipSummary | null> {
    const saved = await clips.decide(action, { clipId, reason })
    if (saved) writes.value++
    return saved
  }

  /** What the last batch undo/redo did, for the batch bar (counts the core reported). */
  const batchMessage = ref<string | null>(null)

  // A batch changes clips anywhere in the list: reload the page and the filter statistics.
  async function afterBatch(): Promise<void> {
    writes.value++
    await Promise.all([clips.loadFirst(), useFiltersStore().refreshStats()])
  }

  const undoStack = useUndoStack({
    async updateCaption(clipId, caption) {
      try {
        await writeCaption(clipId, caption)
        return true
      } catch {
        return false
      }
    },
    async decide(clipId, action, reason) {
      return (await writeDecision(clipId, action, reason)) !== null
    },
    async undoBatch(batchId) {
      try {
        const r = await api.invoke('clips:undoBatch', { batchId })
        batchMessage.value = `Undone: ${r.restored.toLocaleString('en-US')} clips restored${r.skipped ? `, ${r.skipped} kept (decided since)` : ''}.`
        await afterBatch()
        return true
      } catch (err) {
        batchMessage.value = describeError(err)
        return false
      }
    },
    async redoBatch(request) {
      try {
        const r = await api.invoke('clips:decideBatch', request)
        batchMessage.value = `Redone: ${r.changed.toLocaleString('en-US')} clips ${request.action === 'accept' ? 'accepted' : request.action === 'reject' ? 'rejected' : 'reset'}.`
        await afterBatch()
        return r.batchId
      } catch (err) {
        // The core checks the count: a set that changed since is refused, with its reason.
        batchMessage.value = describeError(err)
        return null
      }
    },
  })

  /** A batch decision the batch bar made: Ctrl+Z / Ctrl+Shift+Z undo and redo it like any edit. */
  function recordBatch(batchId: string, changed: number, request: BatchRequest): void {
    undoStack.record({ kind: 'batch', batchId, changed, request })
  }

  /** The batch the last undoable change was, if it was one (the batch bar's Undo undoes only that). */
  const lastBatchId = (): string | null => {
    const top = undoStack.done.value.at(-1)
    return top?.kind === 'batch' ? top.batchId : null
  }

  /** Decides the selected clip, remembers it for undo and, when enabled, moves to the next clip. */
  async function decide(action: DecisionAction, reason: string | null = null): Promise<ClipSummary | null> {
    choosingReason.value = false
    const clip = clips.selected
    if (!clip) return null
    const saved = await writeDecision(clip.id, action, reason)
    if (!saved) return null
    undoStack.record({ kind: 'decision', clipId: clip.id, before: clip.status, after: saved.status, reason })
    // Only if the curator has not moved on by hand while the answer was on its way.
    if (settings.autoAdvance && action !== 'reset' && clips.selectedId === clip.id) {
      const before = clips.selectedId
      await clips.selectNext()
      if (clips.selectedId !== before) advances.value++
    }
    return saved
  }

  /** Saves a caption; rejects with the core's error so the editor can keep the draft open. */
  async function saveCaption(clipId: number, caption: string, previous: string | null): Promise<ClipSummary> {
    const saved = await writeCaption(clipId, caption)
    if (saved.caption !== null) undoStack.record({ kind: 'caption', clipId, before: previous, after: saved.caption })
    return saved
  }

  async function step(direction: 'undo' | 'redo'): Promise<UndoableChange | null> {
    const change = await (direction === 'undo' ? undoStack.undo() : undoStack.redo())
    // Undo after auto-advance should show the clip it changed, like any editor's undo.
    if (change && change.kind !== 'batch' && clips.items.some((c) => c.id === change.clipId)) clips.select(change.clipId)
    return change
  }

  function openReasons(): void {
    if (clips.selected) choosingReason.value = true
  }

  function closeReasons(): void {
    choosingReason.value = false
  }

  function requestEdit(): void {
    if (clips.selected) editRequests.value++
  }

  return {
    choosingReason,
    editRequests,
    advances,
    writes,
    canUndo: undoStack.canUndo,
    canRedo: undoStack.canRedo,
    undoBusy: undoStack.busy,
    undoError: undoStack.error,
    decide,
    saveCaption,
    undo: () => step('undo'),
    redo: () => step('redo'),
    batchMessage,
    recordBatch,
    lastBatchId,
    openReasons,
    closeReasons,
    requestEdit,
  }
})
