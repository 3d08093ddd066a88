import { describe, expect, it, vi } from 'vitest'
import { useUndoStack, type UndoableChange, type UndoTarget } from '../../src-renderer/src/composables/use-undo-stack'

function target(ok = true) {
  return {
    updateCaption: vi.fn<UndoTarget['updateCaption']>(async () => ok),
    decide: vi.fn<UndoTarget['decide']>(async () => ok),
    undoBatch: vi.fn<UndoTarget['undoBatch']>(async () => ok),
    redoBatch: vi.fn<UndoTarget['redoBatch']>(async () => (ok ? 'batch-2' : null)),
  }
}
const clipOf = (c: UndoableChange | null | undefined) => (c && c.kind !== 'batch' ? c.clipId : null)

describe('undo stack', () => {
  it('undoes a caption edit by writing the text from before, and redoes it with the text after', async () => {
    const t = target()
    const stack = useUndoStack(t)
    stack.record({ kind: 'caption', clipId: 4, before: 'a dog', after: 'a brown dog' })

    expect(clipOf(await stack.undo())).toBe(4)
    expect(t.updateCaption).toHaveBeenLastCalledWith(4, 'a dog')
    expect(stack.canUndo.value).toBe(false)
    expect(stack.canRedo.value).toBe(true)

    await stack.redo()
    expect(t.updateCaption).toHaveBeenLastCalledWith(4, 'a brown dog')
    expect(stack.canUndo.value).toBe(true)
  })

  it('undoes a decision by deciding back to the previous status, newest first', async () => {
    const t = target()
    const stack = useUndoStack(t)
    stack.record({ kind: 'decision', clipId: 1, before: 'pending', after: 'rejected', reason: 'NSFW' })
    stack.record({ kind: 'decision', clipId: 2, before: 'rejected', after: 'accepted', reason: null })
    stack.record({ kind: 'decision', clipId: 3, before: 'accepted', after: 'pending', reason: null })

    await stack.undo()
    await stack.undo()
    await stack.undo()
    expect(t.decide.mock.calls).toEqual([
      [3, 'accept', null],
      [2, 'reject', null],
      [1, 'reset', null],
    ])
    await stack.redo()
    expect(t.decide).toHaveBeenLastCalledWith(1, 'reject', 'NSFW')
  })

  it('keeps the change on the undo stack when the core refuses the undo', async () => {
    const stack = useUndoStack(target(false))
    stack.record({ kind: 'decision', clipId: 1, before: 'pending', after: 'accepted', reason: null })
    expect(await stack.undo()).toBeNull()
    expect(stack.canUndo.value).toBe(true)
    expect(stack.canRedo.value).toBe(false)
    expect(stack.error.value).toContain('Could not undo')
  })

  it('cannot take back the first caption of a clip (the core refuses empty captions)', async () => {
    const t = target()
    const stack = useUndoStack(t)
    stack.record({ kind: 'caption', clipId: 1, before: null, after: 'first' })
    expect(await stack.undo()).toBeNull()
    expect(t.updateCaption).not.toHaveBeenCalled()
    expect(stack.error.value).toContain('had no caption before')
  })

  it('a new change clears redo, no-ops are not recorded, and the stack is bounded', async () => {
    const stack = useUndoStack(target(), 2)
    stack.record({ kind: 'decision', clipId: 1, before: 'pending', after: 'accepted', reason: null })
    await stack.undo()
    expect(stack.canRedo.value).toBe(true)
    stack.record({ kind: 'decision', clipId: 2, before: 'pending', after: 'rejected', reason: null })
    expect(stack.canRedo.value).toBe(false)
    stack.record({ kind: 'decision', clipId: 2, before: 'rejected', after: 'rejected', reason: null })
    stack.record({ kind: 'caption', clipId: 3, before: 'x', after: 'y' })
    stack.record({ kind: 'caption', clipId: 4, before: 'x', after: 'y' })
    expect(stack.done.value.map(clipOf)).toEqual([3, 4])
  })

  it('runs one step at a time: a second Ctrl+Z while the first is on the wire is ignored', async () => {
    let release!: (v: boolean) => void
    const t = { ...target(), decide: vi.fn(() => new Promise<boolean>((r) => (release = r))) }
    const stack = useUndoStack(t)
    stack.record({ kind: 'decision', clipId: 1, before: 'pending', after: 'accepted', reason: null })
    stack.record({ kind: 'decision', clipId: 2, before: 'pending', after: 'accepted', reason: null })
    const first = stack.undo()
    expect(await stack.undo()).toBeNull()
    release(true)
    await first
    expect(t.decide).toHaveBeenCalledTimes(1)
    expect(stack.done.value.map(clipOf)).toEqual([1])
  })

  it('undoes a batch decision through the core, and redoes it by asking again with the same count; the redone batch has the new id', async () => {
    const t = target()
    const stack = useUndoStack(t)
    const request = { status: 'pending' as const, filters: { similarity: { min: 0.3 } }, action: 'accept' as const, expectedCount: 120 }
    stack.record({ kind: 'batch', batchId: 'batch-1', changed: 118, request })
    await stack.undo()
    expect(t.undoBatch).toHaveBeenCalledWith('batch-1')
    await stack.redo()
    expect(t.redoBatch).toHaveBeenCalledWith(request)
    expect(stack.done.value).toEqual([{ kind: 'batch', batchId: 'batch-2', changed: 118, request }])
    await stack.undo()
    expect(t.undoBatch).toHaveBeenLastCalledWith('batch-2')
  })

  it('a batch undo the core refuses stays on the undo stack, with the reason', async () => {
    const t = target(false)
    const stack = useUndoStack(t)
    stack.record({ kind: 'batch', batchId: 'b', changed: 3, request: { status: 'all', action: 'reject', expectedCount: 3 } })
    expect(await stack.undo()).toBeNull()
    expect(stack.error.value).toBe('Could not undo the batch reject of 3 clips')
    expect(stack.canUndo.value).toBe(true)
  })
})
