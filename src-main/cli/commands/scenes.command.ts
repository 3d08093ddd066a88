import { Option, type Command } from 'commander'
import { detectScenes, type DetectorKind, type SceneDetection } from '../../media/scenes/detect-scenes'
import { parseMinSceneLength, type MinSceneLength } from '../../media/scenes/min-scene-length'
import { CliFailure, UsageError } from '../cli-errors'

interface ScenesFlags {
  detector: DetectorKind
  threshold?: string
  minSceneLen?: string
  json?: boolean
}

function parseThreshold(text: string | undefined, detector: DetectorKind): number | undefined {
  if (text === undefined) return undefined
  const t = Number(text)
  const max = detector === 'content' ? 255 : Number.POSITIVE_INFINITY
  if (text.trim() === '' || !Number.isFinite(t) || t <= 0 || t > max) {
    const range = detector === 'content' ? '(0, 255]' : '> 0'
    throw new UsageError(`--threshold must be a number ${detector === 'content' ? 'in ' : ''}${range} for the ${detector} detector (got "${text}")`)
  }
  return t
}

function parseMinLen(text: string | undefined): MinSceneLength | undefined {
  if (text === undefined) return undefined
  try {
    return parseMinSceneLength(text)
  } catch (err) {
    throw new UsageError(`--min-scene-len: ${(err as Error).message}`)
  }
}

/** The JSON shape is part of the CLI's contract (snake_case, InternVid timestamps). */
export function scenesJson(video: string, d: SceneDetection): string {
  return JSON.stringify({
    video,
    duration_s: d.durationS,
    fps: d.fps,
    cuts_s: d.cutsS,
    scenes: d.scenes.map((s) => ({ start: s.start, end: s.end, start_s: s.startS, end_s: s.endS })),
  })
}

export function scenesTable(video: string, d: SceneDetection): string {
  const lines = [
    `${video}: ${d.scenes.length} scene${d.scenes.length === 1 ? '' : 's'}, ${d.cutsS.length} cut${d.cutsS.length === 1 ? '' : 's'} ` +
      `(${d.analysis.detector} detector, ${d.frames} frames, ${d.fps} fps, ${d.durationS} s)`,
    '  #  start         end           length',
  ]
  d.scenes.forEach((s, i) => {
    lines.push(`${String(i + 1).padStart(3)}  ${s.start}  ${s.end}  ${(s.endS - s.startS).toFixed(3).padStart(8)} s`)
  })
  return `${lines.join('\n')}\n`
}

export function registerScenes(program: Command): void {
  program
    .command('scenes <video>')
    .description('detect scene cuts in one video (PySceneDetect content/adaptive detectors, one low-resolution decode); needs no project')
    .addOption(new Option('--detector <kind>', 'content (InternVid: threshold 27) or adaptive').choices(['content', 'adaptive']).default('content'))
    .option('--threshold <t>', 'content: score threshold (default 27); adaptive: ratio threshold (default 3)')
    .option('--min-scene-len <d>', 'minimum scene length: frames (15, the default) or a duration (0.6s, 00:00:00.600)')
    .option('--json', 'print {"video","duration_s","fps","cuts_s","scenes":[{"start","end","start_s","end_s"}]}')
    .action(async (video: string, flags: ScenesFlags) => {
      const threshold = parseThreshold(flags.threshold, flags.detector)
      const minSceneLen = parseMinLen(flags.minSceneLen)
      const abort = new AbortController()
      const onSignal = () => abort.abort()
      process.once('SIGINT', onSignal)
      let detection: SceneDetection
      try {
        // A progress line only for a person watching a terminal; pipes and --json stay clean.
        const showProgress = !flags.json && process.stderr.isTTY === true
        detection = await detectScenes(video, {
          detector: flags.detector,
          threshold,
          minSceneLen,
          signal: abort.signal,
          onProgress: showProgress
            ? (p) => process.stderr.write(`\r${p.durationS ? `${Math.min(100, Math.round((100 * p.ptsS) / p.durationS))}%` : `${p.frames} frames`}   `)
            : undefined,
        })
        if (showProgress) process.stderr.write('\r      \r')
      } catch (err) {
        // One line on stderr: ffmpeg's reasons can carry newlines.
        const msg = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, '; ')
        throw new CliFailure(abort.signal.aborted ? 'scene detection cancelled' : msg)
      } finally {
        process.off('SIGINT', onSignal)
      }
      process.stdout.write(flags.json ? `${scenesJson(video, detection)}\n` : scenesTable(video, detection))
    })
}
