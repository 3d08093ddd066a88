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
  /** Opaque keyset cursor from the previous page's `nextCursor`. */
  cursor?: string | null
  /**
   * Start at this row (0-based) of the filtered, sorted list instead of at a cursor: a jump into
   * the middle of a long list is one request (the core walks the sort index once), and the page's
   * `nextCursor` continues from there. Not together with `cursor`.
   */
  offset?: number
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
  unit: 'videos' | 'clips' | 'frames' | 'MB'
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
  /** Model manager: download (+ convert) a registry model; re-hash installed files. */
  | { name: 'modelInstall'; data: { id: string; trustOnFirstUse?: boolean } }
  | { name: 'modelVerify'; data: { id?: string } }
  | { name: 'import'; data: ImportJobData }
  | { name: 'export'; data: ExportJobData }
export type JobName = JobRequest['name']

export interface JobDto {
  id: number
  name: string
  /** 'interrupted': its process stopped (killed, crashed) before it finished; resumable. */
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted'
  done: number
  total: number
  error: string | null
  createdAt: string
  finishedAt: string | null
}

// ── Studio panels (issue 6): import/export jobs, models, pipeline settings, density ──

/** An InternVid annotation JSONL on the core's machine, imported as a job (`dataset:import`). */
export interface ImportJobData {
  file: string
  /** Folder holding the media; without it every row is imported with its media missing. */
  videoRoot?: string
  pattern?: string
}

/** Which clips an export keeps by decision; `not-rejected` is the CLI's default. */
export type ExportStatus = ClipStatus | 'all' | 'not-rejected'

/**
 * An export in the review UI's terms: the grid's filters (a "top k %" ranks over all clips, as the
 * grid does) plus the CLI's presets — flt: 1–120 s, top 30 % by similarity, then DIV; aes:
 * aesthetic ≥ 4 — and DIV sampling (`n` clips, weight 1 / clips of the same video, seeded).
 */
export interface ExportSelection {
  status: ExportStatus
  filters?: ClipFilters
  preset?: 'flt' | 'aes' | null
  div?: { n: number; seed: number } | null
}

export interface ExportJobData extends ExportSelection {
  /** Output file on the core's machine (absolute, or relative to where the core runs). */
  out: string
  format?: 'jsonl' | 'csv'
  withReview?: boolean
  /** Also write each exported clip as an mp4 into this folder (the CLI's --clips-dir); created if missing. */
  clipsDir?: string
}

export interface ExportPreview {
  /** Rows after status + ranges (with the preset's), after its top %, after DIV. */
  counts: { filtered: number; afterTopPercent: number; afterDiv: number }
  clips: number
  hours: number
  /** DIV draws its clips when the export runs: until then hours are scaled from the candidates. */
  hoursEstimated: boolean
}

export interface ModelEntryDto {
  id: string
  task: string
  title: string
  licence: string | null
  download: string | null
  /** Installed revisions, newest first. */
  installed: { revision: string; installedAt: string | null }[]
  /** The project's stages that use this model (the `models` setting). */
  usedFor: ('similarity' | 'aestheticImage' | 'aestheticHead' | 'captioner' | 'summariser')[]
  /** The registry names files without a published sha256: installing needs trust on first use. */
  needsTrust: boolean
  /** The CLI line that installs it; null for folders added with `vicurate models add`. */
  installCommand: string | null
}

export interface ModelsInfo {
  /** The model store folder on the core's machine. */
  root: string
  /** The provider setting and what this machine gives it: CUDA, or the CPU and why. */
  provider: { setting: 'auto' | 'cuda' | 'cpu'; active: 'cuda' | 'cpu' | null; fallbackReason: string | null }
  models: ModelEntryDto[]
}

/** Scoring and ingest settings of the project (what `vicurate run --provider/--threads/--batch` store). */
export interface PipelineSettingsDto {
  provider: 'auto' | 'cuda' | 'cpu'
  /** Threads per operator; null lets onnxruntime use every core. */
  threads: number | null
  batchSize: number
  /** How the aesthetic stage combines its 4 frame scores per clip (InternVid: max). */
  aggregation: 'max' | 'mean'
  /** InternVid's clip rules, applied when ingest cuts videos into clips. */
  clipRules: { minS: number; short: 'drop' | 'merge'; maxS: number; long: 'split' | 'drop' }
  /** Playback proxies kept on disk, in GB: beyond it the least recently played are removed. */
  proxyCacheGb: number
}

export interface DensityQuery {
  /** Bins per axis, 4..64 (default 32). */
  bins?: number
  status?: ClipStatus | 'all'
  filters?: ClipFilters
}

/** Similarity × aesthetic counts, binned in SQL over the clips that have both scores. */
export interface DensityGrid {
  bins: number
  similarity: { min: number; max: number } | null
  aesthetic: { min: number; max: number } | null
  /** bins × bins, row-major, row 0 at the lowest aesthetic: every clip, and the filtered set. */
  all: number[]
  filtered: number[]
}

// ── Playback proxies (issue 6): sources browsers cannot play get a cached H.264 copy ──

/** Whether the player can load `/media/video/<videoId>` now, and what it will get. */
export interface MediaStatus {
  videoId: number
  /** ready: the media route serves a file Chromium plays; preparing: its copy is being made; failed: see reason. */
  state: 'ready' | 'preparing' | 'failed'
  /** True when the route serves (or will serve) a transcoded copy instead of the source file. */
  proxy: boolean
  /** Why the source needs a copy ("browsers cannot open the AVI container"), or why it failed. */
  reason: string | null
  /** 0..1 while the copy is transcoded; null while it waits for another video's, or when not preparing. */
  progress: number | null
  /** Changes whenever the served copy does; the renderer adds it to the media URL. Null for the source. */
  revision: string | null
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
  // Studio panels (issue 6)
  /** Every job kind this core runs, so a new kind shows in the UI without a UI change. */
  'jobs:kinds': (args: Record<string, never>) => Promise<JobName[]>
  /** Runs a job's stored request again under a new id; work items already done are skipped. */
  'jobs:resume': (args: { jobId: number }) => Promise<{ jobId: number }>
  'dataset:import': (args: ImportJobData) => Promise<{ jobId: number }>
  /** What an export would write (count, hours), without writing. */
  'dataset:exportPreview': (args: ExportSelection) => Promise<ExportPreview>
  /** Starts an export job: the file, then `<out>.manifest.json`, each written atomically. */
  'dataset:export': (args: ExportJobData) => Promise<{ jobId: number }>
  'models:list': (args: Record<string, never>) => Promise<ModelsInfo>
  'settings:pipeline': (args: Record<string, never>) => Promise<PipelineSettingsDto>
  'settings:updatePipeline': (args: Partial<PipelineSettingsDto>) => Promise<PipelineSettingsDto>
  'clips:density': (args: DensityQuery) => Promise<DensityGrid>
  // Playback proxies
  /**
   * What the player needs before it loads a video: 'ready' at once for sources browsers play;
   * otherwise starts its proxy (once, however often asked) and answers 'preparing', after which
   * `media:status` events report progress and the outcome.
   */
  'media:prepare': (args: { videoId: number }) => Promise<MediaStatus>
}

/** Push events from the core to every connected client. */
export interface ApiEvents {
  'clips:changed': { clipIds: number[] }
  'settings:changed': SettingsDto
  'jobs:progress': JobProgressEvent
  'media:status': MediaStatus
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
  'jobs:kinds',
  'jobs:resume',
  'dataset:import',
  'dataset:exportPreview',
  'dataset:export',
  'models:list',
  'settings:pipeline',
  'settings:updatePipeline',
  'clips:density',
  'media:prepare',
])

export const API_EVENTS = exactKeys<ApiEvents>()(['clips:changed', 'settings:changed', 'jobs:progress', 'media:status'])

export function isApiChannel(name: unknown): name is ApiChannel {
  return typeof name === 'string' && (API_CHANNELS as readonly string[]).includes(name)
}

export function isApiEvent(name: unknown): name is ApiEventName {
  return typeof name === 'string' && (API_EVENTS as readonly string[]).includes(name)
}
