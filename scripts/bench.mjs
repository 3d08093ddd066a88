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
const BENCHES = ['scenes', 'frames', 'ml', 'caption', 'scale', 'ui']
const SECTIONS = { scenes: 'SCENES.md', frames: 'FRAMES.md', ml: 'ML.md', caption: 'CAPTION.md', scale: 'SCALE.md', ui: 'UI.md' }

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
// --assemble rebuilds BENCHMARKS.md from the latest sections without running anything.
const assembleOnly = process.argv.includes('--assemble')
const extra = process.argv.slice(2).filter((a) => a.startsWith('-') && a !== '--assemble')
for (const name of assembleOnly ? [] : wanted.length ? wanted : BENCHES) {
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
  'Produced by `npm run bench` (one section: `npm run bench:scenes`, `bench:frames`, `bench:ml`, `bench:caption`,',
  '`bench:scale`, `bench:ui`). Speed comparisons are made side by side in the same run (ratios); the',
  'UI section also states the issue\'s absolute goals (frame time, latency) next to what was measured.',
  'Raw results with machine details are in `bench/results/*.json`.',
  'No GPU was lent to the sessions that produced these figures: every number is CPU-only.',
  '',
]
for (const name of BENCHES) {
  const file = join(root, 'bench', SECTIONS[name])
  if (!existsSync(file)) continue
  // Sections are written as standalone pages: shift their headings so each starts at level 2.
  const text = readFileSync(file, 'utf8').trim()
  const top = Math.min(...[...text.matchAll(/^(#+) /gm)].map((m) => m[1].length))
  const shift = Number.isFinite(top) ? 2 - top : 0
  parts.push(text.replace(/^(#+) /gm, (_, h) => `${'#'.repeat(Math.max(1, h.length + shift))} `), '')
}
writeFileSync(join(root, 'BENCHMARKS.md'), parts.join('\n'))
console.log('bench: BENCHMARKS.md updated')
