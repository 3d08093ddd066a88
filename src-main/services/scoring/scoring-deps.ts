import type { ModelManifest } from '../../ml/manifest'
import { SessionFactory, type ProviderChoice } from '../../ml/onnx-session'
import type { ProjectContext } from '../../core/project-context'

/** An installed model folder, as the model store describes it. */
export interface InstalledModelRef {
  id: string
  revision: string
  dir: string
  manifest: ModelManifest
}

/** What the scoring stages need from the model store: a folder per selected id, or a clear error. */
export interface ModelLocator {
  require(id: string): InstalledModelRef | Promise<InstalledModelRef>
}

export interface ScoringDeps {
  models: ModelLocator
  sessions: SessionFactory
}

export interface MlSettings {
  provider: ProviderChoice
  threads: number | null
  batchSize: number
}

/** Which model each stage uses; changing one marks the other models' scores stale. */
export interface ModelSelection {
  similarity: string
  aestheticImage: string
  aestheticHead: string
  aggregation: 'max' | 'mean'
}

/** Defaults: registry ids with pinned hashes (InternVid's own FLT checkpoint publishes none). */
export const DEFAULT_SELECTION: ModelSelection = {
  similarity: 'viclip-l14-hf',
  aestheticImage: 'clip-vit-l14-image',
  aestheticHead: 'laion-aesthetic-v2',
  aggregation: 'max',
}

export const mlSettings = (ctx: ProjectContext): MlSettings => ctx.repos.settings.get('ml', { provider: 'auto', threads: null, batchSize: 4 })
export const modelSelection = (ctx: ProjectContext): ModelSelection => ({ ...DEFAULT_SELECTION, ...ctx.repos.settings.get<Partial<ModelSelection>>('models', {}) })

export const modelRef = (m: { id: string; revision: string }) => ({ id: m.id, revision: m.revision })
