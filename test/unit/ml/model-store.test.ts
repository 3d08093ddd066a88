import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChecksumError, SizeError } from '../../../src-main/ml/model-download'
import type { RegistryEntry } from '../../../src-main/ml/model-registry'
import { ModelNotInstalledError, ModelStore, UnpinnedHashError, defaultModelsRoot, type StoreProgress } from '../../../src-main/ml/model-store'
import { startFixtureServer, type FixtureServer } from '../../support/http-fixture-server'
import { repoRoot } from '../../support/python'

// The tiny ViCLIP fixture (real ONNX graphs, random weights) is served over loopback as if it
// were a ready-made ONNX release; the real registry is never touched (entries are injected).
const FIXTURE = join(repoRoot, 'test/fixtures/models/viclip-tiny')
const NAMES = ['manifest.json', 'vision.onnx', 'text.onnx', 'reference.json']
const bodies = Object.fromEntries(NAMES.map((n) => [n, readFileSync(join(FIXTURE, n))]))
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const ID = 'viclip-tiny-random'
const REVISION = (JSON.parse(bodies['manifest.json']!.toString()) as { revision: string }).revision

let root: string
let server: FixtureServer

function entry(over: Partial<Record<string, { sha256?: string | null; bytes?: number | null }>> = {}): RegistryEntry {
  return {
    id: ID, task: 'video-text-similarity', title: 'tiny', licence: 'test', homepage: 'https://example.invalid/', approxDownload: '3 MB',
    install: { kind: 'onnx' },
    files: NAMES.map((name) => ({
      name, url: server.url(name), provenance: 'test',
      sha256: over[name]?.sha256 !== undefined ? over[name].sha256 : sha(bodies[name]!),
      bytes: over[name]?.bytes !== undefined ? over[name].bytes : bodies[name]!.length,
    })),
  }
}

const store = () => new ModelStore({ root, registry: [entry()], retryDelayMs: 0 })
const tmpDirs = () => readdirSync(root).filter((n) => n.startsWith('.tmp-'))

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'model-store-'))
  server = await startFixtureServer(Object.fromEntries(NAMES.map((n) => [n, { body: bodies[n]! }])))
})
afterEach(async () => {
  await server.close()
  rmSync(root, { recursive: true, force: true })
})

describe('install from a loopback server', () => {
  it('downloads, verifies and renames into <root>/<id>/<revision> with installed.json, reporting progress', async () => {
    const events: StoreProgress[] = []
    const r = await store().install(ID, { onProgress: (p) => events.push(p) })
    expect(r.model.dir).toBe(join(root, ID, REVISION))
    for (const n of NAMES) expect(sha(readFileSync(join(r.model.dir, n)))).toBe(sha(bodies[n]!))
    const rec = JSON.parse(readFileSync(join(r.model.dir, 'installed.json'), 'utf8'))
    expect(rec.source.kind).toBe('registry')
    expect(rec.source.files.map((f: { url: string }) => f.url)).toEqual(NAMES.map((n) => server.url(n)))
    const last = events.filter((e) => e.phase === 'download' && e.file === 'text.onnx').at(-1)
    expect(last).toMatchObject({ received: bodies['text.onnx']!.length, total: bodies['text.onnx']!.length })
    expect(events.at(-1)?.phase).toBe('done')
    expect(tmpDirs()).toEqual([])
    // A fresh store (new process) rebuilds the same inventory from disk.
    const again = await store().list()
    expect(again.map((m) => [m.id, m.revision])).toEqual([[ID, REVISION]])
    expect((await store().require(ID)).dir).toBe(r.model.dir)
  })

  it('resumes with an HTTP Range request after the connection drops mid-file', async () => {
    Object.assign(server.files.get('vision.onnx')!, { dropAfter: 200_000, dropTimes: 2 })
    const r = await store().install(ID)
    const vision = server.requests.filter((q) => q.path === 'vision.onnx')
    expect(vision.length).toBe(3)
    expect(vision[0]!.range).toBeNull()
    expect(vision[1]!.range).toMatch(/^bytes=\d+-$/)
    expect(Number(/=(\d+)/.exec(vision[2]!.range!)![1])).toBeGreaterThan(0)
    expect(r.resumes).toBe(2)
    expect(sha(readFileSync(join(r.model.dir, 'vision.onnx')))).toBe(sha(bodies['vision.onnx']!))
  })

  it('follows a hub-style redirect and keeps the Range header when resuming through it', async () => {
    server.files.set('cdn/vision', { body: Buffer.alloc(0), redirectTo: 'vision.onnx' })
    Object.assign(server.files.get('vision.onnx')!, { dropAfter: 300_000, dropTimes: 1 })
    const e = entry()
    const redirected = { ...e, files: e.files.map((f) => (f.name === 'vision.onnx' ? { ...f, url: server.url('cdn/vision') } : f)) }
    const r = await new ModelStore({ root, registry: [redirected], retryDelayMs: 0 }).install(ID)
    expect(server.requests.filter((q) => q.path === 'cdn/vision').map((q) => q.status)).toEqual([302, 302])
    const hops = server.requests.filter((q) => q.path === 'vision.onnx')
    expect(hops.map((q) => q.status)).toEqual([200, 206])
    expect(hops[1]!.range).toMatch(/^bytes=[1-9]\d*-$/)
    expect(sha(readFileSync(join(r.model.dir, 'vision.onnx')))).toBe(sha(bodies['vision.onnx']!))
  })

  it('restarts from zero when the server ignores Range (200 to a ranged request)', async () => {
    Object.assign(server.files.get('vision.onnx')!, { dropAfter: 100_000, dropTimes: 1, ignoreRange: true })
    const r = await store().install(ID)
    expect(sha(readFileSync(join(r.model.dir, 'vision.onnx')))).toBe(sha(bodies['vision.onnx']!))
  })

  it('a wrong sha256 fails with a checksum error naming the file, and nothing is installed', async () => {
    const bad = entry({ 'text.onnx': { sha256: '0'.repeat(64) } })
    const err = await new ModelStore({ root, registry: [bad], retryDelayMs: 0 }).install(ID).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ChecksumError)
    expect((err as Error).message).toMatch(/^text\.onnx: sha256 mismatch: expected 0{64}, got [0-9a-f]{64}/)
    expect(existsSync(join(root, ID))).toBe(false)
    expect(tmpDirs()).toEqual([])
    expect(await store().list()).toEqual([])
  })

  it('a truncated file fails with a size error naming the file, and nothing is installed', async () => {
    server.files.get('vision.onnx')!.body = bodies['vision.onnx']!.subarray(0, 500_000)
    const err = await store().install(ID).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SizeError)
    expect((err as Error).message).toContain(`vision.onnx: size mismatch: expected ${bodies['vision.onnx']!.length} bytes, got 500000`)
    expect(existsSync(join(root, ID))).toBe(false)
    expect(await store().list()).toEqual([])
  })

  it('refuses a file without a published sha256 unless trust-on-first-use, then pins and reports it', async () => {
    const unpinned = entry({ 'vision.onnx': { sha256: null, bytes: null } })
    const s = new ModelStore({ root, registry: [unpinned], retryDelayMs: 0 })
    const err = await s.install(ID).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnpinnedHashError)
    expect((err as Error).message).toContain('--trust-on-first-use')
    expect(server.requests).toEqual([]) // refused before any byte was fetched
    const r = await s.install(ID, { trustOnFirstUse: true })
    expect(r.pinned).toEqual([{ file: 'vision.onnx', sha256: sha(bodies['vision.onnx']!), bytes: bodies['vision.onnx']!.length }])
    const rec = JSON.parse(readFileSync(join(r.model.dir, 'installed.json'), 'utf8'))
    expect(rec.source.files.find((f: { name: string }) => f.name === 'vision.onnx').pinnedBy).toBe('trust-on-first-use')
    // Installing again is a no-op (no flag needed, nothing fetched) until --force.
    const before = server.requests.length
    expect(await s.install(ID)).toMatchObject({ alreadyInstalled: true, model: { dir: r.model.dir } })
    expect(server.requests.length).toBe(before)
    await expect(s.install(ID, { force: true })).rejects.toBeInstanceOf(UnpinnedHashError)
  })

  it('reinstalls when an installed file went missing, or with force', async () => {
    const first = await store().install(ID)
    rmSync(join(first.model.dir, 'text.onnx'))
    const again = await store().install(ID)
    expect(again.alreadyInstalled).toBe(false)
    expect(server.requests.filter((q) => q.path === 'text.onnx').length).toBe(2)
    expect(await store().verify()).toEqual({ checked: 1, problems: [] }) // repaired in place
    const forced = await store().install(ID, { force: true })
    expect(forced.model.dir).toBe(first.model.dir)
    expect(server.requests.filter((q) => q.path === 'text.onnx').length).toBe(3)
    expect(tmpDirs()).toEqual([])
  })

  it('allows only https registry URLs (http only to loopback)', async () => {
    const e = entry()
    const remote = { ...e, files: e.files.map((f) => ({ ...f, url: f.url.replace('127.0.0.1', '192.0.2.1') })) }
    await expect(new ModelStore({ root, registry: [remote] }).install(ID)).rejects.toThrow(/only https URLs/)
  })
})

describe('crash safety', () => {
  it('a cancelled install keeps its partial download for the next run, and installs nothing', async () => {
    const abort = new AbortController()
    const s = store()
    const err = await s
      .install(ID, { signal: abort.signal, onProgress: (p) => p.phase === 'download' && p.file === 'vision.onnx' && abort.abort() })
      .catch((e: unknown) => e)
    expect((err as Error).name).toBe('AbortError')
    expect(await s.list()).toEqual([])
    const [kept] = tmpDirs()
    expect(readdirSync(join(root, kept!, 'downloads'))).toContain('manifest.json') // finished before the cancel
    // This process is alive, so its own temp dir is not adopted by a concurrent install;
    // a new process would adopt it (see below). Mark it dead to simulate that.
    writeFileSync(join(root, kept!, 'pending.json'), JSON.stringify({ id: ID, pid: spawnSync(process.execPath, ['-e', '0']).pid }))
    const before = server.requests.filter((q) => q.path === 'manifest.json').length
    await s.install(ID)
    expect(server.requests.filter((q) => q.path === 'manifest.json').length).toBe(before) // not fetched again
    expect(tmpDirs()).toEqual([])
  })

  it('a crashed install is not listed, and the next install resumes its .part and cleans up', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid // exited: its pid is not alive
    const tmp = join(root, '.tmp-crashed')
    mkdirSync(join(tmp, 'downloads'), { recursive: true })
    writeFileSync(join(tmp, 'pending.json'), JSON.stringify({ id: ID, pid: dead }))
    writeFileSync(join(tmp, 'downloads', 'vision.onnx.part'), bodies['vision.onnx']!.subarray(0, 123_456))
    // Even a fully assembled model folder inside a temp dir must not count as installed.
    cpSync(FIXTURE, join(tmp, 'model'), { recursive: true })
    expect(await store().list()).toEqual([])
    expect(await store().verify()).toEqual({ checked: 0, problems: [] }) // not even seen as a broken model
    await expect(store().require(ID)).rejects.toBeInstanceOf(ModelNotInstalledError)

    const r = await store().install(ID)
    expect(server.requests.find((q) => q.path === 'vision.onnx')?.range).toBe('bytes=123456-')
    expect(r.resumes).toBe(1)
    expect(sha(readFileSync(join(r.model.dir, 'vision.onnx')))).toBe(sha(bodies['vision.onnx']!))
    expect(tmpDirs()).toEqual([])
  })

  it('cleanStale removes temp dirs of dead processes and keeps live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid
    for (const [name, pid] of [['.tmp-dead', dead], ['.tmp-live', process.pid]] as const) {
      mkdirSync(join(root, name))
      writeFileSync(join(root, name, 'pending.json'), JSON.stringify({ id: 'x', pid }))
    }
    expect(await store().cleanStale()).toEqual([join(root, '.tmp-dead')])
    expect(tmpDirs()).toEqual(['.tmp-live'])
  })
})

describe('add, verify, require', () => {
  let src: string
  beforeEach(() => {
    src = mkdtempSync(join(tmpdir(), 'model-add-'))
    cpSync(FIXTURE, src, { recursive: true })
    // An export folder carries the tokenizer merges its manifest names (from ../shared/assets here).
    copyFileSync(join(repoRoot, '..', 'shared', 'assets', 'tokenizer', 'bpe_simple_vocab_16e6.txt.gz'), join(src, 'bpe_simple_vocab_16e6.txt.gz'))
  })

  it('add refuses a ViCLIP folder without the tokenizer merges its manifest names', async () => {
    rmSync(join(src, 'bpe_simple_vocab_16e6.txt.gz'))
    await expect(store().add(src)).rejects.toThrow(/bpe_simple_vocab_16e6\.txt\.gz: the tokenizer file named in manifest\.json is missing/)
    writeFileSync(join(src, 'bpe_simple_vocab_16e6.txt.gz'), 'not the merges')
    await expect(store().add(src)).rejects.toThrow(/not the published CLIP BPE merges/)
  })
  afterEach(() => rmSync(src, { recursive: true, force: true }))

  it('add registers a locally exported folder by copying and verifying it', async () => {
    const r = await store().add(src)
    expect(r.model).toMatchObject({ id: ID, revision: REVISION, dir: join(root, ID, REVISION) })
    rmSync(src, { recursive: true }) // the store holds its own copy
    expect((await store().require(ID)).manifest.graphs.vision?.file).toBe('vision.onnx')
    expect(JSON.parse(readFileSync(join(r.model.dir, 'installed.json'), 'utf8')).source).toEqual({ kind: 'local', from: src })
  })

  it('add refuses a folder whose file does not match its manifest, naming the file', async () => {
    const buf = readFileSync(join(src, 'text.onnx'))
    buf[1000] = buf[1000]! ^ 0xff
    writeFileSync(join(src, 'text.onnx'), buf)
    await expect(store().add(src)).rejects.toThrow(/text\.onnx: sha256 [0-9a-f]{64} does not match manifest\.json/)
    expect(readdirSync(root)).toEqual([])
  })

  it('verify detects a flipped byte and a truncated file, naming each', async () => {
    const { model } = await store().add(src)
    expect(await store().verify()).toEqual({ checked: 1, problems: [] })
    const vision = join(model.dir, 'vision.onnx')
    const buf = readFileSync(vision)
    buf[4242] = buf[4242]! ^ 0x01
    writeFileSync(vision, buf)
    writeFileSync(join(model.dir, 'reference.json'), readFileSync(join(model.dir, 'reference.json')).subarray(0, 10))
    const { problems } = await store().verify(ID)
    expect(problems).toEqual([
      { id: ID, revision: REVISION, file: vision, problem: 'corrupt: sha256 does not match manifest.json' },
      { id: ID, revision: REVISION, file: join(model.dir, 'reference.json'), problem: expect.stringMatching(/^truncated or grown: 10 bytes/) },
    ])
  })

  it('require names the install command when a model is missing', async () => {
    await expect(store().require('viclip-b16-hf')).rejects.toThrow(
      'model "viclip-b16-hf" is not installed — install it with: vicurate models install viclip-b16-hf',
    )
    expect(await store().get('viclip-b16-hf')).toBeNull()
  })
})

describe('models root', () => {
  it('uses VICURATE_MODELS_DIR, else VICURATE_HOME/models, else ~/.local/share/vicurate/models', () => {
    expect(defaultModelsRoot({ VICURATE_MODELS_DIR: '/m', VICURATE_HOME: '/h' })).toBe('/m')
    expect(defaultModelsRoot({ VICURATE_HOME: '/h' })).toBe('/h/models')
    expect(defaultModelsRoot({})).toMatch(/\.local\/share\/vicurate\/models$/)
  })
})
