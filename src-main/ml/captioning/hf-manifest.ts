import { createHash } from 'node:crypto'
import { readdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { sha256File, type ModelManifest } from '../manifest'
import { checkHfFolder, type HfTask } from './hf-folder'

/** Every file under dir (relative, '/'-separated), skipping the store's own records. */
async function listFiles(dir: string, sub = ''): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(path.join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)))
    else if (e.isFile() && !['manifest.json', 'installed.json', 'pending.json'].includes(rel) && !e.name.startsWith('.')) out.push(rel)
  }
  return out.sort()
}

/**
 * Writes manifest.json for a Hugging Face layout folder (downloaded from the Hub, cloned by the
 * user, or exported by tools/export): every file with its sha256, the graphs transformers.js
 * will open, revision = hash of the file hashes. The I/O of each graph is read by the library
 * from the session itself, so the lists stay empty here.
 */
export async function writeHfManifest(dir: string, id: string, task: HfTask, source: ModelManifest['weights']): Promise<ModelManifest> {
  const folder = checkHfFolder(dir, task)
  const names = await listFiles(dir)
  const files = []
  for (const name of names) files.push({ name, sha256: await sha256File(path.join(dir, name)), bytes: (await stat(path.join(dir, name))).size })
  const suffix = folder.dtype === 'fp32' ? '' : `_${folder.dtype === 'q8' ? 'quantized' : folder.dtype}`
  const graphNames = task === 'image-to-text' ? { encoder: 'encoder_model', decoder: 'decoder_model_merged' } : { model: 'model' }
  const graphs = Object.fromEntries(Object.entries(graphNames).map(([role, g]) => [role, { file: `onnx/${g}${suffix}.onnx`, inputs: [], outputs: [] }]))
  const digest = createHash('sha256').update(files.map((f) => `${f.name}:${f.sha256}`).join('\n')).digest('hex')
  const manifest: ModelManifest = {
    schema: 1, id, revision: `sha256-${digest.slice(0, 16)}`, task, embeddingDim: 0, graphs, files,
    preprocessing: {}, architecture: { modelType: folder.modelType }, weights: source,
    export: { opset: 0, precision: folder.dtype === 'fp32' ? 'fp32' : folder.dtype === 'fp16' ? 'fp16' : 'int8', ioDtype: 'float32', layout: 'transformers.js', dtype: folder.dtype },
  }
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}
