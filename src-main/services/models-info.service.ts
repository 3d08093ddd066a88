import type { ModelEntryDto, ModelsInfo } from '../api/contract'
import type { ProjectContext } from '../core/project-context'
import { ModelStore } from '../ml/model-store'
import { probeExecutionProvider } from '../ml/provider-probe'
import { captionSettings } from './captioning/caption-settings'
import { mlSettings, modelSelection, type ModelSelection } from './scoring/scoring-deps'

type Probe = () => Promise<{ provider: 'cuda' | 'cpu'; reason: string | null }>
type Stage = ModelEntryDto['usedFor'][number]

// Whether CUDA works does not change while the process runs, and probing loads onnxruntime and
// builds a session: once per process is enough.
let probed: Promise<{ provider: 'cuda' | 'cpu'; reason: string | null }> | null = null

function probeOnce(probe: Probe) {
  probed ??= probe().catch((e: unknown) => ({ provider: 'cpu' as const, reason: e instanceof Error ? e.message : String(e) }))
  return probed
}

/**
 * What `vicurate models list` prints, for the Models panel: registry entries and locally added
 * folders with their installed revisions, which of this project's stages use each, and the
 * execution provider the provider setting gets on this machine (with the reason when not CUDA).
 */
export async function listModels(ctx: ProjectContext, store = new ModelStore(), probe: Probe = probeExecutionProvider): Promise<ModelsInfo> {
  const setting = mlSettings(ctx).provider
  const [installed, ep] = await Promise.all([store.list(), setting === 'cpu' ? null : probeOnce(probe)])
  const sel = modelSelection(ctx)
  const stages: Stage[] = ['similarity', 'aestheticImage', 'aestheticHead']
  const caption = captionSettings(ctx)
  const usedFor = (id: string): Stage[] => [
    ...stages.filter((s) => sel[s as keyof ModelSelection] === id),
    ...(caption.captioner.kind === 'onnx' && caption.captioner.model === id ? (['captioner'] as const) : []),
    ...(caption.summariser?.kind === 'onnx' && caption.summariser.model === id ? (['summariser'] as const) : []),
  ]
  const revisions = (id: string) =>
    installed
      .filter((m) => m.id === id)
      .map((m) => ({ revision: m.revision, installedAt: m.installed?.installedAt ?? null }))
      .sort((a, b) => (b.installedAt ?? '').localeCompare(a.installedAt ?? ''))
  const known = new Set(store.registry.map((e) => e.id))
  const models: ModelEntryDto[] = [
    ...store.registry.map((e) => ({
      id: e.id, task: e.task, title: e.title, licence: e.licence, download: e.approxDownload,
      installed: revisions(e.id), usedFor: usedFor(e.id), needsTrust: e.files.some((f) => f.sha256 === null),
      installCommand: `vicurate models install ${e.id}${e.files.some((f) => f.sha256 === null) ? ' --trust-on-first-use' : ''}`,
    })),
    // Folders registered with `models add` that the registry does not name (your own exports).
    ...[...new Set(installed.filter((m) => !known.has(m.id)).map((m) => m.id))].map((id) => ({
      id, task: installed.find((m) => m.id === id)!.manifest.task, title: '(added locally)', licence: null, download: null,
      installed: revisions(id), usedFor: usedFor(id), needsTrust: false, installCommand: null,
    })),
  ]
  let provider: ModelsInfo['provider']
  if (!ep) provider = { setting, active: 'cpu', fallbackReason: null }
  else if (ep.provider === 'cuda') provider = { setting, active: 'cuda', fallbackReason: null }
  // Asking for CUDA alone where it does not load fails the scoring jobs: no provider is in use.
  else provider = { setting, active: setting === 'cuda' ? null : 'cpu', fallbackReason: ep.reason }
  return { root: store.root, provider, models }
}
