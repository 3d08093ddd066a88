import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelsInfo, PipelineSettingsDto } from '../../../src-main/api/contract'
import { describeError } from '../api/api-error'
import { useApi } from '../api/use-api'

/**
 * The project's scoring and ingest settings (provider, threads, batch, aggregation, clip rules)
 * and the model inventory. Both are read when their panel opens: jobs read the settings when
 * they start, so nothing here needs to be live.
 */
export const usePipelineSettingsStore = defineStore('pipeline-settings', () => {
  const api = useApi()

  const settings = ref<PipelineSettingsDto | null>(null)
  const models = ref<ModelsInfo | null>(null)
  const saving = ref(false)
  const loadingModels = ref(false)
  const error = ref<string | null>(null)
  const modelsError = ref<string | null>(null)
  /** Shown after a save succeeded, until the next edit or save. */
  const savedAt = ref<number | null>(null)

  async function load(): Promise<void> {
    try {
      settings.value = await api.invoke('settings:pipeline', {})
      error.value = null
    } catch (err) {
      error.value = describeError(err)
    }
  }

  /** True once the core stored the whole patch (it refuses all of it when one field is wrong). */
  async function save(patch: Partial<PipelineSettingsDto>): Promise<boolean> {
    saving.value = true
    savedAt.value = null
    try {
      settings.value = await api.invoke('settings:updatePipeline', patch)
      error.value = null
      savedAt.value = Date.now()
      return true
    } catch (err) {
      error.value = describeError(err)
      return false
    } finally {
      saving.value = false
    }
  }

  async function loadModels(): Promise<void> {
    loadingModels.value = true
    try {
      models.value = await api.invoke('models:list', {})
      modelsError.value = null
    } catch (err) {
      modelsError.value = describeError(err)
    } finally {
      loadingModels.value = false
    }
  }

  return { settings, models, saving, loadingModels, error, modelsError, savedAt, load, save, loadModels }
})
