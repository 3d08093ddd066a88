// `npm run setup:cuda`: fetch onnxruntime-node's CUDA 12 execution provider, which the normal
// install skips (.npmrc) because it is a large download that CPU-only machines do not need.
// ONNXRUNTIME_NODE_INSTALL outranks the npm config that .npmrc sets, so it is passed explicitly.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ortDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'onnxruntime-node')
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`setup:cuda: onnxruntime-node publishes its CUDA provider for linux-x64 only (this is ${process.platform}-${process.arch}).`)
  process.exit(1)
}
const r = spawnSync(process.execPath, [join(ortDir, 'script', 'install.js')], {
  cwd: ortDir,
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' },
})
if (r.status === 0) console.log('setup:cuda: done. Scoring will now try the CUDA provider first (`vicurate models` shows which one is in use).')
process.exit(r.status ?? 1)
