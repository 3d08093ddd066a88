/**
 * Scene detection benchmark: speed against the decode floor, and cut accuracy.
 *
 *   node_modules/.bin/node --require ./node_modules/tsx/dist/cjs/index.cjs bench/scenes.bench.ts [--reps N]
 *
 * Speed: wall time of detectScenes (content and adaptive) vs `ffmpeg -i F -f null -` on the same
 * file, interleaved in the same run (N reps each, median reported), on every video in
 * ../shared/assets/videos plus a 60 s 720p H.264 file rendered into bench/tmp/ from those clips.
 * Accuracy: F1 of cuts at ±0.1 s on the composed cases of test/unit/scenes (known cut times),
 * recall of the six listed Sintel hard cuts, and false cuts on the single-shot clips.
 * Writes bench/results/scenes.json and prints a markdown table (copied into bench/SCENES.md).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { detectScenes, type DetectorKind } from '../src-main/media/scenes/detect-scenes'
import { asset, COMPOSED_CASES, composeVideo, expectedCuts, matchCuts } from '../test/unit/scenes/scenes-support'

const ROOT = resolve(__dirname, '..')
const TMP = join(ROOT, 'bench', 'tmp')
const RESULTS = join(ROOT, 'bench', 'results', 'scenes.json')
const DETECTORS: DetectorKind[] = ['content', 'adaptive']
const repsArg = process.argv.indexOf('--reps')
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 3

const SPEED_FILES = ['cc0_3shots_cuts_at_2s_4s.mp4', 'flower.mp4', 'flower.webm', 'friday.mp4', 'cockatoo.mp4', 'sintel_trailer_30s.mp4']
const SINGLE_SHOT = ['flower.mp4', 'flower.webm', 'friday.mp4', 'cockatoo.mp4']
const SINTEL_CUTS = [14.5, 15.5, 21.8, 23.9, 25.4, 26.0]

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const r3 = (x: number) => Math.round(x * 1000) / 1000

/** 60 s of 1280×720 25 fps H.264 from real footage (cockatoo, Sintel, cockatoo, friday). */
function make720p(out: string): string {
  if (existsSync(out)) return out
  const v = (i: number, extra = '') =>
    `[${i}:v]${extra}fps=25,scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,setsar=1,format=yuv420p[s${i}]`
  const graph = [
    v(0),
    v(1),
    v(2),
    v(3, 'trim=duration=2,setpts=PTS-STARTPTS,'),
    '[s0][s1][s2][s3]concat=n=4:v=1:a=0[out]',
  ].join(';')
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-i', asset('cockatoo.mp4'), '-i', asset('sintel_trailer_30s.mp4'), '-i', asset('cockatoo.mp4'), '-i', asset('friday.mp4'),
    '-filter_complex', graph, '-map', '[out]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-an', out,
  ])
  return out
}

/**
 * CPU seconds used so far by this process plus its waited-for children (ffmpeg), from
 * /proc/self/stat (utime, stime, cutime, cstime in clock ticks). On a shared, busy machine wall
 * time swings ±25 % run to run; CPU time is the steadier measure of the work done.
 */
const TICK_S = 1 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100)
function cpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 14–17 of stat(5); f[0] is field 3 (state).
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_S
}

interface Timing {
  ms: number
  cpuS: number
}

function decodeFloor(file: string): Timing {
  const c = cpuSeconds()
  const t = performance.now()
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'])
  return { ms: performance.now() - t, cpuS: cpuSeconds() - c }
}

async function detect(file: string, detector: DetectorKind): Promise<Timing & { frames: number }> {
  const c = cpuSeconds()
  const t = performance.now()
  const d = await detectScenes(file, { detector })
  return { ms: performance.now() - t, cpuS: cpuSeconds() - c, frames: d.frames }
}

async function main(): Promise<void> {
  mkdirSync(TMP, { recursive: true })
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true })
  const loadBefore = loadavg()
  const files = [...SPEED_FILES.map((f) => ({ name: f, path: asset(f) })), { name: 'bench720_60s.mp4 (generated)', path: make720p(join(TMP, 'bench720_60s.mp4')) }]

  const speed = []
  for (const f of files) {
    const floor: Timing[] = []
    const det: Record<DetectorKind, Timing[]> = { content: [], adaptive: [] }
    let frames = 0
    // Warm-up: page cache and JIT, not measured.
    await detect(f.path, 'content')
    for (let i = 0; i < REPS; i++) {
      floor.push(decodeFloor(f.path))
      for (const k of DETECTORS) {
        const r = await detect(f.path, k)
        det[k].push(r)
        frames = r.frames
      }
    }
    const ms = (xs: Timing[]) => median(xs.map((x) => x.ms))
    const cpu = (xs: Timing[]) => median(xs.map((x) => x.cpuS))
    const row = {
      file: f.name,
      frames,
      floor_ms: Math.round(ms(floor)),
      content_ms: Math.round(ms(det.content)),
      adaptive_ms: Math.round(ms(det.adaptive)),
      content_ratio: r3(ms(det.content) / ms(floor)),
      adaptive_ratio: r3(ms(det.adaptive) / ms(floor)),
      content_fps: Math.round(frames / (ms(det.content) / 1000)),
      floor_cpu_s: r3(cpu(floor)),
      content_cpu_s: r3(cpu(det.content)),
      content_cpu_ratio: r3(cpu(det.content) / cpu(floor)),
    }
    speed.push(row)
    process.stderr.write(`${JSON.stringify(row)}\n`)
  }

  const accuracy = []
  for (const c of COMPOSED_CASES) {
    const file = composeVideo(join(TMP, `${c.name}.mp4`), c)
    for (const k of DETECTORS) {
      const d = await detectScenes(file, { detector: k, minSceneLen: c.minSceneLen })
      const m = matchCuts(d.cutsS, expectedCuts(c))
      accuracy.push({ case: c.name, note: c.note, detector: k, expected: expectedCuts(c), found: d.cutsS, ...m })
    }
  }
  const sintel = []
  for (const k of DETECTORS) {
    for (const minSceneLen of [undefined, { seconds: 0.5 }]) {
      const d = await detectScenes(asset('sintel_trailer_30s.mp4'), { detector: k, minSceneLen })
      const hit = SINTEL_CUTS.filter((t) => d.cutsS.some((c) => Math.abs(c - t) <= 0.1))
      sintel.push({ detector: k, min_scene_len: minSceneLen ? '0.5s' : '15 frames', listed_found: `${hit.length}/${SINTEL_CUTS.length}`, all_cuts: d.cutsS })
    }
  }
  const singleShot = []
  for (const f of SINGLE_SHOT) {
    for (const k of DETECTORS) singleShot.push({ file: f, detector: k, false_cuts: (await detectScenes(asset(f), { detector: k })).cutsS })
  }

  const ffmpegVersion = execFileSync('ffmpeg', ['-version']).toString().split('\n')[0].split(' Copyright')[0]
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    ffmpeg: ffmpegVersion,
    date: new Date().toISOString(),
    load_average_before: loadBefore.map(r3),
    load_average_after: loadavg().map(r3),
    reps: REPS,
  }
  writeFileSync(RESULTS, `${JSON.stringify({ machine, speed, accuracy, sintel, single_shot: singleShot }, null, 2)}\n`)

  const out: string[] = []
  out.push(`Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${ffmpegVersion}, ${machine.date}; load average ${machine.load_average_before.join('/')} before, ${machine.load_average_after.join('/')} after; median of ${REPS} interleaved runs.`, '')
  out.push(
    '| file | frames | `ffmpeg -f null` ms | content ms | ratio | adaptive ms | ratio | content fps | floor CPU s | content CPU s | CPU ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  )
  for (const s of speed) {
    out.push(
      `| ${s.file} | ${s.frames} | ${s.floor_ms} | ${s.content_ms} | ${s.content_ratio} | ${s.adaptive_ms} | ${s.adaptive_ratio} | ${s.content_fps} | ${s.floor_cpu_s} | ${s.content_cpu_s} | ${s.content_cpu_ratio} |`,
    )
  }
  out.push('', '| composed case | detector | expected cuts | found | F1 (±0.1 s) |', '|---|---|---|---|---:|')
  for (const a of accuracy) out.push(`| ${a.case} | ${a.detector} | ${a.expected.join(', ')} | ${a.found.join(', ')} | ${r3(a.f1)} |`)
  out.push('', '| Sintel trailer | min scene len | listed hard cuts found | all cuts |', '|---|---|---|---|')
  for (const s of sintel) out.push(`| ${s.detector} | ${s.min_scene_len} | ${s.listed_found} | ${s.all_cuts.join(', ')} |`)
  out.push('', '| single shot | detector | false cuts |', '|---|---|---|')
  for (const s of singleShot) out.push(`| ${s.file} | ${s.detector} | ${s.false_cuts.length ? s.false_cuts.join(', ') : 'none'} |`)
  process.stdout.write(`${out.join('\n')}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`scenes.bench: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
})
