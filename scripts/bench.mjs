// `npm run bench [name...]`: runs the benchmarks (all by default), each writing
// bench/results/<name>.json and a markdown section bench/<NAME>.md, then assembles
// BENCHMARKS.md from the sections so the summary always matches the latest results.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs')
// Order matters: scenes renders the 60 s 720p file that frames reuses.
const BENCHES = ['scenes', 'frames', 'scale']
const SECTIONS = { scenes: 'SCENES.md', frames: 'FRAMES.md', scale: 'SCALE.md' }

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'))
for (const name of wanted.length ? wanted : BENCHES) {
  if (!BENCHES.includes(name)) {
    console.error(`bench: unknown benchmark "${name}" (known: ${BENCHES.join(', ')})`)
    process.exit(2)
  }
  console.log(`bench: ${name}`)
  const r = spawnSync(process.execPath, ['--require', tsx, join(root, 'bench', `${name}.bench.ts`), ...extra], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const parts = [
  '# Benchmarks',
  '',
  'Produced by `npm run bench` (sections: `npm run bench -- scenes`, `… frames`, `… scale`). Every',
  'figure compares things measured side by side in the same run (ratios), never against a fixed',
  'time. Raw results with machine details are in `bench/results/*.json`.',
  '',
]
for (const name of BENCHES) {
  const file = join(root, 'bench', SECTIONS[name])
  if (existsSync(file)) parts.push(readFileSync(file, 'utf8').trim(), '')
}
writeFileSync(join(root, 'BENCHMARKS.md'), parts.join('\n'))
console.log('bench: BENCHMARKS.md updated')
