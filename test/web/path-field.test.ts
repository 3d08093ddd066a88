import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import type { DesktopShell, PickPathRequest } from '../../src-main/api/desktop-shell'
import PathField from '../../src-renderer/src/components/jobs/PathField.vue'

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  delete window.vicurate
})

const pick: PickPathRequest = { kind: 'file', title: 'Import JSONL', extensions: ['jsonl'] }

/** PathField under a parent that owns the v-model, as the job forms use it. */
function mountField() {
  const value = ref('')
  const Parent = defineComponent(() => () => h(PathField, { label: 'Annotation file (JSONL)', pick, modelValue: value.value, 'onUpdate:modelValue': (v: string) => (value.value = v) }))
  mounted = mount(Parent, { attachTo: document.body })
  return { w: mounted, value }
}

function dropFile(w: VueWrapper, file: File): Promise<void> {
  const event = new Event('drop', { bubbles: true, cancelable: true }) as DragEvent
  Object.defineProperty(event, 'dataTransfer', { value: { files: [file] } })
  w.get('label').element.dispatchEvent(event)
  return flushPromises().then(() => undefined)
}

function desktop(shell: Partial<DesktopShell>): DesktopShell {
  const full: DesktopShell = { pickPath: vi.fn(async () => null), pathForFile: vi.fn(() => ''), ...shell }
  window.vicurate = { invoke: async () => ({}), on: () => () => {}, shell: full }
  return full
}

describe('PathField: typed, picked or dropped paths', () => {
  it('in browser mode offers no Browse button and says to type the path of a dropped file', async () => {
    const { w, value } = mountField()
    expect(w.find('button').exists()).toBe(false)
    await dropFile(w, new File(['{}'], 'annotations.jsonl'))
    expect(value.value).toBe('')
    expect(w.get('[role="status"]').text()).toMatch(/Browser mode cannot see where "annotations.jsonl" lives.*type or paste its path/)
    await w.get('input').setValue('/data/a.jsonl')
    expect(value.value).toBe('/data/a.jsonl')
  })

  it('in the desktop app fills the field from the native dialog, and leaves it when the dialog is cancelled', async () => {
    const shell = desktop({ pickPath: vi.fn(async () => '/data/InternVid-10M-FLT.jsonl') })
    const { w, value } = mountField()
    await w.get('button[aria-label="Browse for Annotation file (JSONL)"]').trigger('click')
    await flushPromises()
    expect(shell.pickPath).toHaveBeenCalledWith(pick)
    expect(value.value).toBe('/data/InternVid-10M-FLT.jsonl')
    vi.mocked(shell.pickPath).mockResolvedValueOnce(null)
    await w.get('button').trigger('click')
    await flushPromises()
    expect(value.value).toBe('/data/InternVid-10M-FLT.jsonl')
  })

  it('in the desktop app takes a dropped file by its disk path, and explains one that has none', async () => {
    const shell = desktop({ pathForFile: vi.fn((f: File) => (f.name === 'clip.mp4' ? '/home/me/videos/clip.mp4' : '')) })
    const { w, value } = mountField()
    await dropFile(w, new File(['x'], 'clip.mp4'))
    expect(shell.pathForFile).toHaveBeenCalled()
    expect(value.value).toBe('/home/me/videos/clip.mp4')
    await dropFile(w, new File(['x'], 'pasted.txt'))
    expect(value.value).toBe('/home/me/videos/clip.mp4')
    expect(w.get('[role="status"]').text()).toMatch(/"pasted.txt" is not a file on disk/)
  })
})
