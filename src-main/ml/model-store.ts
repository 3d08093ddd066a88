import { createHash } from 'node:crypto'
import { constants as fsc } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { writeHfManifest } from './captioning/hf-manifest'
import { readManifest, sha256File, verifyManifestFiles, type ModelManifest } from './manifest'
import { ChecksumError, DownloadError, SizeError, downloadFile, runExport, writeAestheticManifest, type DownloadProgress, type ExportRunner } from './model-download'
import { CLIP_BPE_MERGES, findEntry, MODEL_REGISTRY, type ModelRegistry, type RegistryEntry } from './model-registry'
import { claimTemp, removeDeadTemps } from './model-store-temps'

/**
 * Installed models live in `<root>/<id>/<revision>/` (manifest.json, graphs, installed.json).
 * Everything is assembled in `<root>/.tmp-<pid>-<random>/` (model-store-temps.ts) and renamed
 * into place only after every file is verified, so a crash never leaves a folder that looks
 * installed; the inventory is rebuilt from the manifests on disk each time (no index to drift).
 * Dot-folders are never listed.
 */
export class ModelStoreError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ModelStoreError'
  }
}

export class ModelNotInstalledError extends ModelStoreError {
  constructor(readonly id: string) {
    super(`model "${id}" is not installed — install it with: vicurate models install ${id}`)
    this.name = 'ModelNotInstalledError'
  }
}

export class UnpinnedHashError extends ModelStoreError {
  constructor(readonly id: string, readonly files: string[]) {
    super(
      `model "${id}": no published sha256 for ${files.join(', ')}, so the download cannot be verified; ` +
        `rerun with --trust-on-first-use to download it anyway and pin (and print) the hash it computes`,
    )
    this.name = 'UnpinnedHashError'
  }
}

export interface InstalledRecord {
  id: string
  revision: string
  installedAt: string
  source:
    | { kind: 'registry'; command: string | null; files: { name: string; url: string; sha256: string; bytes: number; pinnedBy: 'registry' | 'trust-on-first-use' }[] }
    | { kind: 'local'; from: string }
  manifestSha256: string
  files: { name: string; sha256: string; bytes: number }[]
}

export interface InstalledModel {
  id: string
  revision: string
  dir: string
  manifest: ModelManifest
  installed: InstalledRecord | null
}

export type StoreProgress =
  | ({ phase: 'download' } & DownloadProgress)
  | { phase: 'export' | 'verify' | 'done'; message: string }

export interface InstallOptions {
  onProgress?: (p: StoreProgress) => void
  signal?: AbortSignal
  trustOnFirstUse?: boolean
  /** Download and install again even when this entry is already installed. */
  force?: boolean
}

export interface InstallResult {
  model: InstalledModel
  alreadyInstalled: boolean
  /** Hashes computed for files the registry could not pin (--trust-on-first-use). */
  pinned: { file: string; sha256: string; bytes: number }[]
  resumes: number
}

export interface VerifyProblem {
  id: string
  revision: string
  file: string
  problem: string
}

export interface ModelStoreOptions {
  root?: string
  registry?: ModelRegistry
  fetchImpl?: typeof fetch
  runExport?: ExportRunner
  retryDelayMs?: number
}

/** `$VICURATE_MODELS_DIR`, else `<$VICURATE_HOME or ~/.local/share/vicurate>/models`. */
export function defaultModelsRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VICURATE_MODELS_DIR) return path.resolve(env.VICURATE_MODELS_DIR)
  return path.join(env.VICURATE_HOME ? path.resolve(env.VICURATE_HOME) : path.join(os.homedir(), '.local', 'share', 'vicurate'), 'models')
}

function isResumable(e: unknown): boolean {
  if (e instanceof ChecksumError || e instanceof SizeError) return false
  return e instanceof DownloadError || (e as Error).name === 'AbortError'
}

export class ModelStore {
  readonly root: string
  readonly registry: ModelRegistry

  constructor(private readonly options: ModelStoreOptions = {}) {
    this.root = path.resolve(options.root ?? defaultModelsRoot())
    this.registry = options.registry ?? MODEL_REGISTRY
  }

  /** Every installed revision, read from the manifests on disk; broken folders are skipped (verify reports them). */
  async list(): Promise<InstalledModel[]> {
    return (await this.scan()).models
  }

  /** The newest installed revision of `id`, or null. */
  async get(id: string): Promise<InstalledModel | null> {
    const all = (await this.list()).filter((m) => m.id === id)
    all.sort((a, b) => (b.installed?.installedAt ?? '').localeCompare(a.installed?.installedAt ?? ''))
    return all[0] ?? null
  }

  async require(id: string): Promise<InstalledModel> {
    const m = await this.get(id)
    if (!m) throw new ModelNotInstalledError(id)
    return m
  }

  async install(idOrEntry: string | RegistryEntry, opts: InstallOptions = {}): Promise<InstallResult> {
    const entry = typeof idOrEntry === 'string' ? findEntry(this.registry, idOrEntry) : idOrEntry
    if (!entry) {
      throw new ModelStoreError(`unknown model "${String(idOrEntry)}"; known: ${this.registry.map((e) => e.id).join(', ')}`)
    }
    if (!opts.force) {
      const current = await this.installedFrom(entry)
      if (current) {
        // A dead install of this model may have been killed after its final rename, before it
        // removed its temp folder: nothing in it is needed any more.
        await removeDeadTemps(this.root, entry.id)
        return { model: current, alreadyInstalled: true, pinned: [], resumes: 0 }
      }
    }
    const unpinned = entry.files.filter((f) => f.sha256 === null).map((f) => f.name)
    if (unpinned.length > 0 && !opts.trustOnFirstUse) throw new UnpinnedHashError(entry.id, unpinned)

    const tmp = await claimTemp(this.root, entry.id)
    try {
      return await this.installInto(tmp, entry, opts)
    } catch (e) {
      // Keep partial downloads only when resuming them can help (network drop, cancel).
      if (!isResumable(e)) await rm(tmp, { recursive: true, force: true })
      throw e
    }
  }

  private async installInto(tmp: string, entry: RegistryEntry, opts: InstallOptions): Promise<InstallResult> {
    const downloads = path.join(tmp, 'downloads')
    await mkdir(downloads, { recursive: true })
    const fetched: Extract<InstalledRecord['source'], { kind: 'registry' }>['files'] = []
    let resumes = 0
    for (const f of entry.files) {
      const dest = path.join(downloads, f.name)
      await mkdir(path.dirname(dest), { recursive: true })
      const done = await stat(dest).catch(() => null)
      const r = done
        ? { sha256: await sha256File(dest), bytes: done.size, resumes: 0 }
        : await downloadFile({
            url: f.url, dest, sha256: f.sha256, bytes: f.bytes, signal: opts.signal,
            fetchImpl: this.options.fetchImpl, retryDelayMs: this.options.retryDelayMs,
            onProgress: (p) => opts.onProgress?.({ phase: 'download', ...p }),
          })
      // A file finished before a crash is re-hashed: it must still be the registry's bytes.
      if ((f.sha256 !== null && r.sha256 !== f.sha256) || (f.bytes !== null && r.bytes !== f.bytes)) {
        await rm(dest, { force: true })
        throw new ModelStoreError(`${f.name}: the completed download no longer matches the registry; run install again`)
      }
      resumes += r.resumes
      fetched.push({ name: f.name, url: f.url, sha256: r.sha256, bytes: r.bytes, pinnedBy: f.sha256 === null ? 'trust-on-first-use' : 'registry' })
    }

    let modelDir = downloads
    let command: string | null = null
    if (entry.install.kind === 'export') {
      const recipe = entry.install
      modelDir = path.join(tmp, 'model')
      await rm(modelDir, { recursive: true, force: true })
      await mkdir(modelDir, { recursive: true })
      const runner = this.options.runExport ?? runExport
      command = await runner(recipe.args, {
        checkpoint: path.join(downloads, recipe.checkpoint), out: modelDir, id: entry.id, signal: opts.signal,
        onLine: (message) => opts.onProgress?.({ phase: 'export', message }),
      })
      if (recipe.output === 'aesthetic-head') {
        const ckpt = fetched.find((f) => f.name === recipe.checkpoint)!
        await writeAestheticManifest(modelDir, entry.id, { file: ckpt.name, sha256: ckpt.sha256 })
      }
      await this.bundleFiles(modelDir, recipe.bundle.map((name) => fetched.find((f) => f.name === name)!), downloads)
    }
    if (entry.install.kind === 'hf') {
      opts.onProgress?.({ phase: 'verify', message: 'writing manifest.json for the Hugging Face folder' })
      await writeHfManifest(modelDir, entry.id, entry.install.task, { source: 'published', repo: entry.install.repo })
    }
    const result = await this.finalize(tmp, modelDir, entry.id, opts, (manifestSha256, manifest) => ({
      id: manifest.id, revision: manifest.revision, installedAt: new Date().toISOString(),
      source: { kind: 'registry', command, files: fetched }, manifestSha256, files: manifest.files,
    }))
    const pinned = fetched.filter((f) => f.pinnedBy === 'trust-on-first-use').map((f) => ({ file: f.name, sha256: f.sha256, bytes: f.bytes }))
    return { ...result, pinned, resumes }
  }

  /** Registers a locally exported folder: every listed file is copied, then verified in the store's temp dir. */
  async add(dir: string, opts: InstallOptions = {}): Promise<InstallResult> {
    const src = path.resolve(dir)
    const manifest = await readManifest(src)
    const tmp = await claimTemp(this.root, manifest.id)
    try {
      const modelDir = path.join(tmp, 'model')
      await mkdir(modelDir, { recursive: true })
      // A tokenizer file the manifest names but does not list (exports made without bundling it)
      // is still needed at run time: copy it, and accept only the published CLIP merges.
      const merges = manifest.tokenizer?.merges
      const extra = merges && !manifest.files.some((f) => f.name === merges) ? [merges] : []
      for (const name of extra) {
        const sha = await sha256File(path.join(src, name)).catch(() => null)
        if (sha === null) throw new ModelStoreError(`${path.join(src, name)}: the tokenizer file named in manifest.json is missing (copy ${CLIP_BPE_MERGES.name} from ${CLIP_BPE_MERGES.url} there)`)
        if (name === CLIP_BPE_MERGES.name && sha !== CLIP_BPE_MERGES.sha256) throw new ModelStoreError(`${path.join(src, name)}: not the published CLIP BPE merges (sha256 ${sha})`)
      }
      for (const name of ['manifest.json', ...manifest.files.map((f) => f.name), ...extra]) {
        // FICLONE makes a copy-on-write clone where the filesystem can (no extra space for GB graphs).
        // Hugging Face layout folders list graphs as onnx/<name>.onnx: create the subfolder.
        await mkdir(path.dirname(path.join(modelDir, name)), { recursive: true })
        await copyFile(path.join(src, name), path.join(modelDir, name), fsc.COPYFILE_FICLONE).catch((e: NodeJS.ErrnoException) => {
          throw new ModelStoreError(`${path.join(src, name)}: cannot be copied (${e.code ?? e.message})`)
        })
      }
      // Verified after copying, so what is checked is what the store keeps.
      const result = await this.finalize(tmp, modelDir, null, opts, (manifestSha256, m) => ({
        id: m.id, revision: m.revision, installedAt: new Date().toISOString(),
        source: { kind: 'local', from: src }, manifestSha256, files: m.files,
      }))
      return { ...result, pinned: [], resumes: 0 }
    } catch (e) {
      await rm(tmp, { recursive: true, force: true })
      throw e
    }
  }

  /** Re-hashes installed files; an empty list means every model is intact. */
  async verify(id?: string): Promise<{ checked: number; problems: VerifyProblem[] }> {
    const { models, broken } = await this.scan()
    const problems: VerifyProblem[] = broken.filter((b) => !id || b.id === id)
    const chosen = models.filter((m) => !id || m.id === id)
    if (id && chosen.length === 0 && problems.length === 0) throw new ModelNotInstalledError(id)
    for (const m of chosen) {
      const bad = (file: string, problem: string) => problems.push({ id: m.id, revision: m.revision, file: path.join(m.dir, file), problem })
      if (m.installed && (await sha256File(path.join(m.dir, 'manifest.json'))) !== m.installed.manifestSha256) {
        bad('manifest.json', 'changed since it was installed')
      }
      for (const f of m.manifest.files) {
        const st = await stat(path.join(m.dir, f.name)).catch(() => null)
        if (!st) bad(f.name, 'missing')
        else if (st.size !== f.bytes) bad(f.name, `truncated or grown: ${st.size} bytes, expected ${f.bytes}`)
        else if ((await sha256File(path.join(m.dir, f.name))) !== f.sha256) bad(f.name, 'corrupt: sha256 does not match manifest.json')
      }
    }
    return { checked: chosen.length, problems }
  }

  /**
   * An installed revision made from exactly this entry's files (same URLs; same sha256 where the
   * registry pins one) whose files are all present at their recorded sizes — re-running install
   * is then a no-op. Full re-hashing is `verify`'s job; `force` reinstalls.
   */
  private async installedFrom(entry: RegistryEntry): Promise<InstalledModel | null> {
    for (const m of (await this.list()).filter((x) => x.id === entry.id)) {
      const src = m.installed?.source
      if (src?.kind !== 'registry') continue
      const same = entry.files.every((f) => src.files.some((g) => g.name === f.name && g.url === f.url && (f.sha256 === null || g.sha256 === f.sha256)))
      if (!same) continue
      const sizes = await Promise.all(m.manifest.files.map((f) => stat(path.join(m.dir, f.name)).then((st) => st.size === f.bytes, () => false)))
      if (sizes.every(Boolean)) return m
    }
    return null
  }

  /** Removes temp folders left by crashed installs whose process is gone (their partial downloads too). */
  async cleanStale(): Promise<string[]> {
    return removeDeadTemps(this.root)
  }

  private async scan(): Promise<{ models: InstalledModel[]; broken: VerifyProblem[] }> {
    const models: InstalledModel[] = []
    const broken: VerifyProblem[] = []
    const ids = await readdir(this.root, { withFileTypes: true }).catch(() => [])
    for (const idDir of ids) {
      if (!idDir.isDirectory() || idDir.name.startsWith('.')) continue
      const revs = await readdir(path.join(this.root, idDir.name), { withFileTypes: true }).catch(() => [])
      for (const rev of revs) {
        if (!rev.isDirectory() || rev.name.startsWith('.')) continue
        const dir = path.join(this.root, idDir.name, rev.name)
        try {
          const manifest = await readManifest(dir)
          if (manifest.id !== idDir.name || manifest.revision !== rev.name) {
            throw new Error(`manifest.json says ${manifest.id}/${manifest.revision}, folder is ${idDir.name}/${rev.name}`)
          }
          const installed = await readFile(path.join(dir, 'installed.json'), 'utf8').then((t) => JSON.parse(t) as InstalledRecord).catch(() => null)
          models.push({ id: manifest.id, revision: manifest.revision, dir, manifest, installed })
        } catch (e) {
          broken.push({ id: idDir.name, revision: rev.name, file: path.join(dir, 'manifest.json'), problem: (e as Error).message })
        }
      }
    }
    models.sort((a, b) => a.id.localeCompare(b.id) || a.revision.localeCompare(b.revision))
    return { models, broken }
  }

  private async bundleFiles(modelDir: string, files: { name: string; sha256: string; bytes: number }[], from: string): Promise<void> {
    if (files.length === 0) return
    const file = path.join(modelDir, 'manifest.json')
    const manifest = await readManifest(modelDir)
    for (const f of files) {
      await copyFile(path.join(from, f.name), path.join(modelDir, f.name))
      manifest.files = [...manifest.files.filter((x) => x.name !== f.name), { name: f.name, sha256: f.sha256, bytes: f.bytes }]
    }
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`)
  }

  private async finalize(
    tmp: string, modelDir: string, expectId: string | null, opts: InstallOptions,
    record: (manifestSha256: string, m: ModelManifest) => InstalledRecord,
  ): Promise<Omit<InstallResult, 'pinned' | 'resumes'>> {
    opts.onProgress?.({ phase: 'verify', message: 'verifying every file against manifest.json' })
    const manifest = await readManifest(modelDir)
    if (expectId !== null && manifest.id !== expectId) {
      throw new ModelStoreError(`${path.join(modelDir, 'manifest.json')}: id "${manifest.id}", expected "${expectId}"`)
    }
    await verifyManifestFiles(modelDir, manifest)
    const manifestSha256 = createHash('sha256').update(await readFile(path.join(modelDir, 'manifest.json'))).digest('hex')
    await writeFile(path.join(modelDir, 'installed.json'), `${JSON.stringify(record(manifestSha256, manifest), null, 2)}\n`)
    const target = path.join(this.root, manifest.id, manifest.revision)
    await mkdir(path.dirname(target), { recursive: true })
    // Reaching here with the revision present means it was damaged or --force was given: the
    // old folder is moved into the temp dir first, so a crash between the renames leaves no
    // half-replaced folder in place (just nothing installed, with both copies under .tmp-*).
    if (await stat(target).catch(() => null)) await rename(target, path.join(tmp, 'replaced'))
    await rename(modelDir, target)
    await rm(tmp, { recursive: true, force: true })
    const model = (await this.list()).find((m) => m.id === manifest.id && m.revision === manifest.revision)
    if (!model) throw new ModelStoreError(`${target}: installed but not readable back`)
    opts.onProgress?.({ phase: 'done', message: `${model.id} ${model.revision} → ${model.dir}` })
    return { model, alreadyInstalled: false }
  }
}
