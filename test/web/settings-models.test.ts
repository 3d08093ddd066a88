import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { ModelsInfo, PipelineSettingsDto } from '../../src-main/api/contract'
import ModelsPanel from '../../src-renderer/src/components/settings/ModelsPanel.vue'
import SettingsPanel from '../../src-renderer/src/components/settings/SettingsPanel.vue'
import { FakeTransport, ok } from './fake-transport'
import { mountGlobals, setupStores } from './setup-app'

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const SETTINGS: PipelineSettingsDto = { provider: 'auto', threads: null, batchSize: 4, aggregation: 'max', clipRules: { minS: 1, short: 'merge', maxS: 120, long: 'split' } }

function mountWith(component: unknown, transport: FakeTransport): VueWrapper {
  const { client, pinia } = setupStores(transport)
  mounted = mount(component as never, { global: mountGlobals(client, pinia), attachTo: document.body }) as VueWrapper
  return mounted
}

/** The form control inside the <label> whose text starts with `text`. */
function field(w: VueWrapper, text: string) {
  const label = w.findAll('label').find((l) => l.text().startsWith(text))
  if (!label) throw new Error(`no field labelled ${text}`)
  return label.find('input').exists() ? label.get('input') : label.get('select')
}

describe('Settings panel', () => {
  function settingsTransport() {
    let stored = SETTINGS
    let reviewer = 'ada'
    return new FakeTransport()
      .respond('settings:get', () => ok({ reviewer }))
      .respond('settings:update', (raw) => ok({ reviewer: (reviewer = (raw as { reviewer: string }).reviewer) }))
      .respond('settings:pipeline', () => ok(stored))
      .respond('settings:updatePipeline', (raw) => {
        const patch = raw as PipelineSettingsDto
        if (patch.clipRules.maxS < 2 * patch.clipRules.minS) return { ok: false, error: { code: 'bad_request', message: 'clip maximum (3 s) must be at least twice the minimum (2 s) when long clips are split' } }
        return ok((stored = { ...stored, ...patch }))
      })
  }

  it('loads the stored settings into labelled fields and saves the edited ones', async () => {
    const transport = settingsTransport()
    const w = mountWith(SettingsPanel, transport)
    await flushPromises()
    expect((field(w, 'Reviewer name').element as HTMLInputElement).value).toBe('ada')
    expect((field(w, 'Batch size').element as HTMLInputElement).value).toBe('4')
    await field(w, 'Reviewer name').setValue('ben')
    await field(w, 'Execution provider').setValue('cpu')
    await field(w, 'Threads').setValue('2')
    await field(w, 'Batch size').setValue('16')
    await field(w, 'Aesthetic score aggregation').setValue('mean')
    await field(w, 'Longest clip').setValue('60')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(transport.calls('settings:update')).toEqual([{ reviewer: 'ben' }])
    expect(transport.calls('settings:updatePipeline')).toEqual([
      { provider: 'cpu', threads: 2, batchSize: 16, aggregation: 'mean', clipRules: { minS: 1, short: 'merge', maxS: 60, long: 'split' } },
    ])
    expect(w.get('output[aria-label="Settings saved"]').text()).toBe('Saved')
  })

  it("shows the core's refusal and keeps the draft; an empty Threads means every core", async () => {
    const transport = settingsTransport()
    const w = mountWith(SettingsPanel, transport)
    await flushPromises()
    await field(w, 'Shortest clip').setValue('2')
    await field(w, 'Longest clip').setValue('3')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toContain('at least twice the minimum')
    expect((field(w, 'Longest clip').element as HTMLInputElement).value).toBe('3')
    expect(w.find('output[aria-label="Settings saved"]').exists()).toBe(false)
    expect(transport.calls('settings:update')).toEqual([]) // the name did not change
    expect((transport.calls('settings:updatePipeline')[0] as PipelineSettingsDto).threads).toBeNull()
  })
})

describe('Models panel', () => {
  const info = (provider: ModelsInfo['provider']): ModelsInfo => ({
    root: '/home/ada/.local/share/vicurate/models',
    provider,
    models: [
      { id: 'viclip-l14-hf', task: 'video-text-similarity', title: 'ViCLIP-L/14', licence: 'MIT', download: '1.6 GB', installed: [], usedFor: ['similarity'], installCommand: 'vicurate models install viclip-l14-hf' },
      { id: 'laion-aesthetic-v2', task: 'aesthetic-head', title: 'LAION head', licence: 'MIT', download: '3.7 MB', installed: [{ revision: 'a1b2', installedAt: null }], usedFor: ['aestheticHead'], installCommand: 'vicurate models install laion-aesthetic-v2' },
    ],
  })

  it('lists models with what is installed, the install command, the stage using each, and the provider with its fallback reason', async () => {
    const transport = new FakeTransport().respond('models:list', () => ok(info({ setting: 'auto', active: 'cpu', fallbackReason: 'libonnxruntime_providers_cuda.so is not installed' })))
    const w = mountWith(ModelsPanel, transport)
    await flushPromises()
    expect(w.get('output[aria-label="Execution provider"]').text()).toBe('cpu — CUDA unavailable: libonnxruntime_providers_cuda.so is not installed')
    const viclip = w.get('tr[aria-label="viclip-l14-hf"]')
    expect(viclip.text()).toContain('not installed')
    expect(viclip.get('code').text()).toBe('vicurate models install viclip-l14-hf')
    expect(viclip.text()).toContain('similarity')
    const head = w.get('tr[aria-label="laion-aesthetic-v2"]')
    expect(head.text()).toContain('a1b2')
    expect(head.text()).toContain('aesthetic (head)')
    expect(head.find('code').exists()).toBe(false)
  })

  it('says when the CUDA setting has nothing to run on', async () => {
    const transport = new FakeTransport().respond('models:list', () => ok(info({ setting: 'cuda', active: null, fallbackReason: 'no NVIDIA driver' })))
    const w = mountWith(ModelsPanel, transport)
    await flushPromises()
    expect(w.get('output[aria-label="Execution provider"]').text()).toBe('none — the setting asks for CUDA, which does not load here: no NVIDIA driver')
  })
})
