import { SessionFactory } from '../../ml/onnx-session'
import { ModelStore } from '../../ml/model-store'
import type { ScoringDeps } from './scoring-deps'

let cached: ScoringDeps | null = null

/** The user's model store and one session factory per process (sessions load once). */
export function defaultScoringDeps(): ScoringDeps {
  cached ??= { models: new ModelStore(), sessions: new SessionFactory() }
  return cached
}
