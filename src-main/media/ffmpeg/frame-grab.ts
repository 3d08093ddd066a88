import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { selectExpr } from './select-expr'

export interface GrabOptions {
  /** Model frames: the shorter side is scaled to this (the models resize from here). */
  modelShortSide: number
  /** Sprite frames: scaled to this width. */
  spriteWidth: number
  startTimeS: number
  timeBase: [number, number]
  signal?: AbortSignal
}

export interface GrabbedFrame {
  /** Presentation time on the file's timeline (stream start subtracted). */
  t: number
  file: string
}

/** At most this many wanted instants per ffmpeg run; each run decodes its own time range once. */
const GROUP = 5000
/** Groups starting later than this seek to their start (a keyframe) instead of decoding from 0. */
const SEEK_MIN_S = 30

function run(args: string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], signal })
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${err.trim().split('\n').at(-1) ?? ''}`))))
  })
}

/**
 * Decodes each stretch of the video once and writes JPEGs of the frames shown at the wanted
 * instants: model frames (`m_<pts>.jpg`) and sprite frames (`s_<pts>.jpg`). No per-clip seeks:
 * instants are grouped, and each group is one input-seeked pass over its own time range.
 * File names carry the frame's pts in the stream time base, so each file maps back to its exact
 * presentation time even on variable-frame-rate footage.
 */
export async function grabFrames(videoPath: string, modelTimes: number[], spriteTimes: number[], outDir: string, opts: GrabOptions): Promise<{ model: GrabbedFrame[]; sprite: GrabbedFrame[] }> {
  mkdirSync(outDir, { recursive: true })
  // ffmpeg writes into a scratch folder; files move into outDir only after a run succeeds, so a
  // killed run never leaves a half-written JPEG where a later run would pick it up.
  for (const stale of readdirSync(outDir)) if (stale.startsWith('.partial-')) rmSync(join(outDir, stale), { recursive: true, force: true })
  const scratch = mkdtempSync(join(outDir, '.partial-'))
  const all = [...new Set([...modelTimes.map((t) => `m${t}`), ...spriteTimes.map((t) => `s${t}`)])]
    .map((k) => ({ kind: k[0] as 'm' | 's', t: Number(k.slice(1)) + opts.startTimeS }))
    .sort((a, b) => a.t - b.t)
  for (let i = 0; i < all.length; i += GROUP) {
    opts.signal?.throwIfAborted()
    const group = all.slice(i, i + GROUP)
    const m = group.filter((g) => g.kind === 'm').map((g) => g.t)
    const s = group.filter((g) => g.kind === 's').map((g) => g.t)
    const from = Math.max(0, group[0].t - 0.5)
    const to = group.at(-1)!.t + 0.5
    const graph: string[] = []
    const maps: string[] = []
    const ss = opts.modelShortSide
    if (m.length && s.length) graph.push('[0:v]split=2[vm][vs]')
    const srcM = m.length && s.length ? '[vm]' : '[0:v]'
    const srcS = m.length && s.length ? '[vs]' : '[0:v]'
    if (m.length) {
      graph.push(`${srcM}select='${selectExpr(m)}',scale='if(lt(iw,ih),${ss},-2)':'if(lt(iw,ih),-2,${ss})':flags=bicubic[m]`)
      maps.push('-map', '[m]', '-fps_mode', 'passthrough', '-enc_time_base', '-1', '-frame_pts', '1', '-q:v', '2', join(scratch, 'm_%d.jpg'))
    }
    if (s.length) {
      graph.push(`${srcS}select='${selectExpr(s)}',scale=${opts.spriteWidth}:-2:flags=bilinear[s]`)
      maps.push('-map', '[s]', '-fps_mode', 'passthrough', '-enc_time_base', '-1', '-frame_pts', '1', '-q:v', '5', join(scratch, 's_%d.jpg'))
    }
    try {
      // Input seeking lands on a keyframe and decodes forward; some open-GOP files decode the first
      // frames after a seek with artefacts, so near the start we simply decode from the beginning.
      const seek = from > SEEK_MIN_S ? ['-ss', from.toFixed(3)] : []
      // The graph goes through a file: thousands of instants exceed the 128 KiB argument limit.
      const script = join(scratch, 'graph.txt')
      writeFileSync(script, graph.join(';'))
      await run(['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...seek, '-to', to.toFixed(3), '-copyts', '-i', videoPath, '-an', '-sn', '-dn', '-filter_complex_script', script, ...maps], opts.signal)
      rmSync(script)
      for (const f of readdirSync(scratch)) renameSync(join(scratch, f), join(outDir, f))
    } catch (err) {
      rmSync(scratch, { recursive: true, force: true })
      throw err
    }
  }
  rmSync(scratch, { recursive: true, force: true })
  const [num, den] = opts.timeBase
  const list = (prefix: string) =>
    readdirSync(outDir)
      .filter((f) => f.startsWith(prefix) && f.endsWith('.jpg'))
      .map((f) => ({ t: (Number(f.slice(2, -4)) * num) / den - opts.startTimeS, file: join(outDir, f) }))
      .sort((a, b) => a.t - b.t)
  return { model: list('m_'), sprite: list('s_') }
}

/**
 * Tiles each strip (a list of same-sized images) into one horizontal sprite sheet. All strips of
 * a video go through one ffmpeg run (concat demuxer + tile filter): per-clip runs cost ~0.3 s each.
 * Every strip must have `perStrip` images (repeat the last one to pad).
 */
export async function tileSprites(strips: string[][], perStrip: number, outPaths: string[], workDir: string, signal?: AbortSignal): Promise<void> {
  if (strips.length === 0) return
  const bad = strips.findIndex((s) => s.length !== perStrip)
  if (bad >= 0) throw new Error(`sprite strip ${bad} has ${strips[bad].length} images, expected ${perStrip}`)
  const quote = (f: string) => `file '${f.replace(/'/g, "'\\''")}'`
  const list = join(workDir, 'sprites.concat.txt')
  writeFileSync(list, strips.flat().map(quote).join('\n') + '\n')
  const pattern = join(workDir, 'sheet_%d.jpg')
  await run(['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-vf', `tile=${perStrip}x1,setpts=N/TB`, '-fps_mode', 'passthrough', '-q:v', '5', '-start_number', '0', pattern], signal)
  outPaths.forEach((out, i) => renameSync(join(workDir, `sheet_${i}.jpg`), out))
  rmSync(list, { force: true })
}
