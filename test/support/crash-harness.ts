import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import Database from 'better-sqlite3'
import { expect } from 'vitest'
import { openProject, type ProjectContext } from '../../src-main/core/project-context'
import { mulberry32 } from './jsonl-fixtures'

/**
 * Crash harness: kill -9 a CLI command at seeded random moments, resume it, and compare the
 * project with an uninterrupted reference run.
 *
 * A stage is one descriptor (see test/unit/reliability/crash-*.test.ts). Its `setup` prepares a
 * workspace folder once (the project, and any files the command writes over); every run,
 * reference or killed, starts from its own copy of that workspace, so nothing is re-ingested per
 * kill. Kill times are drawn uniformly over the measured wall time of an uninterrupted run, so
 * kills land in every phase in proportion to its length (startup and integrity check included:
 * a crash there is as real as one mid-write).
 *
 * Knobs (environment): VICURATE_CRASH_SEED, VICURATE_CRASH_KILLS, VICURATE_CRASH_JOBS,
 * VICURATE_CRASH_CLI. A failure names the stage, seed, kill number and kill time, and keeps its
 * run folder.
 */

const ROOT = join(__dirname, '..', '..')
export const BIN = join(ROOT, 'bin', 'vicurate')
/**
 * What bin/vicurate runs, started directly: the launcher's own Node start would add 0.1–0.3 s to
 * each of the ~2 runs per kill. Same Node choice as the launcher (>= 22, else the bundled one).
 */
const NODE = Number(process.versions.node.split('.')[0]) >= 22 ? process.execPath : join(ROOT, 'node_modules', 'node', 'bin', 'node')
/** VICURATE_CRASH_CLI points the killed commands at another copy of src-main/cli/main.ts, e.g.
 * a deliberately broken one, to check that the harness catches the breakage. */
export const CLI_MAIN = process.env.VICURATE_CRASH_CLI ?? join(ROOT, 'src-main', 'cli', 'main.ts')
const TSX = ['--require', join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs')]
export const PROJECT = 'project.vicurate'
export const DEFAULT_KILLS = 20
/** Override to explore other kill times; every failure message names the seed that produced it. */
export const DEFAULT_SEED = 20_250_611

export interface RunDir {
  /** This run's copy of the workspace. */
  dir: string
  /** `<dir>/project.vicurate`, its data folder `<dir>/project.vicurate.d` copied too (the
   * workspace's own project for a stage that `readsProjectOnly`). */
  project: string
}

export interface CrashStage {
  name: string
  /** Once: inputs go to `inputs` (shared by all runs), the project and other state to `workspace`. */
  setup(inputs: string, workspace: RunDir): Promise<{ env?: NodeJS.ProcessEnv } | void>
  /** Curator work recorded on the workspace before any run; it must survive every kill + resume. */
  curate?(ctx: ProjectContext): void
  /** The CLI arguments (after `vicurate`) of the command under test, for one run. */
  args(run: RunDir, inputs: string): string[]
  /** What the command leaves behind in the project, comparable with the reference (numbers within 1e-6). */
  snapshot?(db: Database.Database, run: RunDir): unknown
  /**
   * For a command that works on no project (a model install): what it leaves in the run folder,
   * given instead of `snapshot`. No project health or curator work is compared then.
   */
  outcome?(run: RunDir): unknown | Promise<unknown>
  /** The script run instead of src-main/cli/main.ts (a wrapper that prepares something first). */
  cli?: string
  /**
   * The command only reads the project (export): runs share the workspace's project instead of
   * copying it (it may be large), and every run still checks its health and curator work.
   */
  readsProjectOnly?: boolean
  /** Checked right after a kill, before the resume; returns a problem or null. */
  afterKill?(run: RunDir, reference: RunDir, workspace: RunDir): string | null | Promise<string | null>
}

export interface CrashReport {
  /** Kills asked for; `landed` counts those that hit a running process. */
  kills: number
  seed: number
  referenceMs: number
  /** The span the last kills were drawn over (the fastest uninterrupted run seen). */
  spanMs: number
  attempts: number
  landed: number
  wallMs: number
  /** What the uninterrupted reference run left (its snapshot or outcome), for the test to check. */
  referenceOutcome: unknown
}

interface Exit {
  ms: number
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
}

/**
 * Runs the CLI in its own process group and, with `killAtMs`, kill -9s that whole group from
 * here: the Node CLI and any ffmpeg it started die together, as when the app is killed, and no
 * orphan keeps writing into the run folder while the resume runs.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, killAtMs?: number, cli = CLI_MAIN): Promise<Exit> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(NODE, [...TSX, cli, ...args], { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env })
    let stderr = ''
    let ms = 0
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)))
    const timer = killAtMs === undefined ? null : setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // it finished first
      }
    }, killAtMs)
    child.on('exit', () => {
      ms = performance.now() - t0
      // Before its pid (the group id) can be reused by an unrelated process.
      if (timer) clearTimeout(timer)
    })
    child.on('close', (code, signal) => resolve({ ms, code, signal, stderr }))
  })
}

/** The first place `actual` differs from `expected` (numbers within `tol`), or null. */
export function firstDifference(actual: unknown, expected: unknown, tol = 1e-6, path = '$'): string | null {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= tol || (Number.isNaN(actual) && Number.isNaN(expected)) ? null : `${path}: ${actual} ≠ ${expected} (reference)`
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: ${JSON.stringify(actual)?.slice(0, 200)} is not an array`
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
      const d = firstDifference(actual[i], expected[i], tol, `${path}[${i}]`)
      if (d) return d
    }
    return actual.length === expected.length ? null : `${path}: ${actual.length} items ≠ ${expected.length} (reference)`
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${path}: ${JSON.stringify(actual)} is not an object`
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)])
    for (const k of keys) {
      const d = firstDifference((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], tol, `${path}.${k}`)
      if (d) return d
    }
    return null
  }
  return Object.is(actual, expected) ? null : `${path}: ${JSON.stringify(actual)?.slice(0, 200)} ≠ ${JSON.stringify(expected)?.slice(0, 200)} (reference)`
}

/** `SELECT v.source_id, c.start_s, c.end_s` identity of a clip, for joins in snapshots. */
export const CLIP_KEY = 'v.source_id, c.start_s, c.end_s'
export const CLIP_JOIN = 'clips c JOIN videos v ON v.id = c.video_id'

/** The clips as (video, start, end), with the duplicates listed first so a duplicate reads plainly. */
export function clipSet(db: Database.Database): { duplicates: unknown[]; count: number; clips: unknown[] } {
  return {
    duplicates: db.prepare(`SELECT ${CLIP_KEY}, count(*) FROM ${CLIP_JOIN} GROUP BY 1, 2, 3 HAVING count(*) > 1`).raw().all(),
    count: db.prepare('SELECT count(*) FROM clips').pluck().get() as number,
    clips: db.prepare(`SELECT ${CLIP_KEY} FROM ${CLIP_JOIN} ORDER BY 1, 2, 3`).raw().all(),
  }
}

/** Decisions and caption edits: the audit events, and each touched clip's status and caption. */
function curatorWork(db: Database.Database): { events: unknown[]; clips: unknown[] } {
  return {
    events: db.prepare(`SELECT ${CLIP_KEY}, e.kind, e.action, e.value_before, e.value_after, e.reason, e.reviewer
      FROM review_events e JOIN clips c ON c.id = e.clip_id JOIN videos v ON v.id = c.video_id ORDER BY e.id`).raw().all(),
    // A clip's caption is curator work only once a curator edited it: a stage may caption an
    // accepted clip (the caption job does), but must never touch an edited caption.
    clips: db.prepare(`SELECT ${CLIP_KEY}, c.status,
        CASE WHEN EXISTS (SELECT 1 FROM review_events e WHERE e.clip_id = c.id AND e.kind = 'caption') THEN c.caption END
      FROM ${CLIP_JOIN} WHERE c.id IN (SELECT clip_id FROM review_events) ORDER BY 1, 2, 3`).raw().all(),
  }
}

/**
 * Whole-file health that every stage must keep: full integrity check, foreign keys, no unfinished
 * steps, and no job row left 'running' or 'queued' (the killed run's row is 'interrupted' once the
 * resume opened the project).
 */
function health(db: Database.Database) {
  return {
    integrity: (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check),
    foreignKeyViolations: (db.pragma('foreign_key_check') as unknown[]).length,
    clipStepsNotDone: db.prepare("SELECT step, status, count(*) FROM clip_steps WHERE status <> 'done' GROUP BY 1, 2").raw().all(),
    jobsUnfinished: db.prepare("SELECT name, status, count(*) FROM jobs WHERE status IN ('queued', 'running') GROUP BY 1, 2").raw().all(),
  }
}

/** What a run left: project health, curator work and the stage's snapshot, or its `outcome`. */
async function resultOf(stage: CrashStage, run: RunDir, curated: boolean): Promise<{ health: ReturnType<typeof health> | null; curated: ReturnType<typeof curatorWork> | null; outcome: unknown }> {
  if (stage.outcome) return { health: null, curated: null, outcome: await stage.outcome(run) }
  return withDb(run.project, (db) => ({ health: health(db), curated: curated ? curatorWork(db) : null, outcome: stage.snapshot!(db, run) }))
}

function withDb<T>(project: string, f: (db: Database.Database) => T): T {
  const db = new Database(project, { readonly: true, fileMustExist: true })
  try {
    return f(db)
  } finally {
    db.close()
  }
}

/** Copies the workspace, leaving out backups: they are the stage's by-product, not its input. */
function copyRun(workspace: RunDir, dir: string, shareProject = false): RunDir {
  const skip = (name: string) => name === 'backups' || (shareProject && name.startsWith(PROJECT))
  cpSync(workspace.dir, dir, { recursive: true, filter: (src) => !skip(basename(src)) })
  return { dir, project: shareProject ? workspace.project : join(dir, PROJECT) }
}

interface Shared {
  stage: CrashStage
  seed: number
  env: NodeJS.ProcessEnv
  inputs: string
  workspace: RunDir
  reference: RunDir
  expected: { health: ReturnType<typeof health> | null; outcome: unknown }
  curated: ReturnType<typeof curatorWork> | null
}

/** One kill: copy the workspace, kill -9 the command at `killAt`, resume it, compare. */
async function killAndResume(s: Shared, n: number, u: number, span: number, root: string, jobs: number): Promise<{ landed: boolean; ms: number }> {
  const killAt = u * span
  const label = `${s.stage.name}, seed ${s.seed}, kill #${n} at ${killAt.toFixed(0)} ms (u=${u.toFixed(4)} of a ${span.toFixed(0)} ms uninterrupted run; ${jobs} kills at a time)`
  const run = copyRun(s.workspace, join(root, `kill-${n}`), s.stage.readsProjectOnly)
  const killed = await runCli(s.stage.args(run, s.inputs), s.env, killAt, s.stage.cli)
  const landed = killed.signal === 'SIGKILL'
  if (!landed) expect(killed.code, `${label}: finished before the kill but failed: ${killed.stderr}`).toBe(0)
  const problem = (await s.stage.afterKill?.(run, s.reference, s.workspace)) ?? null
  expect(problem, `${label}, right after the kill (${run.dir})`).toBeNull()

  const resumed = await runCli(s.stage.args(run, s.inputs), s.env, undefined, s.stage.cli)
  expect(resumed.code, `${label}: the resume failed (${run.dir}): ${resumed.stderr}`).toBe(0)
  const after = await resultOf(s.stage, run, s.curated !== null)
  expect(after.health, `${label}: project unhealthy after the resume (${run.dir})`).toEqual(s.expected.health)
  if (s.curated) expect(firstDifference(after.curated, s.curated, 0), `${label}: curator work changed (${run.dir})`).toBeNull()
  expect(firstDifference(after.outcome, s.expected.outcome), `${label}: resumed outcome differs from the reference (${run.dir})`).toBeNull()
  rmSync(run.dir, { recursive: true, force: true })
  return { landed, ms: killed.ms }
}

/**
 * Prepares the stage, runs it once uninterrupted (the reference, timed), then until `kills`
 * kills have landed: copy the workspace, start the command, kill -9 it at a seeded random moment
 * in [0, run time), run the same command again, and require the reference's outcome. Runs that
 * finish before their kill time still resume (a re-run must change nothing) but do not count.
 * `jobs` kills run side by side (default 2: the commands are mostly single-threaded; set
 * VICURATE_CRASH_JOBS=1 to replay a failure alone).
 */
export async function runCrashHarness(stage: CrashStage, opts: { kills?: number; seed?: number; jobs?: number } = {}): Promise<CrashReport> {
  if (!stage.snapshot === !stage.outcome) throw new Error(`crash stage ${stage.name}: give exactly one of snapshot (a project) and outcome (no project)`)
  const kills = Number(process.env.VICURATE_CRASH_KILLS ?? opts.kills ?? DEFAULT_KILLS)
  const seed = Number(process.env.VICURATE_CRASH_SEED ?? opts.seed ?? DEFAULT_SEED)
  const jobs = Math.max(1, Number(process.env.VICURATE_CRASH_JOBS ?? opts.jobs ?? 2))
  const started = performance.now()
  const root = mkdtempSync(join(tmpdir(), `vicurate-crash-${stage.name}-`))
  let keep = false
  try {
    const inputs = join(root, 'inputs')
    mkdirSync(inputs)
    const workspace: RunDir = { dir: join(root, 'workspace'), project: join(root, 'workspace', PROJECT) }
    mkdirSync(workspace.dir)
    const env = { ...process.env, ...(await stage.setup(inputs, workspace))?.env }
    let curated: ReturnType<typeof curatorWork> | null = null
    if (stage.curate) {
      const ctx = openProject(workspace.project)
      try {
        stage.curate(ctx)
      } finally {
        ctx.close()
      }
      curated = withDb(workspace.project, curatorWork)
      expect(curated.events.length, `${stage.name}: curate() recorded no decision or edit`).toBeGreaterThan(0)
    }

    const reference = copyRun(workspace, join(root, 'reference'), stage.readsProjectOnly)
    const ref = await runCli(stage.args(reference, inputs), env, undefined, stage.cli)
    expect(ref.code, `${stage.name}: the uninterrupted reference run failed: ${ref.stderr}`).toBe(0)
    const expected = await resultOf(stage, reference, curated !== null)
    if (!stage.outcome) expect(expected.health, `${stage.name}: the reference run itself is unhealthy`).toEqual({ integrity: ['ok'], foreignKeyViolations: 0, clipStepsNotDone: [], jobsUnfinished: [] })
    if (curated) expect(firstDifference(expected.curated, curated, 0), `${stage.name}: the reference run itself changed curator work`).toBeNull()
    const shared: Shared = { stage, seed, env, inputs, workspace, reference, expected, curated }

    const rnd = mulberry32(seed ^ [...stage.name].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7))
    let landed = 0
    let attempts = 0
    let running = 0
    // The span kills are drawn over. A run that ends before its kill time was itself an
    // uninterrupted run, and a faster one (the reference may have met a busy machine): its time
    // becomes the span, so later draws land instead of being wasted past the end.
    let span = ref.ms
    keep = true // a failing run's folder stays for inspection; its path is in the message
    // A pool of `jobs` kills; draws are taken in order, so kill #n always gets the same u.
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        while (running < jobs && landed + running < kills && attempts < kills * 3) {
          running++
          killAndResume(shared, attempts++, rnd(), span, root, jobs).then((r) => {
            running--
            if (r.landed) landed++
            else span = Math.min(span, r.ms)
            pump()
          }, reject)
        }
        if (running === 0) resolve()
      }
      pump()
    })
    expect(landed, `${stage.name}, seed ${seed}: only ${landed} of ${attempts} kills landed before the run ended`).toBeGreaterThanOrEqual(kills)
    keep = false
    const report = { kills, seed, referenceMs: ref.ms, spanMs: span, attempts, landed, wallMs: performance.now() - started, referenceOutcome: expected.outcome }
    console.info(`crash harness ${stage.name}: seed ${seed}, reference ${ref.ms.toFixed(0)} ms (span ${span.toFixed(0)} ms), ${landed}/${attempts} kills landed, ${jobs} at a time, ${(report.wallMs / 1000).toFixed(1)} s`)
    return report
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true })
  }
}
