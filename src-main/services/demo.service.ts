import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { openProject, type ProjectContext } from '../core/project-context'
import { renderSyntheticVideo, type SyntheticShot } from '../media/ffmpeg'
import { fetchDemoVideos, type DemoDownload, type DownloadOutcome } from './demo-downloads'
import { ingestPaths, type IngestReport } from './ingest.service'

/**
 * Sample footage made from ffmpeg's own test sources: works offline, carries no licence
 * obligations, and has hard cuts at known times (listed per file) for the scene detector.
 */
export const DEMO_VIDEOS: { file: string; shots: SyntheticShot[] }[] = [
  {
    file: 'fractals-and-bars.mp4',
    shots: [
      { source: 'mandelbrot', seconds: 3 },
      { source: 'smptehdbars', seconds: 2 },
      { source: 'testsrc2', seconds: 3 },
    ],
  },
  {
    file: 'cellular-life.mp4',
    shots: [
      { source: 'life=mold=10:ratio=0.1:death_color=#C83232:life_color=#00ff00', seconds: 4 },
      { source: 'rgbtestsrc', seconds: 3 },
    ],
  },
  {
    file: 'gradients.mp4',
    shots: [
      { source: 'gradients=speed=0.05:c0=0x1f4e79:c1=0xf2c14e', seconds: 3 },
      { source: 'gradients=speed=0.08:c0=0x8e3b46:c1=0x4ecdc4', seconds: 3 },
    ],
  },
]

export interface DemoResult {
  ctx: ProjectContext
  created: boolean
  report: IngestReport | null
  downloads: DownloadOutcome | null
}

export interface DemoOptions {
  /** Also fetch openly licensed sample videos from their publishers (skipped when offline). */
  online?: boolean
  downloads?: DemoDownload[]
  onStep?: (msg: string) => void
}

/**
 * Creates (or reopens) the demo project at `path`: footage generated with ffmpeg (always, so it
 * works offline and has known cuts) plus, when online, real CC0 clips fetched with sha256 checks.
 */
export async function createDemoProject(path: string, opts: DemoOptions = {}): Promise<DemoResult> {
  const onStep = opts.onStep
  const fresh = !existsSync(path)
  const ctx = openProject(path, { create: true })
  if (!fresh && ctx.repos.videos.count() > 0) return { ctx, created: false, report: null, downloads: null }
  const samplesDir = join(ctx.dataDir, 'samples')
  mkdirSync(samplesDir, { recursive: true })
  for (const v of DEMO_VIDEOS) {
    const out = join(samplesDir, v.file)
    if (!existsSync(out)) {
      onStep?.(`rendering sample ${v.file}`)
      await renderSyntheticVideo(out, v.shots)
    }
  }
  let downloads: DownloadOutcome | null = null
  if (opts.online) {
    onStep?.('fetching openly licensed sample videos')
    downloads = await fetchDemoVideos(join(ctx.dataDir, 'downloads'), opts.downloads)
    for (const s of downloads.skipped) onStep?.(`not fetched: ${s.file} (${s.reason}); using generated footage`)
  }
  onStep?.('ingesting samples')
  const report = await ingestPaths(ctx, downloads?.downloaded.length ? [samplesDir, join(ctx.dataDir, 'downloads')] : [samplesDir])
  return { ctx, created: true, report, downloads }
}
