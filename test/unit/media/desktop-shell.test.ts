import { describe, expect, it } from 'vitest'
import { checkPickPath, openDialogOptions } from '../../../src-main/api/desktop-shell'

// The Electron dialog cannot open here; these are the checks and options shell-ipc.ts applies.
describe('desktop shell: native open dialog requests', () => {
  it('maps a folder request and a JSONL file request to the dialog options', () => {
    expect(openDialogOptions(checkPickPath({ kind: 'folder', title: 'Add videos' }))).toEqual({ title: 'Add videos', properties: ['openDirectory'] })
    expect(openDialogOptions(checkPickPath({ kind: 'file', title: 'Import JSONL', extensions: ['jsonl', 'json'] }))).toEqual({
      title: 'Import JSONL',
      properties: ['openFile'],
      filters: [{ name: 'JSONL, JSON', extensions: ['jsonl', 'json'] }],
    })
  })

  it('refuses what a page should not ask for, naming the field', () => {
    expect(() => checkPickPath(null)).toThrow(/expected an object/)
    expect(() => checkPickPath({ kind: 'save', title: 'x' })).toThrow(/kind must be/)
    expect(() => checkPickPath({ kind: 'file', title: '' })).toThrow(/title/)
    expect(() => checkPickPath({ kind: 'file', title: 'x', extensions: ['../etc'] })).toThrow(/extensions/)
    expect(() => checkPickPath({ kind: 'file', title: 'x', extensions: 'jsonl' })).toThrow(/extensions/)
  })
})
