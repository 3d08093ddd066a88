import path from 'node:path'
import type { Command } from 'commander'
import { writeHfManifest } from '../../ml/captioning/hf-manifest'
import { describeRecipe, findEntry } from '../../ml/model-registry'
import { ModelStore, defaultModelsRoot, type StoreProgress } from '../../ml/model-store'
import { probeExecutionProvider } from '../../ml/provider-probe'
import { CliFailure, EXIT_FAILURE, UsageError } from '../cli-errors'

/**
 * `vicurate models list|install|add|verify`. Progress goes to stderr so `--json` stdout stays
 * machine-readable.
 */

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`
}

function progressPrinter(): (p: StoreProgress) => void {
  return (p) => {
    if (p.phase === 'download') {
      const total = p.total ? ` / ${mb(p.total)}` : ''
      process.stderr.write(`\r${p.file}: ${mb(p.received)}${total} at ${mb(p.bytesPerSecond)}/s   `)
    } else {
      process.stderr.write(`\n${p.phase}: ${p.message}`)
    }
  }
}

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('list, install, add and verify the ONNX models used for scoring (ViCLIP, CLIP image tower, LAION aesthetic head)')
    .option('--models-dir <dir>', 'model store folder (default: $VICURATE_MODELS_DIR or <$VICURATE_HOME or ~/.local/share/vicurate>/models)')
  const store = () => new ModelStore({ root: (models.opts() as { modelsDir?: string }).modelsDir ?? defaultModelsRoot() })

  models
    .command('list')
    .description('registry entries, installed revisions, and the execution provider sessions would use')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const s = store()
      const [installed, ep] = await Promise.all([s.list(), probeExecutionProvider().catch((e: Error) => ({ provider: 'cpu' as const, reason: e.message }))])
      const known = new Set(s.registry.map((e) => e.id))
      const rows = [
        ...s.registry.map((e) => ({
          id: e.id, task: e.task, title: e.title, licence: e.licence, homepage: e.homepage, download: e.approxDownload,
          install: describeRecipe(e), needsTrustOnFirstUse: e.files.some((f) => f.sha256 === null),
          installed: installed.filter((m) => m.id === e.id).map((m) => ({ revision: m.revision, dir: m.dir })),
        })),
        // Folders added with `models add` that the registry does not name (exports of your own).
        ...[...new Set(installed.filter((m) => !known.has(m.id)).map((m) => m.id))].map((id) => ({
          id, task: installed.find((m) => m.id === id)!.manifest.task, title: '(added locally)', licence: null, homepage: null, download: null,
          install: null, needsTrustOnFirstUse: false, installed: installed.filter((m) => m.id === id).map((m) => ({ revision: m.revision, dir: m.dir })),
        })),
      ]
      const executionProvider = ep.provider === 'cuda' ? 'cuda' : `cpu (${ep.reason ?? 'requested'})`
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ root: s.root, executionProvider, models: rows }, null, 2)}\n`)
        return
      }
      process.stdout.write(`models folder: ${s.root}\nexecution provider: ${executionProvider}\n\n`)
      for (const r of rows) {
        const state = r.installed.length ? `installed ${r.installed.map((i) => i.revision).join(', ')}` : 'not installed'
        process.stdout.write(`${r.id}  [${r.task}]  ${state}\n  ${r.title}\n`)
        if (r.licence) process.stdout.write(`  licence: ${r.licence}; download ≈ ${r.download}; ${r.homepage}\n`)
        if (r.install && r.install !== 'download ready ONNX files') process.stdout.write(`  install runs: ${r.install}\n`)
        if (r.needsTrustOnFirstUse) process.stdout.write('  no published sha256: install needs --trust-on-first-use\n')
      }
    })

  models
    .command('install <id>')
    .description('download a registry model (resumable), export it to ONNX when published as PyTorch, verify, and install')
    .option('--trust-on-first-use', 'accept files without a published sha256; the computed hash is pinned and printed')
    .option('--force', 'download and install again even if already installed (e.g. after verify found corruption)')
    .action(async (id: string, opts: { trustOnFirstUse?: boolean; force?: boolean }) => {
      const s = store()
      if (!findEntry(s.registry, id)) throw new UsageError(`unknown model "${id}"; known: ${s.registry.map((e) => e.id).join(', ')}`)
      const abort = new AbortController()
      const onSignal = () => abort.abort()
      process.once('SIGINT', onSignal)
      try {
        const r = await s.install(id, { signal: abort.signal, trustOnFirstUse: opts.trustOnFirstUse, force: opts.force, onProgress: progressPrinter() })
        process.stderr.write('\n')
        for (const p of r.pinned) process.stdout.write(`pinned (trust on first use): ${p.file} sha256 ${p.sha256} (${p.bytes} bytes)\n`)
        process.stdout.write(`${r.alreadyInstalled ? 'already installed' : 'installed'}: ${r.model.id} ${r.model.revision} → ${r.model.dir}\n`)
      } catch (e) {
        process.stderr.write('\n')
        if (abort.signal.aborted) throw new CliFailure('install cancelled; run the same command again to resume the download')
        throw new CliFailure((e as Error).message)
      } finally {
        process.off('SIGINT', onSignal)
      }
    })

  models
    .command('add <dir>')
    .description('register a folder written by tools/export (manifest.json + graphs), or a Hugging Face ONNX folder with --hf; every file is verified')
    .option('--hf <task>', 'the folder is a Hugging Face ONNX export for transformers.js (image-to-text or text-generation): write its manifest.json first')
    .option('--id <id>', 'model id for --hf (default: the folder name)')
    .action(async (dir: string, opts: { hf?: string; id?: string }) => {
      if (opts.hf !== undefined) {
        if (opts.hf !== 'image-to-text' && opts.hf !== 'text-generation') throw new UsageError('--hf must be image-to-text or text-generation')
        await writeHfManifest(dir, opts.id ?? path.basename(path.resolve(dir)), opts.hf, { source: 'published', repo: path.resolve(dir) }).catch((e: Error) => {
          throw new CliFailure(e.message)
        })
      }
      const r = await store().add(dir).catch((e: Error) => {
        throw new CliFailure(e.message)
      })
      process.stdout.write(`${r.alreadyInstalled ? 'already installed' : 'added'}: ${r.model.id} ${r.model.revision} → ${r.model.dir}\n`)
    })

  models
    .command('verify [id]')
    .description('re-hash installed model files; exit 1 naming each corrupt or truncated file')
    .action(async (id?: string) => {
      const { checked, problems } = await store().verify(id).catch((e: Error) => {
        throw new CliFailure(e.message)
      })
      for (const p of problems) process.stdout.write(`${p.id} ${p.revision}: ${p.file}: ${p.problem}\n`)
      process.stdout.write(`${checked} model revision(s) checked, ${problems.length} problem(s)\n`)
      if (problems.length > 0) process.exitCode = EXIT_FAILURE
    })
}
