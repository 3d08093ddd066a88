/**
 * ML inference benchmark (CPU): ViCLIP vision tower in onnxruntime-node vs PyTorch eager, int8
 * speed and drift, and the latency of a caption re-score, in one run.
 *
 *   node_modules/.bin/node --require ./node_modules/tsx/dist/cjs/index.cjs bench/ml.bench.ts \
 *     [--reps N (B/16, default 5)] [--reps-l14 N (default 2)] [--iters N (re-score, default 60)]
 *     [--no-l14] [--no-l14-int8] [--threads N (default 2)] [--smoke (tiny model, prints, writes nothing)]
 *     [--render (rewrite bench/ML.md from bench/results/ml.json)]
 *
 * Models: ViCLIP-B/16 and -L/14 shapes with seeded random weights (seed 0), exported by the
 * project's exporter into bench/tmp/viclip-<size>-seed0[-int8] (reused when already there).
 * PyTorch runs the exporter's own model class with the same seed, hence the same weights
 * (tools/bench/torch_viclip_bench.py, kept alive as a child process). Per clip: batch 1,
 * [1,8,3,224,224] seeded inputs; clip 0 is the warm-up (excluded), clips 1..N are timed, the
 * two engines interleaved clip by clip so load from other processes hits both alike. Both
 * engines get the same thread count (intra-op threads / torch.set_num_threads).
 * Writes bench/results/ml.json and bench/ML.md.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { cosine, ViclipModel } from '../src-main/ml/models/viclip'
import { ClipBpeTokenizer } from '../src-main/ml/tokenizer/clip-bpe-tokenizer'
import { lowbias32, seededUniform } from '../test/unit/ml/viclip-seeded'

const ROOT = resolve(__dirname, '..')
const TMP = join(ROOT, 'bench', 'tmp')
const PYTHON = '/usr/bin/python3'
const MERGES = join(ROOT, '..', 'shared', 'assets', 'tokenizer', 'bpe_simple_vocab_16e6.txt.gz')
const SEED = 0
const RESULTS = join(ROOT, 'bench', 'results', 'ml.json')

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const flag = (name: string) => process.argv.includes(name)
const REPS_B16 = arg('--reps', 5)
const REPS_L14 = arg('--reps-l14', 2)
const ITERS = arg('--iters', 60)
const THREADS = arg('--threads', 2)

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!
}
const r3 = (x: number) => Math.round(x * 1000) / 1000
const r6 = (x: number) => Math.round(x * 1e6) / 1e6
const log = (...a: unknown[]) => console.error(`[ml.bench ${new Date().toISOString().slice(11, 19)}]`, ...a)

// ---------------------------------------------------------------- inputs

/** Varied captions in the style of InternVid's (short, long, some past the 32-token context). */
function captions(n: number): string[] {
  const who = ['a man', 'a young woman', 'two children', 'an old fisherman', 'a golden retriever', 'a chef in a white apron', 'a group of cyclists', 'a small grey cat', 'a street musician', 'a surfer']
  const does = ['is walking along', 'runs across', 'is cooking pasta in', 'sits quietly beside', 'plays guitar near', 'jumps over', 'is painting a mural on', 'rides a bicycle through', 'waves at the camera from', 'is reading a newspaper in']
  const where = ['a sunny beach', 'a crowded market street', 'the kitchen of a busy restaurant', 'a snowy mountain trail', 'a quiet park at dusk', 'a wooden pier', 'an empty parking lot at night', 'a field of sunflowers', 'a rainy city square', 'the living room']
  const extra = ['', ', slow motion', ' while the camera pans slowly to the left and the light fades behind the hills in the distance', ', aerial drone shot, 4k', ' — close-up, shallow depth of field', ' as people pass by in the background and cars honk on the busy road nearby, handheld footage with natural sound']
  const out: string[] = []
  for (let i = 0; out.length < n; i++) {
    const h = lowbias32(i * 7 + 12345)
    out.push(`${who[h % 10]} ${does[(h >>> 4) % 10]} ${where[(h >>> 8) % 10]}${extra[(h >>> 12) % extra.length]}`)
  }
  return out
}

// ---------------------------------------------------------------- models

interface Exported { dir: string; exportS: number | null; mb: { vision: number; text: number } }

type Size = 'tiny' | 'b16' | 'l14'

function ensureExport(size: Size, int8: boolean): Exported {
  const dir = join(TMP, `viclip-${size}-seed${SEED}${int8 ? '-int8' : ''}`)
  let exportS: number | null = null
  if (!existsSync(join(dir, 'manifest.json'))) {
    log(`exporting ${dir} ...`)
    const t = performance.now()
    execFileSync(PYTHON, ['-m', 'tools.export', 'viclip', '--random-init', '--size', size, '--seed', String(SEED), '--out', dir, ...(int8 ? ['--int8'] : [])], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    exportS = (performance.now() - t) / 1000
  }
  const mb = (f: string) => Math.round(statSync(join(dir, f)).size / 1e5) / 10
  return { dir, exportS, mb: { vision: mb('vision.onnx'), text: mb('text.onnx') } }
}

/** PyTorch eager baseline, alive for the whole model so clips can interleave with ORT. */
class TorchWorker {
  private readonly lines: AsyncIterator<string>
  private constructor(readonly child: ChildProcessWithoutNullStreams, readonly info: { torch: string; threads: number; build_s: number }, lines: AsyncIterator<string>) {
    this.lines = lines
  }

  static async start(size: string, framesFile: string, clips: number): Promise<TorchWorker> {
    const child = spawn(PYTHON, ['-m', 'tools.bench.torch_viclip_bench', '--serve', '--size', size, '--seed', String(SEED), '--frames', framesFile, '--clips', String(clips), '--threads', String(THREADS)], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    child.stderr.on('data', (d: Buffer) => process.stderr.write(`  [torch] ${d}`))
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    const first = await lines.next()
    if (first.done) throw new Error(`torch helper exited before it was ready (code ${child.exitCode})`)
    return new TorchWorker(child, JSON.parse(first.value), lines)
  }

  async run(i: number): Promise<{ s: number; cpu_s: number; embedding: number[] }> {
    this.child.stdin.write(`${i}\n`)
    const next = await this.lines.next()
    if (next.done) throw new Error('torch helper exited')
    return JSON.parse(next.value)
  }

  async stop(): Promise<void> {
    this.child.stdin.end()
    await new Promise((r) => this.child.once('exit', r))
  }
}

async function ortClip(model: ViclipModel, frames: Float32Array, i: number): Promise<{ s: number; cpu_s: number; embedding: Float32Array }> {
  const clip = frames.subarray(i * model.videoSize, (i + 1) * model.videoSize)
  const c = process.cpuUsage()
  const t = performance.now()
  const embedding = await model.encodeVideo(clip)
  const s = (performance.now() - t) / 1000
  const cu = process.cpuUsage(c)
  log(`ort ${model.manifest.id} ${model.dir.endsWith('int8') ? 'int8' : 'fp32'} clip ${i}: ${s.toFixed(2)} s`)
  return { s, cpu_s: (cu.user + cu.system) / 1e6, embedding: embedding.slice() }
}

interface Timing { warmup_s: number; times_s: number[]; median_s: number; min_s: number; cores_busy: number }
function timing(runs: { s: number; cpu_s: number }[]): Timing {
  const timed = runs.slice(1)
  return {
    warmup_s: r3(runs[0]!.s),
    times_s: timed.map((r) => r3(r.s)),
    median_s: r3(median(timed.map((r) => r.s))),
    min_s: r3(Math.min(...timed.map((r) => r.s))),
    // CPU seconds / wall seconds over the timed clips: ~THREADS when the engine had its cores.
    cores_busy: r3(timed.reduce((a, r) => a + r.cpu_s, 0) / timed.reduce((a, r) => a + r.s, 0)),
  }
}

async function textEmbeddings(model: ViclipModel, tok: ClipBpeTokenizer, texts: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = []
  for (const t of texts) out.push((await model.encodeText(tok.tokenize([t], model.context).ids)).slice())
  return out
}

/** tokenize one caption + text tower + cosine against a stored video embedding, as TextScorer.rescore. */
async function rescoreLatency(model: ViclipModel, stored: Float32Array, texts: string[]): Promise<{ iters: number; p50_ms: number; p95_ms: number; max_ms: number; mean_ms: number }> {
  // The tokenizer is built once per model selection in the app; a fresh one here so its BPE cache starts cold.
  const tok = new ClipBpeTokenizer(MERGES)
  for (const w of captions(ITERS + 5).slice(ITERS)) cosine(stored, await model.encodeText(tok.tokenize([w], model.context).ids))
  const ms: number[] = []
  for (const c of texts) {
    const t = performance.now()
    const v = await model.encodeText(tok.tokenize([c], model.context).ids)
    const s = cosine(stored, v)
    ms.push(performance.now() - t)
    if (!Number.isFinite(s)) throw new Error('non-finite similarity')
  }
  return { iters: ms.length, p50_ms: r3(quantile(ms, 0.5)), p95_ms: r3(quantile(ms, 0.95)), max_ms: r3(Math.max(...ms)), mean_ms: r3(ms.reduce((a, b) => a + b, 0) / ms.length) }
}

const minOf = (xs: number[]) => Math.min(...xs)

async function benchSize(size: Size, reps: number, withInt8: boolean, withRescore: boolean) {
  const fp32 = ensureExport(size, false)
  const int8 = withInt8 ? ensureExport(size, true) : null
  const clips = reps + 1
  const fp32Model = await ViclipModel.load(fp32.dir, { provider: 'cpu', intraOpThreads: THREADS })
  const frames = seededUniform(clips * fp32Model.videoSize, 1000 + SEED, 2)
  const framesFile = join(TMP, `ml-frames-${size}-${clips}.f32`)
  writeFileSync(framesFile, new Uint8Array(frames.buffer, frames.byteOffset, frames.byteLength))
  const load0 = loadavg()[0]!

  // 1. fp32: onnxruntime-node and torch, interleaved clip by clip.
  log(`${size}: starting torch helper (builds the model from the seed) ...`)
  const torch = await TorchWorker.start(size, framesFile, clips)
  const ortRuns: Awaited<ReturnType<typeof ortClip>>[] = []
  const torchRuns: Awaited<ReturnType<TorchWorker['run']>>[] = []
  for (let i = 0; i < clips; i++) {
    // Alternate which engine goes first so neither always follows the other's cache state.
    if (i % 2 === 0) {
      ortRuns.push(await ortClip(fp32Model, frames, i))
      torchRuns.push(await torch.run(i))
    } else {
      torchRuns.push(await torch.run(i))
      ortRuns.push(await ortClip(fp32Model, frames, i))
    }
  }
  await torch.stop()
  rmSync(framesFile, { force: true })
  const ortT = timing(ortRuns)
  const torchT = timing(torchRuns)
  const agreement = ortRuns.map((r, i) => cosine(r.embedding, torchRuns[i]!.embedding))

  const texts = captions(ITERS)
  const driftTexts = texts.slice(0, 16)
  const fp32Text = withInt8 ? await textEmbeddings(fp32Model, new ClipBpeTokenizer(MERGES), driftTexts) : []
  const rescoreFp32 = withRescore ? await rescoreLatency(fp32Model, ortRuns[1]!.embedding, texts) : null
  await fp32Model.vision.session.release()
  await fp32Model.text.session.release()

  // 2. int8: speed in onnxruntime-node and drift against fp32 on the same clips and captions.
  let int8Row = null
  if (int8) {
    const m = await ViclipModel.load(int8.dir, { provider: 'cpu', intraOpThreads: THREADS })
    const runs = []
    for (let i = 0; i < clips; i++) runs.push(await ortClip(m, frames, i))
    const t = timing(runs)
    const text = await textEmbeddings(m, new ClipBpeTokenizer(MERGES), driftTexts)
    const visionCos = runs.map((r, i) => cosine(r.embedding, ortRuns[i]!.embedding))
    const textCos = text.map((v, j) => cosine(v, fp32Text[j]!))
    let scoreDiff = 0
    for (let i = 0; i < clips; i++) {
      for (let j = 0; j < driftTexts.length; j++) {
        scoreDiff = Math.max(scoreDiff, Math.abs(cosine(runs[i]!.embedding, text[j]!) - cosine(ortRuns[i]!.embedding, fp32Text[j]!)))
      }
    }
    const rescore = withRescore ? await rescoreLatency(m, runs[1]!.embedding, texts) : null
    await m.vision.session.release()
    await m.text.session.release()
    int8Row = {
      dir: int8.dir.slice(ROOT.length + 1),
      export_s: int8.exportS === null ? null : r3(int8.exportS),
      file_mb: int8.mb,
      ort: t,
      speedup_vs_ort_fp32: r3(ortT.median_s / t.median_s),
      drift: {
        clips,
        captions: driftTexts.length,
        vision_min_cosine_vs_fp32: r6(minOf(visionCos)),
        text_min_cosine_vs_fp32: r6(minOf(textCos)),
        max_abs_similarity_change: r6(scoreDiff),
        goal: 'embedding cosine vs fp32 >= 0.99',
        pass: minOf(visionCos) >= 0.99 && minOf(textCos) >= 0.99,
      },
      rescore,
    }
  }

  return {
    size,
    dir: fp32.dir.slice(ROOT.length + 1),
    export_s: fp32.exportS === null ? null : r3(fp32.exportS),
    file_mb: fp32.mb,
    input: `[1,8,3,224,224] float32, seeded uniform [-2,2) (clip 0 = warm-up, clips 1..${reps} timed)`,
    threads: THREADS,
    loadavg_1m_before: r3(load0),
    loadavg_1m_after: r3(loadavg()[0]!),
    ort_fp32: ortT,
    torch_fp32: { ...torchT, build_s: r3(torch.info.build_s), threads: torch.info.threads },
    ratio_torch_over_ort: r3(torchT.median_s / ortT.median_s),
    // Each timed torch clip ran right next to the ORT clip with the same index: the ratio per
    // pair is robust to load that changes over minutes; the ratio of the minima is the
    // least-contended estimate.
    ratio_pairwise_median: r3(median(torchRuns.slice(1).map((r, k) => r.s / ortRuns[k + 1]!.s))),
    ratio_of_minima: r3(torchT.min_s / ortT.min_s),
    goal_ratio: 1.5,
    ort_vs_torch_min_cosine: r6(minOf(agreement)),
    rescore_fp32: rescoreFp32,
    int8: int8Row,
    torchVersion: torch.info.torch,
  }
}

async function main(): Promise<void> {
  mkdirSync(TMP, { recursive: true })
  if (flag('--render')) {
    writeMarkdown(JSON.parse(readFileSync(RESULTS, 'utf8')) as Result)
    return
  }
  const started = new Date()
  const t0 = performance.now()
  const rows = []
  if (flag('--smoke')) {
    console.log(JSON.stringify(await benchSize('tiny', 2, true, true), null, 2))
    return
  }
  rows.push(await benchSize('b16', REPS_B16, true, true))
  log(JSON.stringify({ ...rows[0], int8: rows[0]!.int8 && { ...rows[0]!.int8 } }))
  if (!flag('--no-l14')) {
    rows.push(await benchSize('l14', REPS_L14, !flag('--no-l14-int8'), false))
    log(JSON.stringify(rows[1]))
  }
  const ortVersion = (JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime_node: ortVersion,
    torch: rows[0]!.torchVersion,
    date: started.toISOString(),
    gpu: null,
  }
  const wall = (performance.now() - t0) / 1000
  const result: Result = {
    machine,
    settings: { threads: THREADS, reps_b16: REPS_B16, reps_l14: REPS_L14, rescore_iters: ITERS, seed: SEED, weights: 'seeded random init (real architecture)' },
    goals: { torch_over_ort: '>= 1.5', int8_cosine_vs_fp32: '>= 0.99', rescore_p95_ms: '< 150' },
    wall_s: r3(wall),
    rows: rows.map(({ torchVersion: _, ...r }) => r),
    gpu: 'not measured: no GPU was lent to this session (GPU figures need the device machine)',
  }
  writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n')
  writeMarkdown(result)
}

type Row = Omit<Awaited<ReturnType<typeof benchSize>>, 'torchVersion'>
interface Result {
  machine: { cpu: string; cores: number; memory_gb: number; node: string; onnxruntime_node: string; torch: string; date: string; gpu: null }
  settings: { threads: number; reps_b16: number; reps_l14: number; rescore_iters: number; seed: number; weights: string }
  goals: Record<string, string>
  wall_s: number
  rows: Row[]
  gpu: string
}

/** A warning line when the engines did not get their cores (a shared or busy machine). */
function contentionNote(rows: Row[], threads: number): string[] {
  const busy = rows.flatMap((r) => [r.ort_fp32.cores_busy, r.torch_fp32.cores_busy, ...(r.int8 ? [r.int8.ort.cores_busy] : [])])
  const low = Math.min(...busy)
  if (low >= 0.75 * threads) return []
  return [
    `**Contended run:** the engines got as little as ${low.toFixed(2)} of their ${threads} cores (other processes were running; see "cores busy"), so every time below is inflated and the latency goals are judged pessimistically; rerun on an idle machine for absolute figures. The torch ÷ ORT ratios come from interleaved clips and are the more reliable numbers.`,
    '',
  ]
}

/** bench/ML.md from a result (also `--render`: rewrite it from bench/results/ml.json alone). */
function writeMarkdown({ machine, settings, wall_s: wall, rows }: Result): void {
  const THREADS = settings.threads
  const f = (x: number) => x.toFixed(2)
  const lines = [
    '## ML inference (CPU)',
    '',
    `${machine.cpu}, ${machine.cores} cores, ${machine.memory_gb} GB, Node ${machine.node}, onnxruntime-node ${machine.onnxruntime_node}, torch ${machine.torch} (Debian, OpenBLAS), ${machine.date.slice(0, 16).replace('T', ' ')} UTC; ${THREADS} intra-op threads in both engines; whole run ${Math.round(wall)} s.`,
    '',
    ...contentionNote(rows, THREADS),
    '| model | engine | s / clip median (min) | timed clips | cores busy | torch ÷ this: median · per pair · minima | cosine (min) |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const r of rows) {
    const name = r.size === 'b16' ? 'ViCLIP-B/16' : 'ViCLIP-L/14'
    const n = r.ort_fp32.times_s.length
    lines.push(
      `| ${name} | onnxruntime-node fp32 | ${f(r.ort_fp32.median_s)} (${f(r.ort_fp32.min_s)}) | ${n} | ${f(r.ort_fp32.cores_busy)} | **${f(r.ratio_torch_over_ort)}×** · ${f(r.ratio_pairwise_median)}× · ${f(r.ratio_of_minima)}× (goal ≥ 1.5) | vs torch ${r.ort_vs_torch_min_cosine.toFixed(6)} |`,
    )
    lines.push(`| ${name} | PyTorch eager fp32 | ${f(r.torch_fp32.median_s)} (${f(r.torch_fp32.min_s)}) | ${n} | ${f(r.torch_fp32.cores_busy)} | 1.00× | — |`)
    if (r.int8) {
      lines.push(
        `| ${name} | onnxruntime-node int8 | ${f(r.int8.ort.median_s)} (${f(r.int8.ort.min_s)}) | ${r.int8.ort.times_s.length} | ${f(r.int8.ort.cores_busy)} | ${f(r.torch_fp32.median_s / r.int8.ort.median_s)}× · — · ${f(r.torch_fp32.min_s / r.int8.ort.min_s)}× (${f(r.int8.speedup_vs_ort_fp32)}× ORT fp32 by median) | vs fp32: vision ${r.int8.drift.vision_min_cosine_vs_fp32.toFixed(4)}, text ${r.int8.drift.text_min_cosine_vs_fp32.toFixed(4)} (goal ≥ 0.99) |`,
      )
    }
  }
  lines.push('', '| caption re-score (B/16) | iterations | p50 ms | p95 ms | max ms | goal |', '|---|---|---|---|---|---|')
  const b = rows[0]!
  if (b.rescore_fp32) lines.push(`| fp32 | ${b.rescore_fp32.iters} | ${f(b.rescore_fp32.p50_ms)} | **${f(b.rescore_fp32.p95_ms)}** | ${f(b.rescore_fp32.max_ms)} | p95 < 150 |`)
  if (b.int8?.rescore) lines.push(`| int8 | ${b.int8.rescore.iters} | ${f(b.int8.rescore.p50_ms)} | **${f(b.int8.rescore.p95_ms)}** | ${f(b.int8.rescore.max_ms)} | p95 < 150 |`)
  lines.push(
    '',
    `What was measured: the ViCLIP vision tower, batch 1 ([1,8,3,224,224] float32), for B/16- and L/14-shaped models with seeded random weights (seed ${settings.seed}), exported by \`tools/export\` to ONNX (opset 17) and run in onnxruntime-node on CPU (\`ViclipModel\`, graph optimisation "all"), against PyTorch eager running the exporter's own model class (\`tools/export/viclip_model.py\`, same seed so identical weights) under \`torch.no_grad()\` (\`tools/bench/torch_viclip_bench.py\`). Both engines ran ${THREADS} threads on the same seeded clips, interleaved clip by clip; clip 0 was a warm-up and is excluded; the figures are the median (and minimum) of ${settings.reps_b16} clips for B/16 and ${settings.reps_l14} for L/14 (L/14 kept short: up to ~30–40 s per clip per engine). The speed-up column gives torch ÷ ORT three ways: ratio of medians, median of the per-pair ratios (torch clip i vs ORT clip i, run back to back), and ratio of minima (the least-contended clips). "Cores busy" is CPU seconds ÷ wall seconds over the timed clips: near ${THREADS} means the engine had its cores; lower means other processes on this shared machine took some (1-min load average ${rows.map((r) => `${r.loadavg_1m_before}→${r.loadavg_1m_after}`).join(', ')} during the ${rows.map((r) => r.size).join('/')} runs), so absolute times are upper bounds while the interleaving keeps the ratio fair. "vs torch" is the minimum cosine between the two engines' embeddings of the same clip (a correctness check). int8 is the exporter's \`--int8\` graph (dynamic quantisation of weight MatMuls); its drift is the minimum cosine between int8 and fp32 embeddings of the same ${b.int8?.drift.clips ?? '—'} clips and ${b.int8?.drift.captions ?? '—'} captions (largest change of a clip–caption similarity: ${b.int8?.drift.max_abs_similarity_change ?? '—'}). Random weights have no trained outliers, so int8 drift on real checkpoints may be larger. The re-score is what \`TextScorer.rescore\` does: tokenize one caption (CLIP BPE), the B/16 text tower ([1,32] int64), cosine against a stored video embedding; ${settings.rescore_iters} distinct captions after 5 warm-ups, tokenizer already loaded.`,
    '',
    'GPU figures (onnxruntime CUDA provider) need the device machine and were not measured in this session because no GPU was lent to it.',
    '',
  )
  const md = lines.join('\n')
  writeFileSync(join(ROOT, 'bench', 'ML.md'), md)
  console.log(md)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
