import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RegistryEntry } from '../../../src-main/ml/model-registry'
import { ModelStore } from '../../../src-main/ml/model-store'
import { runCrashHarness, type CrashStage, type RunDir } from '../../support/crash-harness'
import { repoRoot } from '../../support/python'

/**
 * `vicurate models install` killed -9 at seeded random moments while it downloads the tiny CLIP
 * image fixture (3 files, 341 kB) from a loopback server that sends it slowly, then run again.
 */
const FIXTURE = join(repoRoot, 'test/fixtures/models/clip-image-tiny')
const NAMES = ['manifest.json', 'image.onnx', 'reference.json']
const bodies = new Map(NAMES.map((n) => [n, readFileSync(join(FIXTURE, n))]))
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const MANIFEST = JSON.parse(bodies.get('manifest.json')!.toString()) as { id: string; revision: string }
/** ~200 kB/s: the download takes ~1.7 s, about as long as the CLI's start on a loaded 2-core
 * machine, so kills land in it as well as in Node's start (the tally below checks that). */
const CHUNK = 16 * 1024
const CHUNK_EVERY_MS = 80

/** Serves the fixture files with Range support, CHUNK bytes every CHUNK_EVERY_MS per request. */
async function startSlowServer(): Promise<{ url: (name: string) => string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1))
    const body = bodies.get(name)
    if (!body) return void res.writeHead(404).end()
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    const start = m ? Number(m[1]) : 0
    if (start >= body.length) return void res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end()
    res.writeHead(m ? 206 : 200, {
      'Content-Length': body.length - start,
      'Accept-Ranges': 'bytes',
      ...(m && { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` }),
    })
    let at = start
    const tick = () => {
      if (res.destroyed) return
      const end = Math.min(at + CHUNK, body.length)
      res.write(body.subarray(at, end))
      at = end
      if (at >= body.length) res.end()
      else setTimeout(tick, CHUNK_EVERY_MS)
    }
    tick()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  }
}

let server: Awaited<ReturnType<typeof startSlowServer>>
let entry: RegistryEntry
beforeAll(async () => {
  server = await startSlowServer()
  entry = {
    id: MANIFEST.id, task: 'image-embedding', title: 'tiny CLIP image tower (random weights)', licence: 'test fixture',
    homepage: 'https://example.invalid/', approxDownload: '0.3 MB', install: { kind: 'onnx' },
    files: NAMES.map((name) => ({ name, url: server.url(name), sha256: sha(bodies.get(name)!), bytes: bodies.get(name)!.length, provenance: 'test fixture' })),
  }
})
afterAll(() => server?.close())

const modelsDir = (run: RunDir) => join(run.dir, 'models')
const storeOf = (run: RunDir) => new ModelStore({ root: modelsDir(run), registry: [entry] })

/** Every file under `root`, relative, sorted (dot-folders included). */
function filesUnder(root: string, dir = root): string[] {
  let out: string[] = []
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name)
    out = d.isDirectory() ? out.concat(filesUnder(root, p)) : out.concat(relative(root, p))
  }
  return out.sort()
}

/** What list and verify say, the bytes of what is installed, and anything an install left aside. */
async function storeState(run: RunDir) {
  const store = storeOf(run)
  const listed = await store.list()
  const verified = await store.verify()
  const root = modelsDir(run)
  return {
    listed: listed.map((m) => ({ id: m.id, revision: m.revision, dir: relative(root, m.dir), recorded: m.installed?.files ?? null })),
    installedSha256: Object.fromEntries(listed.flatMap((m) => NAMES.map((n) => [`${m.revision}/${n}`, sha(readFileSync(join(m.dir, n)))]))),
    verify: verified,
    // Temp folders, partial downloads, pending markers: none may outlive the resume.
    leftovers: filesUnder(root).filter((f) => f.split('/').some((part) => part.startsWith('.tmp-')) || f.endsWith('.part')),
    files: filesUnder(root),
  }
}

/** Where the kills landed, from what each left: shows they hit the download, not only Node's start. */
const landedIn = { 'no store folder yet': 0, 'download under way (.part)': 0, 'temp folder, no .part': 0, installed: 0 }
function tally(run: RunDir, listed: number): void {
  const files = filesUnder(modelsDir(run))
  if (listed > 0) landedIn.installed++
  else if (files.some((f) => f.endsWith('.part'))) landedIn['download under way (.part)']++
  else landedIn['temp folder, no .part']++
}

const installStage: CrashStage = {
  name: 'model-install',
  cli: join(__dirname, 'model-install-cli.ts'),
  async setup() {
    return { env: { VICURATE_TEST_MODEL_ENTRY: JSON.stringify(entry) } }
  },
  args: (run) => ['models', '--models-dir', modelsDir(run), 'install', entry.id],
  outcome: storeState,
  // Killed and not resumed: the model is either not listed at all, or listed complete and sound.
  async afterKill(run) {
    try {
      statSync(modelsDir(run))
    } catch {
      landedIn['no store folder yet']++
      return null
    }
    const store = storeOf(run)
    const listed = await store.list()
    tally(run, listed.length)
    if (listed.length === 0) return null
    if (listed.length > 1) return `${listed.length} revisions listed after one install`
    const { problems } = await store.verify()
    if (problems.length > 0) return `listed as installed but verify finds: ${problems.map((p) => `${p.file}: ${p.problem}`).join('; ')}`
    for (const n of NAMES) {
      if (sha(readFileSync(join(listed[0]!.dir, n))) !== sha(bodies.get(n)!)) return `listed as installed with a wrong ${n}`
    }
    return null
  },
}

describe('crash harness: model install (vicurate models install)', () => {
  it('after kill -9 at 20 seeded random moments and a re-run, the model is installed exactly once with the published sha256, list and verify agree, no temp or .part files remain, and a killed install is never listed unless complete', async () => {
    const r = await runCrashHarness(installStage)
    expect(r.landed).toBeGreaterThanOrEqual(r.kills)
    console.info(`model-install kills landed in: ${JSON.stringify(landedIn)}`)
    expect(landedIn['download under way (.part)'], 'kills that landed mid-download').toBeGreaterThanOrEqual(3)
    const ref = r.referenceOutcome as Awaited<ReturnType<typeof storeState>>
    const dir = join(MANIFEST.id, MANIFEST.revision)
    expect(ref.listed).toEqual([{ id: MANIFEST.id, revision: MANIFEST.revision, dir, recorded: expect.any(Array) }])
    expect(ref.installedSha256).toEqual(Object.fromEntries(NAMES.map((n) => [`${MANIFEST.revision}/${n}`, sha(bodies.get(n)!)])))
    expect(ref.verify).toEqual({ checked: 1, problems: [] })
    expect(ref.leftovers).toEqual([])
    expect(ref.files).toEqual([...NAMES, 'installed.json'].map((n) => join(dir, n)).sort())
  }, 600_000)
})

describe('model install: the windows a uniform kill time almost never hits, set up by hand', () => {
  let root: string
  const run = (): RunDir => ({ dir: root, project: join(root, 'unused.vicurate') })
  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'model-windows-'))
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('a kill after the final rename, before the temp folder was removed: the re-run reports it installed and removes that folder', async () => {
    const store = storeOf(run())
    expect((await store.install(entry.id)).alreadyInstalled).toBe(false)
    // What finalize() leaves between rename(model → <id>/<revision>) and rm(temp): pending.json only.
    const left = join(modelsDir(run()), `.tmp-${deadPid()}-0a1b2c`)
    mkdirSync(left)
    writeFileSync(join(left, 'pending.json'), JSON.stringify({ id: entry.id, pid: deadPid() }))
    expect((await storeOf(run()).install(entry.id)).alreadyInstalled).toBe(true)
    expect((await storeState(run())).leftovers).toEqual([])
  })

  it('a kill between creating the temp folder and writing pending.json: the next install removes the unmarked folder of the dead process', async () => {
    const dir = modelsDir(run())
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(join(dir, `.tmp-${deadPid()}-3d4e5f`), { recursive: true })
    // and one killed while writing pending.json (written beside it, then renamed)
    const halfMarked = join(dir, `.tmp-${deadPid()}-6a7b8c`)
    mkdirSync(halfMarked)
    writeFileSync(join(halfMarked, 'pending.json.tmp'), '{"id": "clip-im')
    await storeOf(run()).install(entry.id)
    const state = await storeState(run())
    expect(state.leftovers).toEqual([])
    expect(state.verify).toEqual({ checked: 1, problems: [] })
  })
})
