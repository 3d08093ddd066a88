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

const SETTINGS: PipelineSettingsDto = { provider: 'auto', threads: null, batchSize: 4, aggregation: 'max', clipRules: { minS: 1, short: 'merge', maxS: 120, long: 'split' }, proxyCacheGb: 20 }

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
    await field(w, 'Playable copies kept (GB)').setValue('50')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(transport.calls('settings:update')).toEqual([{ reviewer: 'ben' }])
    expect(transport.calls('settings:updatePipeline')).toEqual([
      { provider: 'cpu', threads: 2, batchSize: 16, aggregation: 'mean', clipRules: { minS: 1, short: 'merge', maxS: 60, long: 'split' }, proxyCacheGb: 50 },
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
      { id: 'viclip-l14-hf', task: 'video-text-similarity', title: 'ViCLIP-L/14', licence: 'MIT', download: '1.6 GB', installed: [], usedFor: ['similarity'], needsTrust: false, installCommand: 'vicurate models install viclip-l14-hf' },
      { id: 'laion-aesthetic-v2', task: 'aesthetic-head', title: 'LAION head', licence: 'MIT', download: '3.7 MB', installed: [{ revision: 'a1b2', installedAt: null }], usedFor: ['aestheticHead'], needsTrust: false, installCommand: 'vicurate models install laion-aesthetic-v2' },
      { id: 'vit-gpt2-image-captioning', task: 'image-to-text', title: 'ViT-GPT2', licence: 'Apache-2.0', download: '1.0 GB', installed: [], usedFor: ['captioner'], needsTrust: true, installCommand: 'vicurate models install vit-gpt2-image-captioning --trust-on-first-use' },
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

  it('installs a model as a job (trust on first use only when ticked), shows its progress, and re-reads the list when it ends', async () => {
    let started = 0
    const transport = new FakeTransport()
      .respond('models:list', () => ok(info({ setting: 'cpu', active: 'cpu', fallbackReason: null })))
      .respond('jobs:start', () => ok({ jobId: 40 + ++started }))
      .respond('jobs:list', () => ok([]))
    const w = mountWith(ModelsPanel, transport)
    await flushPromises()
    await w.get('button[aria-label="Install viclip-l14-hf"]').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:start')).toEqual([{ request: { name: 'modelInstall', data: { id: 'viclip-l14-hf', trustOnFirstUse: false } } }])
    const cap = w.get('tr[aria-label="vit-gpt2-image-captioning"]')
    expect(cap.text()).toContain('captions (images)')
    expect(cap.get('button[aria-label="Install vit-gpt2-image-captioning"]').attributes('disabled')).toBeDefined()
    await cap.get('input[type="checkbox"]').setValue(true)
    await cap.get('button[aria-label="Install vit-gpt2-image-captioning"]').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:start')[1]).toEqual({ request: { name: 'modelInstall', data: { id: 'vit-gpt2-image-captioning', trustOnFirstUse: true } } })

    transport.emit('jobs:progress', { jobId: 41, name: 'modelInstall', status: 'running', done: 512.5, total: 1711, unit: 'MB', rate: 20, etaSeconds: 60, detail: 'downloading model.safetensors' })
    await flushPromises()
    expect(w.get('output[aria-label="Install progress of viclip-l14-hf"]').text()).toBe('downloading model.safetensors: 512.5 of 1711 MB')
    const listsBefore = transport.calls('models:list').length
    transport.emit('jobs:progress', { jobId: 41, name: 'modelInstall', status: 'done', done: 1711, total: 1711, unit: 'MB', rate: null, etaSeconds: null })
    await flushPromises()
    expect(w.get('output[aria-label="Install progress of viclip-l14-hf"]').text()).toBe('done')
    expect(transport.calls('models:list').length).toBeGreaterThan(listsBefore)

    await w.get('button[aria-label="Verify installed models"]').trigger('click')
    await flushPromises()
    expect(transport.calls('jobs:start')[2]).toEqual({ request: { name: 'modelVerify', data: {} } })
  })

  it('says when the CUDA setting has nothing to run on', async () => {
    const transport = new FakeTransport().respond('models:list', () => ok(info({ setting: 'cuda', active: null, fallbackReason: 'no NVIDIA driver' })))
    const w = mountWith(ModelsPanel, transport)
    await flushPromises()
    expect(w.get('output[aria-label="Execution provider"]').text()).toBe('none — the setting asks for CUDA, which does not load here: no NVIDIA driver')
  })
})
