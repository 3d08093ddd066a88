import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { openProject } from '../../src-main/core/project-context'
import { readManifest } from '../../src-main/ml/manifest'
import { ModelStore } from '../../src-main/ml/model-store'
import { keepRate } from '../../src-main/services/filter.service'
import { listClips } from '../../src-main/services/review.service'
import { createBigProject } from '../../test/support/big-project'
import { mulberry32 } from '../../test/support/jsonl-fixtures'
import { SHARED_ASSETS } from '../../test/support/temp-project'

/**
 * What the UI benchmark runs against: a generated project (built once, reused while its clip
 * count matches), the tiny ViCLIP fixture installed in a model store of its own, the renderer
 * built by electron-vite, and `vicurate serve` started the way the e2e setup starts it.
 */

export const ROOT = join(__dirname, '..', '..')
export const WORK = join(ROOT, 'bench', 'tmp', 'ui')
/** The clip whose caption the keystroke phase edits: the first card, selected on load. */
export const EDITED_CLIP = 1

export interface Fixture {
  project: string
  clips: number
  built: { reused: boolean; seconds: number }
  modelsDir: string
  model: { id: string; revision: string }
}

export function prepareProject(clips: number): Fixture {
  mkdirSync(WORK, { recursive: true })
  const path = join(WORK, `clips-${clips}.vicurate`)
  const built = createBigProject(path, { clips, reuse: true })
  const modelsDir = join(WORK, 'models')
  return { project: built.path, clips, built: { reused: built.reused, seconds: +(built.ms / 1000).toFixed(1) }, modelsDir, model: { id: '', revision: '' } }
}

/**
 * Installs the tiny random-weight ViCLIP test fixture (test/fixtures/models/viclip-tiny) through
 * the real model store, selects it in the project and stores one video embedding for the edited
 * clip. The generated clips have no media, so that embedding is a seeded random unit vector: the
 * similarity it gives is meaningless, but the re-score does exactly the work of a real one.
 */
export async function installTinyViclip(fx: Fixture): Promise<void> {
  const source = join(ROOT, 'test', 'fixtures', 'models', 'viclip-tiny')
  const store = new ModelStore({ root: fx.modelsDir })
  const wanted = await readManifest(source)
  let model = await store.get(wanted.id)
  if (model?.revision !== wanted.revision) {
    // Laid out as an install finds it: the fixture plus the CLIP merges from ../shared/assets.
    const staging = join(WORK, 'viclip-tiny-staging')
    rmSync(staging, { recursive: true, force: true })
    cpSync(source, staging, { recursive: true })
    copyFileSync(join(SHARED_ASSETS, 'tokenizer', 'bpe_simple_vocab_16e6.txt.gz'), join(staging, 'bpe_simple_vocab_16e6.txt.gz'))
    model = (await store.add(staging)).model
    rmSync(staging, { recursive: true, force: true })
  }
  fx.model = { id: model.id, revision: model.revision }

  const ctx = openProject(fx.project, { check: 'off' })
  try {
    ctx.repos.settings.set('models', { similarity: model.id })
    // CPU explicitly: 'auto' would first try CUDA and log why it fell back, on every serve start.
    ctx.repos.settings.set('ml', { provider: 'cpu', threads: null, batchSize: 4 })
    const random = mulberry32(7)
    const v = Float32Array.from({ length: model.manifest.embeddingDim }, () => random() - 0.5)
    const norm = Math.hypot(...v)
    ctx.repos.scores.putEmbedding(EDITED_CLIP, model, v.map((x) => x / norm))
  } finally {
    // Not ctx.close(): that backs up a changed project, minutes of copying for a fixture.
    ctx.db.close()
  }
}

export interface FilterTarget {
  min: number
  /** aria-label of the first card once the grid shows this filter's first page. */
  firstCard: string
  /** Start of the keep-rate readout for this filter ("12,345 clips"). */
  count: string
}

/** The first page and count each similarity minimum must produce, from the services the server runs. */
export function filterTargets(fx: Fixture, mins: number[]): FilterTarget[] {
  const ctx = openProject(fx.project, { check: 'off' })
  try {
    return mins.map((min) => {
      const filters = { similarity: { min } }
      const first = listClips(ctx, { status: 'all', filters, limit: 1 }).items[0]
      const n = keepRate(ctx, { status: 'all', filters }).clips
      if (!first) throw new Error(`similarity ≥ ${min} matches no clip`)
      return { min, firstCard: `Clip ${first.id}`, count: `${n.toLocaleString('en-US')} clip${n === 1 ? '' : 's'}` }
    })
  } finally {
    ctx.db.close()
  }
}

/** `electron-vite build`: the renderer `vicurate serve` hands out is out/renderer. */
export function buildRenderer(): number {
  const t0 = performance.now()
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`)
  return +((performance.now() - t0) / 1000).toFixed(1)
}

export function rendererBuilt(): boolean {
  return existsSync(join(ROOT, 'out', 'renderer', 'index.html'))
}

/** `vicurate serve <project>`; resolves with the token URL it prints, as test/e2e/global-setup.ts reads it. */
export async function startServe(fx: Fixture): Promise<{ child: ChildProcess; openUrl: string }> {
  const child = spawn(join(ROOT, 'bin', 'vicurate'), ['serve', fx.project], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VICURATE_MODELS_DIR: fx.modelsDir },
  })
  let log = ''
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vicurate serve did not start:\n${log}`)), 120_000)
    const onData = (d: Buffer) => {
      log += d.toString()
      const m = /open: (http:\/\/\S+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`vicurate serve exited with ${code}:\n${log}`)))
  })
  return { child, openUrl }
}

export async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

/** Commit and how many renderer files differ from it: the build is of the working tree. */
export function sourceState(): { commit: string; uncommittedRendererFiles: number } {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim()
  return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedRendererFiles: git('status', '--porcelain', '--', 'src-renderer').split('\n').filter(Boolean).length }
}
