import { describe, expect, it } from 'vitest'
import { diffWords } from '../../src-renderer/src/components/caption-editor/word-diff'
import { contextCaptions, diffBase } from '../../src-renderer/src/components/caption-editor/model-captions'

describe('word diff', () => {
  it('marks replaced, inserted and removed words and merges runs', () => {
    expect(diffWords('a red flower sways in the wind', 'a yellow flower sways gently in wind')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'removed', text: 'red' },
      { op: 'added', text: 'yellow' },
      { op: 'same', text: 'flower sways' },
      { op: 'added', text: 'gently' },
      { op: 'same', text: 'in' },
      { op: 'removed', text: 'the' },
      { op: 'same', text: 'wind' },
    ])
  })

  it('ignores whitespace differences and reports identical text as one unchanged run', () => {
    expect(diffWords('a  dog\nruns', ' a dog runs ')).toEqual([{ op: 'same', text: 'a dog runs' }])
  })

  it('handles empty sides', () => {
    expect(diffWords('', 'new text')).toEqual([{ op: 'added', text: 'new text' }])
    expect(diffWords('old text', '')).toEqual([{ op: 'removed', text: 'old text' }])
  })
})

describe('model captions', () => {
  const cap = (scale: string, text = scale, frameIndex: number | null = null) => ({ scale, text, modelId: null, frameIndex, frameTimeS: null, promptVersion: null })

  it('compares against fine, else coarse, else the imported caption', () => {
    expect(diffBase([cap('imported'), cap('coarse'), cap('fine')])?.scale).toBe('fine')
    expect(diffBase([cap('imported'), cap('frame', 'f', 0), cap('coarse')])?.scale).toBe('coarse')
    expect(diffBase([cap('frame', 'f', 0), cap('imported')])?.scale).toBe('imported')
    expect(diffBase([cap('frame', 'f', 0)])).toBeNull()
  })

  it('lists the other captions as context, per-frame ones last in frame order', () => {
    const all = [cap('frame', 'f2', 2), cap('fine'), cap('frame', 'f0', 0), cap('coarse')]
    expect(contextCaptions(all, diffBase(all)).map((c) => c.text)).toEqual(['coarse', 'f0', 'f2'])
  })
})
