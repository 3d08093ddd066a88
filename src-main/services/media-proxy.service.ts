import type { MediaStatus } from '../api/contract'
import { ApiError } from '../api/errors'
import { resolveVideoFile } from '../core/media-access'
import type { ProjectContext } from '../core/project-context'
import { browserPlayability } from '../media/browser-playability'
import { probeVideo, writePlaybackProxy, type VideoProbe } from '../media/ffmpeg'
import { evictProxies, proxyFile, readyProxy, removeStalePartials, sameStamp, stampOf, touchProxy, writeManifest, type SourceStamp } from '../media/proxy-cache'
import { proxyCacheGb } from './pipeline-settings.service'

/**
 * Playback proxies: a video whose source Chromium cannot play (AVI, MPEG-4 Part 2, HEVC, …; see
 * browser-playability.ts) is transcoded once into `proxies/<videoId>.mp4`, which the media routes
 * then serve in its place. The transcode is an ffmpeg child process through the media adapter, so
 * the event loop only relays progress; it is not a job because it is per video, on demand, and its
 * result is a cache entry (a deleted proxy is simply made again), not project data.
 *
 * At most one transcode per video (concurrent requests share it) and `concurrency` per project;
 * the most recently requested video waits least, because that is the one on the curator's screen.
 * The cache is capped (the `proxyCacheGb` setting): each new proxy evicts the least recently
 * played ones beyond it, never one being made.
 */

export interface MediaProxyOptions {
  /** Transcodes at once; each already uses every core x264 gets (default 1). */
  concurrency?: number
  /** Minimum milliseconds between progress events of one transcode (default 250). */
  progressIntervalMs?: number
  /** Seams for tests: counting transcodes, or a stand-in that never finishes. */
  transcode?: typeof writePlaybackProxy
  probe?: typeof probeVideo
}

interface Task {
  videoId: number
  source: string
  stamp: SourceStamp
  probe: VideoProbe
  reason: string
  controller: AbortController
  status: MediaStatus
  done: Promise<MediaStatus>
  settle: (s: MediaStatus) => void
}

const status = (videoId: number, over: Partial<MediaStatus>): MediaStatus => ({ videoId, state: 'ready', proxy: false, reason: null, progress: null, revision: null, ...over })

/** Controllers of every live transcode in this process: killed with it, so no ffmpeg outlives vicurate. */
const live = new Set<AbortController>()
process.once('exit', () => {
  for (const c of live) c.abort()
})

export class MediaProxyService {
  private readonly tasks = new Map<number, Task>()
  /** Video ids whose transcode waits for a free slot; the last one goes next. */
  private readonly waiting: number[] = []
  private running = 0
  /** Failures are remembered per source version, so a bad file is not transcoded on every click. */
  private readonly failures = new Map<number, { stamp: SourceStamp; reason: string }>()
  /** Fresh probes of files whose stored probe predates a field the decision needs. */
  private readonly probes = new Map<number, { stamp: SourceStamp; probe: VideoProbe }>()
  private readonly concurrency: number
  private readonly intervalMs: number
  private readonly transcode: typeof writePlaybackProxy
  private readonly probeFile: typeof probeVideo

  constructor(
    private readonly ctx: ProjectContext,
    opts: MediaProxyOptions = {},
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? 1)
    this.intervalMs = opts.progressIntervalMs ?? 250
    this.transcode = opts.transcode ?? writePlaybackProxy
    this.probeFile = opts.probe ?? probeVideo
    removeStalePartials(ctx.dataDir)
  }

  /**
   * Whether the player can load the video now; starts its proxy when one is needed and missing.
   * Idempotent: asking again while a proxy is made returns its current progress.
   */
  async prepare(videoId: number): Promise<MediaStatus> {
    const existing = this.tasks.get(videoId)
    if (existing) {
      this.bump(videoId)
      return existing.status
    }
    const video = this.ctx.repos.videos.get(videoId)
    if (!video) throw new ApiError('not_found', `video ${videoId} does not exist`)
    let source: string
    try {
      source = resolveVideoFile(this.ctx, videoId)
    } catch (err) {
      return status(videoId, { state: 'failed', reason: err instanceof Error ? err.message : String(err) })
    }
    const stamp = stampOf(source)
    if (!stamp) return status(videoId, { state: 'failed', reason: `media file is missing: ${source}` })
    let probe: VideoProbe
    try {
      probe = await this.probeOf(videoId, video.probe_json, source, stamp)
    } catch (err) {
      return status(videoId, { state: 'failed', reason: err instanceof Error ? err.message : String(err) })
    }
    const decision = browserPlayability(probe)
    if (decision.kind !== 'proxy') return status(videoId, {})
    const ready = readyProxy(this.ctx.dataDir, videoId, source)
    if (ready) {
      touchProxy(ready.file)
      return status(videoId, { proxy: true, reason: decision.reason, revision: ready.revision })
    }
    const failure = this.failures.get(videoId)
    if (failure && sameStamp(failure.stamp, stamp)) return status(videoId, { state: 'failed', proxy: true, reason: failure.reason })
    // The awaits above let a concurrent request for this video in: the first one to get here starts it.
    const started = this.tasks.get(videoId)
    if (started) return started.status
    return this.enqueue({ videoId, source, stamp, probe, reason: decision.reason }).status
  }

  /** The outcome of the transcode in progress for a video, or null when none is (tests, tools). */
  settled(videoId: number): Promise<MediaStatus> | null {
    return this.tasks.get(videoId)?.done ?? null
  }

  /** Stops every transcode (their partial files are removed) and cancels the queued ones. */
  dispose(): void {
    for (const videoId of this.waiting.splice(0)) {
      const task = this.tasks.get(videoId)!
      this.tasks.delete(videoId)
      task.settle(status(videoId, { state: 'failed', proxy: true, reason: 'cancelled: vicurate is shutting down' }))
    }
    for (const t of this.tasks.values()) t.controller.abort()
  }

  /** Keeps the finished proxies within the project's cap; the new one and any being made stay. */
  private evictBeyondCap(newest: number): void {
    try {
      evictProxies(this.ctx.dataDir, proxyCacheGb(this.ctx) * 1e9, new Set([newest, ...this.tasks.keys()]))
    } catch (err) {
      process.emitWarning(`playback proxy cache: eviction failed: ${(err as Error).message}`)
    }
  }

  /** A queued video asked for again is the one on screen now: it goes next. */
  private bump(videoId: number): void {
    const i = this.waiting.indexOf(videoId)
    if (i >= 0) this.waiting.push(...this.waiting.splice(i, 1))
  }

  /**
   * The stored probe when it has what the decision reads (ingest stores it; files are not probed
   * again per click). Probes stored before the audio codec was recorded, and videos registered
   * without a probe (imports), are probed once per file version.
   */
  private async probeOf(videoId: number, stored: string | null, source: string, stamp: SourceStamp): Promise<VideoProbe> {
    const parsed = stored ? (JSON.parse(stored) as VideoProbe) : null
    if (parsed && browserPlayability(parsed).kind !== 'unknown') return parsed
    const cached = this.probes.get(videoId)
    if (cached && sameStamp(cached.stamp, stamp)) return cached.probe
    const probe = await this.probeFile(source)
    this.probes.set(videoId, { stamp, probe })
    return probe
  }

  private enqueue(spec: Pick<Task, 'videoId' | 'source' | 'stamp' | 'probe' | 'reason'>): Task {
    let settle!: (s: MediaStatus) => void
    const done = new Promise<MediaStatus>((resolve) => (settle = resolve))
    const task: Task = { ...spec, controller: new AbortController(), status: status(spec.videoId, { state: 'preparing', proxy: true, reason: spec.reason }), done, settle }
    this.tasks.set(spec.videoId, task)
    this.waiting.push(spec.videoId)
    this.pump()
    return task
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const task = this.tasks.get(this.waiting.pop()!)
      if (task) void this.run(task)
    }
  }

  private publish(task: Task, next: MediaStatus): void {
    task.status = next
    this.ctx.bus.emit('media:status', next)
  }

  private async run(task: Task): Promise<void> {
    this.running++
    live.add(task.controller)
    const { videoId, source, probe } = task
    this.publish(task, { ...task.status, progress: 0 })
    let lastEmit = 0
    let final: MediaStatus
    try {
      const result = await this.transcode(source, proxyFile(this.ctx.dataDir, videoId), {
        videoStreamIndex: probe.videoStreamIndex ?? 0,
        hasAudio: probe.hasAudio,
        fps: probe.fps,
        durationS: probe.durationS,
        signal: task.controller.signal,
        onProgress: (fraction) => {
          const now = Date.now()
          if (now - lastEmit < this.intervalMs || fraction >= 1) return
          lastEmit = now
          this.publish(task, { ...task.status, progress: Math.round(fraction * 1000) / 1000 })
        },
      })
      writeManifest(this.ctx.dataDir, {
        videoId, source: task.stamp, reason: task.reason, bytes: result.bytes, durationS: result.durationS, frames: result.frames,
        firstFrameS: result.firstFrameS, sourceFirstFrameS: result.sourceFirstFrameS, createdAt: new Date().toISOString(),
      })
      const ready = readyProxy(this.ctx.dataDir, videoId, source)
      if (ready) this.evictBeyondCap(videoId)
      final = ready
        ? status(videoId, { proxy: true, reason: task.reason, revision: ready.revision })
        : status(videoId, { state: 'failed', proxy: true, reason: 'the source file changed while its playable copy was made; select the clip again' })
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      // A cancelled transcode says nothing about the file: the next request tries again.
      if (!task.controller.signal.aborted) this.failures.set(videoId, { stamp: task.stamp, reason })
      final = status(videoId, { state: 'failed', proxy: true, reason })
    } finally {
      this.running--
      live.delete(task.controller)
      this.tasks.delete(videoId)
    }
    this.publish(task, final)
    task.settle(final)
    this.pump()
  }
}

const services = new WeakMap<ProjectContext, MediaProxyService>()

/** The project's one proxy service: both transports (and every window) share its deduplication. */
export function mediaProxies(ctx: ProjectContext): MediaProxyService {
  let service = services.get(ctx)
  if (!service) services.set(ctx, (service = new MediaProxyService(ctx)))
  return service
}

/** Stops the project's transcodes, if it ever started any (a clean `vicurate serve` shutdown). */
export function disposeMediaProxies(ctx: ProjectContext): void {
  services.get(ctx)?.dispose()
}
