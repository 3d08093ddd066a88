/**
 * The single typed contract between the core and every client (Electron IPC, the loopback
 * HTTP/WebSocket transport, the renderer). Adding a request is one line here plus one handler in
 * handlers.ts; both transports and the renderer client are generic over these two interfaces.
 * Everything that crosses is a plain JSON-able DTO.
 */
import type { ApiErrorCode } from './errors'

export type ClipStatus = 'pending' | 'accepted' | 'rejected'
export type DecisionAction = 'accept' | 'reject' | 'reset'
export type ClipSortKey = 'id' | 'similarity' | 'aesthetic' | 'duration'

export interface ProjectInfo {
  name: string
  path: string
  schemaVersion: number
  videos: number
  clips: number
  byStatus: Record<ClipStatus, number>
  reviewer: string
  /** Which transport served this answer: lets the UI say "browser mode" vs "desktop". */
  transport: 'ipc' | 'http'
}

export interface ClipSummary {
  id: number
  videoId: number
  sourceId: string
  startS: number
  endS: number
  durationS: number
  status: ClipStatus
  caption: string | null
  similarity: number | null
  aesthetic: number | null
  hasThumbnail: boolean
  /** A 10-frame horizontal scrub strip at /media/sprite/<clipId> (vicurate-media://local/sprite/<id>). */
  hasSprite: boolean
  mediaMissing: boolean
  /** Frame rate of the source video (frame stepping), when known. */
  fps: number | null
}

export interface ClipDetail extends ClipSummary {
  /** Model and imported captions (never changed by edits): the editor's diff base and context. */
  modelCaptions: { scale: string; text: string; modelId: string | null; frameIndex: number | null; frameTimeS: number | null; promptVersion: string | null }[]
  videoPath: string | null
  videoDurationS: number | null
  width: number | null
  height: number | null
  history: ReviewEventDto[]
}

export interface ReviewEventDto {
  id: number
  kind: 'decision' | 'caption' | 'tag'
  action: string
  valueBefore: string | null
  valueAfter: string | null
  reason: string | null
  reviewer: string
  createdAt: string
}

/** Fields the UI filters and histograms work on (each has an index). */
export type FilterField = 'similarity' | 'aesthetic' | 'duration' | 'captionLength'

/** A closed range; or, with `topPercent`, the best k % of clips by that field (rank based, like InternVid's FLT). */
export interface RangeFilter {
  min?: number
  max?: number
  topPercent?: number
}

export interface ClipFilters {
  similarity?: RangeFilter
  aesthetic?: RangeFilter
  duration?: RangeFilter
  captionLength?: RangeFilter
  /** Full-text search over the curated caption (FTS5); words are ANDed, no query syntax needed. */
  text?: string
}

export interface ClipListQuery {
  status?: ClipStatus | 'all'
  filters?: ClipFilters
  sort?: ClipSortKey
  order?: 'asc' | 'desc'
  limit?: number
  /** Opaque keyset cursor from the previous page's `nextCursor`; never an offset. */
  cursor?: string | null
}

export interface ClipPage {
  items: ClipSummary[]
  nextCursor: string | null
}

export interface HistogramQuery {
  field: FilterField
  /** 1..100 (default 40). */
  bins?: number
  status?: ClipStatus | 'all'
  filters?: ClipFilters
}

export interface Histogram {
  field: FilterField
  /** Range of the field over all clips that have it (bins span [min, max]). */
  min: number | null
  max: number | null
  binWidth: number | null
  /** Counts per bin over every clip, and over the clips passing the query's status and filters. */
  all: number[]
  filtered: number[]
  /** Clips without a value for the field (not counted in the bins). */
  missing: number
}

export interface KeepRate {
  clips: number
  hours: number
  totalClips: number
  totalHours: number
}

export interface SavedView {
  id: number
  name: string
  status: ClipStatus | 'all'
  filters: ClipFilters
  sort: { sort: ClipSortKey; order: 'asc' | 'desc' }
  updatedAt: string
}

export interface DecideArgs {
  clipId: number
  action: DecisionAction
  reason?: string | null
}

export interface SettingsDto {
  reviewer: string
}

export interface JobProgressEvent {
  jobId: number
  name: string
  status: 'running' | 'done' | 'failed' | 'cancelled'
  done: number
  total: number
  /** What done/total count; the rate is per second of that unit (frames/s, clips/s). */
  unit: 'videos' | 'clips' | 'frames'
  rate: number | null
  etaSeconds: number | null
  detail?: string
}

/**
 * Long work, as typed requests: the name picks exactly one job handler (src-main/jobs), the data
 * is what it needs. Stored on the job row, so a killed run resumes with the same request.
 */
export type JobRequest =
  | { name: 'ingest'; data: { paths: string[]; recursive: boolean } }
  | { name: 'similarity'; data: Record<string, never> }
  | { name: 'aesthetic'; data: Record<string, never> }
  /** Multi-scale captioning; optionally only the clips passing these filters. Similarity follows. */
  | { name: 'caption'; data: { filters?: ClipFilters; status?: ClipStatus | 'all' } }
export type JobName = JobRequest['name']

export interface JobDto {
  id: number
  name: string
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled'
  done: number
  total: number
  error: string | null
  createdAt: string
  finishedAt: string | null
}

/** Requests: `'domain:verb': (args) => Promise<result>`. */
export interface ApiContract {
  'project:info': (args: Record<string, never>) => Promise<ProjectInfo>
  'clips:list': (args: ClipListQuery) => Promise<ClipPage>
  'clips:get': (args: { clipId: number }) => Promise<ClipDetail>
  'clips:decide': (args: DecideArgs) => Promise<ClipSummary>
  /** A curator's caption edit (appended to the history; similarity becomes stale). */
  'clips:updateCaption': (args: { clipId: number; caption: string }) => Promise<ClipSummary>
  /** Histogram of one field inside its slider: all clips vs the filtered set. */
  'clips:histogram': (args: HistogramQuery) => Promise<Histogram>
  /** The keep-rate readout: clips and hours of video passing the filters, against all. */
  'clips:keepRate': (args: { status?: ClipStatus | 'all'; filters?: ClipFilters }) => Promise<KeepRate>
  /**
   * Decide every clip of the filtered set as one audited batch; `expectedCount` is the count the
   * confirmation showed (a changed set is refused).
   */
  'clips:decideBatch': (args: { status?: ClipStatus | 'all'; filters?: ClipFilters; action: DecisionAction; reason?: string | null; expectedCount: number }) => Promise<{ batchId: string; changed: number }>
  'clips:undoBatch': (args: { batchId: string }) => Promise<{ restored: number; skipped: number }>
  'views:list': (args: Record<string, never>) => Promise<SavedView[]>
  'views:save': (args: { name: string; status?: ClipStatus | 'all'; filters?: ClipFilters; sort?: { sort: ClipSortKey; order: 'asc' | 'desc' } }) => Promise<SavedView>
  'views:delete': (args: { id: number }) => Promise<{ deleted: boolean }>
  'settings:get': (args: Record<string, never>) => Promise<SettingsDto>
  'settings:update': (args: Partial<SettingsDto>) => Promise<SettingsDto>
  /** Starts a job in a worker thread; progress arrives as `jobs:progress` events. */
  'jobs:start': (args: { request: JobRequest }) => Promise<{ jobId: number }>
  'jobs:cancel': (args: { jobId: number }) => Promise<{ cancelled: boolean }>
  'jobs:list': (args: { limit?: number }) => Promise<JobDto[]>
  /** ViCLIP similarity of a caption being edited, against the clip's stored video embedding. */
  'clips:rescore': (args: { clipId: number; caption: string }) => Promise<{ similarity: number; modelId: string; modelRevision: string }>
  /** Text → clips by cosine over stored video embeddings, optionally within a status. */
  'search:semantic': (args: { text: string; limit?: number; status?: ClipStatus | 'all' }) => Promise<{ items: (ClipSummary & { score: number })[] }>
}

/** Push events from the core to every connected client. */
export interface ApiEvents {
  'clips:changed': { clipIds: number[] }
  'settings:changed': SettingsDto
  'jobs:progress': JobProgressEvent
}

export type ApiChannel = keyof ApiContract
export type ApiEventName = keyof ApiEvents
export type ApiArgs<K extends ApiChannel> = Parameters<ApiContract[K]>[0]
export type ApiResult<K extends ApiChannel> = Awaited<ReturnType<ApiContract[K]>>

/** What crosses a transport when a handler throws. */
export interface ApiErrorDto {
  code: ApiErrorCode
  message: string
}

/** Compile-time proof that a list names every key of T exactly (no missing, no extra). */
type ExactKeys<T, L extends readonly (keyof T)[]> =
  Exclude<keyof T, L[number]> extends never ? L : { missing: Exclude<keyof T, L[number]> }

function exactKeys<T>() {
  return <const L extends readonly (keyof T)[]>(list: ExactKeys<T, L>): L => list as L
}

/** Runtime channel lists (the preload and the HTTP router check requests against them). */
export const API_CHANNELS = exactKeys<ApiContract>()([
  'project:info',
  'clips:list',
  'clips:get',
  'clips:decide',
  'clips:updateCaption',
  'clips:histogram',
  'clips:keepRate',
  'clips:decideBatch',
  'clips:undoBatch',
  'views:list',
  'views:save',
  'views:delete',
  'settings:get',
  'settings:update',
  'jobs:start',
  'jobs:cancel',
  'jobs:list',
  'clips:rescore',
  'search:semantic',
])

export const API_EVENTS = exactKeys<ApiEvents>()(['clips:changed', 'settings:changed', 'jobs:progress'])

export function isApiChannel(name: unknown): name is ApiChannel {
  return typeof name === 'string' && (API_CHANNELS as readonly string[]).includes(name)
}

export function isApiEvent(name: unknown): name is ApiEventName {
  return typeof name === 'string' && (API_EVENTS as readonly string[]).includes(name)
}
