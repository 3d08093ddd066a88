/**
 * Scale benchmark for datasets in and out. Run:
 *   node_modules/.bin/node --require ./node_modules/tsx/dist/cjs/index.cjs bench/scale.bench.ts [--rows 1000000] [--dir /tmp/x] [--keep] [--render]
 * Generates a deterministic InternVid-like JSONL, imports it into a fresh project, exports it,
 * and times the review queries the UI runs at that size. Keeps the latest result per row count in
 * bench/results/scale.json (`runs`, keyed by rows: a 10M run does not erase the 1M one) and writes
 * bench/SCALE.md from all of them. The load average and CPU seconds are recorded with each figure
 * because on a shared 2-core machine the load moves every wall-clock number.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { openProject } from '../src-main/core/project-context'
import { exportDataset } from '../src-main/services/dataset-export.service'
import { importDataset } from '../src-main/services/dataset-import.service'
import type { SelectionSpec } from '../src-main/services/export-filters'
import { listClips } from '../src-main/services/review.service'
import { generateRows, writeJsonl } from '../test/support/jsonl-fixtures'

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const ROWS = Number(arg('rows', '1000000'))
// `npm run bench:scale -- --rows N` reaches scripts/bench.mjs, which takes N for a bench name:
// run this file directly for other sizes. A bad count must not land in results/scale.json.
if (!Number.isSafeInteger(ROWS) || ROWS < 1000) throw new Error(`--rows must be a whole number ≥ 1000 (got ${arg('rows', '')})`)
const DIR = arg('dir', join(tmpdir(), 'vicurate-scale-bench'))
const KEEP = process.argv.includes('--keep')

const ms = (t0: number) => performance.now() - t0
const cpuS = (c: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(c)
  return (u.user + u.system) / 1e6
}
function stats(samples: number[]): { p50: number; p95: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]
  const r = (x: number) => Math.round(x * 1000) / 1000
  return { p50: r(q(0.5)), p95: r(q(0.95)), max: r(s[s.length - 1]), n: s.length }
}
const timed = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now()
  const v = fn()
  return [v, ms(t0)]
}
const roundAll = <T extends Record<string, number>>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, +v.toFixed(2)])) as T
const fileSize = (p: string) => {
  try {
    return statSync(p).size
  } catch {
    return 0
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--render')) {
    // Rewrites SCALE.md from the stored results only (after editing NOTES, say).
    const { runs } = JSON.parse(readFileSync(join(__dirname, 'results', 'scale.json'), 'utf8')) as { runs: Record<string, BenchResult> }
    writeFileSync(join(__dirname, 'SCALE.md'), markdownAll(runs))
    return
  }
  rmSync(DIR, { recursive: true, force: true })
  mkdirSync(DIR, { recursive: true })
  const load: number[][] = [loadavg()]
  const jsonl = join(DIR, 'internvid-like.jsonl')
  let t0 = performance.now()
  const jsonlBytes = writeJsonl(jsonl, generateRows(ROWS, { seed: 1 }))
  const genMs = ms(t0)
  console.log(`generated ${ROWS} rows, ${(jsonlBytes / 1e6).toFixed(0)} MB in ${(genMs / 1000).toFixed(1)} s`)

  const ctx = openProject(join(DIR, 'bench.vicurate'), { create: true })
  const importLoad = [loadavg()[0]]
  let c = process.cpuUsage()
  t0 = performance.now()
  const imp = await importDataset(ctx, jsonl, {})
  const importS = ms(t0) / 1000
  // Both threads: the parse worker's CPU is in process.cpuUsage too.
  const importCpu = cpuS(c)
  importLoad.push(loadavg()[0])
  // Peak resident memory so far: the import streams, so this should not grow with the file.
  const importRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
  console.log(`import: ${imp.rows_ok} rows in ${importS.toFixed(1)} s = ${Math.round(imp.rows_ok / importS)} rows/s (cpu ${importCpu.toFixed(1)} s, bulk ${imp.bulk}, phases ${JSON.stringify(imp.phases)})`)
  ctx.db.pragma('wal_checkpoint(TRUNCATE)')
  ctx.db.exec('ANALYZE')
  load.push(loadavg())

  const all: SelectionSpec = { status: 'all', where: [], topPercent: null, div: null, preset: null }
  const exportLoad = [loadavg()[0]]
  c = process.cpuUsage()
  const exp = exportDataset(ctx, join(DIR, 'out.jsonl'), all)
  const exportCpu = cpuS(c)
  exportLoad.push(loadavg()[0])
  const exportMBs = exp.bytes / 1e6 / exp.seconds
  console.log(`export: ${exp.rows} rows, ${(exp.bytes / 1e6).toFixed(0)} MB in ${exp.seconds.toFixed(1)} s = ${exportMBs.toFixed(0)} MB/s (cpu ${exportCpu.toFixed(1)} s)`)
  const flt = exportDataset(ctx, join(DIR, 'flt.jsonl'), { ...all, preset: 'flt', div: { n: Math.round(ROWS / 10), seed: 1 } })
  console.log(`export --preset flt --div ${Math.round(ROWS / 10)}: ${flt.rows} rows in ${flt.seconds.toFixed(1)} s`)
  load.push(loadavg())

  // Review pages: follow keyset cursors the way the grid scrolls.
  const pageRuns = (q: Parameters<typeof listClips>[1], pages: number) => {
    const samples: number[] = []
    let cursor: string | null = null
    for (let i = 0; i < pages; i++) {
      const [page, t] = timed(() => listClips(ctx, { ...q, cursor }))
      samples.push(t)
      cursor = page.nextCursor
      if (!cursor) cursor = null
    }
    return stats(samples)
  }
  const pages = {
    by_id: pageRuns({ sort: 'id', limit: 100 }, 200),
    by_similarity_desc: pageRuns({ sort: 'similarity', order: 'desc', limit: 100 }, 200),
    pending_by_aesthetic: pageRuns({ status: 'pending', sort: 'aesthetic', order: 'desc', limit: 100 }, 200),
  }
  // listClips has no score filter yet; these run the keyset query such a filter needs, on the same indexes.
  const filtered = (where: string, sort: string) => {
    const stmt = ctx.db.prepare(`SELECT c.id, c.caption, c.similarity, c.aesthetic, ${sort} AS k FROM clips c JOIN videos v ON v.id = c.video_id
      WHERE ${where} AND ${sort} IS NOT NULL AND (${sort} < @k OR (${sort} = @k AND c.id < @id)) ORDER BY ${sort} DESC, c.id DESC LIMIT 100`)
    const samples: number[] = []
    let k = Number.MAX_VALUE
    let id = Number.MAX_SAFE_INTEGER
    for (let i = 0; i < 200; i++) {
      const [rows, t] = timed(() => stmt.all({ k, id }) as { id: number; k: number }[])
      samples.push(t)
      if (rows.length < 100) {
        k = Number.MAX_VALUE
        id = Number.MAX_SAFE_INTEGER
      } else {
        k = rows[rows.length - 1].k
        id = rows[rows.length - 1].id
      }
    }
    return stats(samples)
  }
  const filteredPages = {
    'similarity>=0.3 sort similarity': filtered('c.similarity >= 0.3', 'c.similarity'),
    'similarity>=0.3 sort aesthetic': filtered('c.similarity >= 0.3', 'c.aesthetic'),
    'similarity>=0.95 sort aesthetic': filtered('c.similarity >= 0.95', 'c.aesthetic'),
    // Unary + keeps SQLite off the filter's index, so it walks the sort index and stops at 100 hits.
    'similarity>=0.95 sort aesthetic, walking the sort index (+c.similarity)': filtered('+c.similarity >= 0.95', 'c.aesthetic'),
    'similarity>=0.999 sort aesthetic, walking the sort index (+c.similarity)': filtered('+c.similarity >= 0.999', 'c.aesthetic'),
  }
  console.log('pages (ms):', JSON.stringify(pages), JSON.stringify(filteredPages))

  // Histograms from SQL, 50 bins between the column's min and max (read off the index). One
  // `GROUP BY bin` over an expression scans every row into a temp b-tree (≈ 5× slower, measured
  // below); 50 range counts walk the covering (score, id) index instead.
  const histogram = (col: 'similarity' | 'aesthetic', where = '1', method: 'ranges' | 'group-by' = 'ranges', runs = 7) => {
    const bounds = ctx.db.prepare(`SELECT min(${col}) AS lo, max(${col}) AS hi FROM clips`)
    const range = ctx.db.prepare(`SELECT count(*) AS n FROM clips c WHERE ${col} >= ? AND ${col} < ? AND ${where}`)
    const grouped = ctx.db.prepare(`SELECT min(49, CAST((${col} - ?) / ? AS INTEGER)) AS bin, count(*) AS n FROM clips c
      WHERE ${col} IS NOT NULL AND ${where} GROUP BY bin`)
    const samples: number[] = []
    let total = 0
    for (let i = 0; i < runs; i++) {
      const [counts, t] = timed(() => {
        const { lo, hi } = bounds.get() as { lo: number; hi: number }
        const w = (hi - lo) / 50 || 1
        if (method === 'group-by') return (grouped.all(lo, w) as { n: number }[]).map((r) => r.n)
        return Array.from({ length: 50 }, (_, b) => (range.get(lo + b * w, b === 49 ? Infinity : lo + (b + 1) * w) as { n: number }).n)
      })
      samples.push(t)
      total = counts.reduce((x, y) => x + y, 0)
    }
    return { ...stats(samples), rows_binned: total }
  }
  const histograms = {
    similarity: histogram('similarity'),
    aesthetic: histogram('aesthetic'),
    'similarity (GROUP BY expression, for comparison)': histogram('similarity', '1', 'group-by'),
    "similarity where status='pending' (no (status, score) index)": histogram('similarity', "c.status = 'pending'", 'ranges', 3),
  }
  console.log('histograms (ms):', JSON.stringify(histograms))

  const fts = (() => {
    const samples: number[] = []
    const stmt = ctx.db.prepare('SELECT rowid FROM clips_fts WHERE clips_fts MATCH ? ORDER BY rowid LIMIT 100')
    for (const term of ['dog', 'guitar', '"red car"', 'beach AND sunset', 'kitch*', 'river NOT boat']) {
      for (let i = 0; i < 5; i++) samples.push(timed(() => stmt.all(term))[1])
    }
    return stats(samples)
  })()
  const [ftsCount, ftsCountMs] = timed(() => (ctx.db.prepare("SELECT count(*) AS n FROM clips_fts WHERE clips_fts MATCH 'dog'").get() as { n: number }).n)
  console.log(`fts first 100 (ms): ${JSON.stringify(fts)}; count('dog') = ${ftsCount} in ${ftsCountMs.toFixed(0)} ms`)
  load.push(loadavg())
  ctx.db.pragma('wal_checkpoint(TRUNCATE)')
  const dbBytes = fileSize(ctx.path) + fileSize(`${ctx.path}-wal`)
  ctx.close()

  const result: BenchResult & Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, total_mem_gb: +(totalmem() / 2 ** 30).toFixed(1), free_mem_gb: +(freemem() / 2 ** 30).toFixed(1), load_average_1_5_15: load },
    rows: ROWS,
    jsonl_mb: +(jsonlBytes / 1e6).toFixed(1),
    generate_s: +(genMs / 1000).toFixed(2),
    import: {
      rows_ok: imp.rows_ok, seconds: +importS.toFixed(2), rows_per_s: Math.round(imp.rows_ok / importS), cpu_s: +importCpu.toFixed(2), bulk: imp.bulk,
      max_rss_mb: importRssMb, load_1min: importLoad, phases_s: roundAll(imp.phases), goal_rows_per_s: 200_000,
    },
    export: { rows: exp.rows, mb: +(exp.bytes / 1e6).toFixed(1), seconds: +exp.seconds.toFixed(2), mb_per_s: +exportMBs.toFixed(1), cpu_s: +exportCpu.toFixed(2), load_1min: exportLoad, goal_mb_per_s: 100 },
    export_flt: { rows: flt.rows, seconds: +flt.seconds.toFixed(2), counts: flt.counts },
    page_ms: pages,
    filtered_page_ms: filteredPages,
    histogram_ms: histograms,
    fts_ms: fts,
    fts_count_dog: { n: ftsCount, ms: +ftsCountMs.toFixed(2) },
    db_mb: +(dbBytes / 1e6).toFixed(1),
    goals: { page_p95_ms: 50, histogram_ms: 150 },
  }
  const here = __dirname
  mkdirSync(join(here, 'results'), { recursive: true })
  const resultsFile = join(here, 'results', 'scale.json')
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { runs?: Record<string, BenchResult> }) : {}
  const runs: Record<string, BenchResult> = { ...previous.runs, [String(ROWS)]: result }
  writeFileSync(resultsFile, `${JSON.stringify({ runs }, null, 2)}\n`)
  writeFileSync(join(here, 'SCALE.md'), markdownAll(runs))
  console.log(`wrote ${resultsFile} and ${join(here, 'SCALE.md')}`)
  if (!KEEP) rmSync(DIR, { recursive: true, force: true })
}

interface Stat {
  p50: number
  p95: number
  max: number
  n: number
}
interface BenchResult {
  date: string
  machine: { cpu: string | undefined; cores: number; node: string; load_average_1_5_15: number[][]; [k: string]: unknown }
  rows: number
  jsonl_mb: number
  db_mb: number
  import: {
    rows_per_s: number; seconds: number; cpu_s: number; bulk: boolean; max_rss_mb: number; load_1min?: number[]
    phases_s?: { waiting_s: number; writing_s: number; indexing_s: number }; [k: string]: unknown
  }
  export: { mb_per_s: number; mb: number; seconds: number; cpu_s: number; load_1min?: number[]; [k: string]: unknown }
  export_flt: { rows: number; seconds: number; counts: { filtered: number; after_top_percent: number; after_div: number } }
  page_ms: Record<string, Stat>
  filtered_page_ms: Record<string, Stat>
  histogram_ms: Record<string, Stat>
  fts_ms: Stat
  fts_count_dog: { n: number; ms: number }
}

const loadText = (l?: number[]) => (l ? `, load ${l.map((x) => x.toFixed(1)).join(' → ')}` : '')
const phaseText = (p?: { waiting_s: number; writing_s: number; indexing_s: number }) =>
  p ? `; wall: writing batches ${p.writing_s} s, waiting for parsed lines ${p.waiting_s} s, indexes + FTS ${p.indexing_s} s` : ''

/** SCALE.md: a summary across the sizes measured, then each size's table, then NOTES. */
function markdownAll(runs: Record<string, BenchResult>): string {
  const all = Object.values(runs).sort((a, b) => a.rows - b.rows)
  const worst = (o: Record<string, { p95: number }>) => Math.max(...Object.values(o).map((v) => v.p95))
  const head = [
    '## Datasets at scale',
    '',
    'Latest run per project size (`npm run bench:scale` for 1M; `node --require ./node_modules/tsx/dist/cjs/index.cjs bench/scale.bench.ts --rows 10000000`',
    'then `node scripts/bench.mjs --assemble` for 10M). Wall-clock figures move with the shared machine\'s load, CPU seconds much less.',
    '',
    '| clips | import rows/s (CPU s, load) | export MB/s (CPU s, load) | worst listClips page p95 | histogram p95 (similarity) | FTS first 100, p95 | project file |',
    '|---|---|---|---|---|---|---|',
    ...all.map((r) => `| ${r.rows.toLocaleString('en-US')} | ${r.import.rows_per_s.toLocaleString('en-US')} (${r.import.cpu_s}${loadText(r.import.load_1min)}) | ${r.export.mb_per_s} (${r.export.cpu_s}${loadText(r.export.load_1min)}) | ${worst(r.page_ms)} ms | ${r.histogram_ms.similarity?.p95} ms | ${r.fts_ms.p95} ms | ${(r.db_mb / 1000).toFixed(2)} GB |`),
    '',
  ]
  return [...head, ...all.map(markdown), NOTES].join('\n')
}

function markdown(r: BenchResult): string {
  const ok = (good: boolean) => (good ? 'met' : '**not met**')
  const maxP95 = (o: Record<string, { p95: number }>) => Math.max(...Object.values(o).map((v) => v.p95))
  const lines = [
    `### ${r.rows.toLocaleString('en-US')} rows`,
    '',
    `Measured ${r.date} on ${r.machine.cpu} (${r.machine.cores} cores), Node ${r.machine.node}; load average (1 min) during the run: ${r.machine.load_average_1_5_15.map((l: number[]) => l[0].toFixed(1)).join(' → ')} — the machine is shared, so treat these as lower bounds.`,
    `Input: deterministic InternVid-like JSONL, ${r.jsonl_mb} MB (\`bench/scale.bench.ts\`, seed 1, rows in random video order). Project file after import: ${r.db_mb} MB.`,
    '',
    '| what | measured | goal | |',
    '|---|---|---|---|',
    `| import (JSONL → clips + captions + scores + FTS) | ${r.import.rows_per_s.toLocaleString('en-US')} rows/s (${r.import.seconds} s wall, ${r.import.cpu_s} s CPU${loadText(r.import.load_1min)}, bulk load ${r.import.bulk}, peak RSS ${r.import.max_rss_mb} MB${phaseText(r.import.phases_s)}) | ≥ 200,000 rows/s | ${ok(r.import.rows_per_s >= 200_000)} |`,
    `| export, no filter (JSONL) | ${r.export.mb_per_s} MB/s (${r.export.mb} MB in ${r.export.seconds} s, ${r.export.cpu_s} s CPU${loadText(r.export.load_1min)}) | ≥ 100 MB/s | ${ok(r.export.mb_per_s >= 100)} |`,
    `| export --preset flt --div ${r.export_flt.counts.after_div} | ${r.export_flt.seconds} s (${r.export_flt.counts.filtered} → ${r.export_flt.counts.after_top_percent} → ${r.export_flt.rows}) | | |`,
    ...Object.entries(r.page_ms).map(([k, v]) => `| review page (listClips, 100 rows), ${k} | p50 ${v.p50} ms, p95 ${v.p95} ms | p95 < 50 ms | ${ok(v.p95 < 50)} |`),
    ...Object.entries(r.filtered_page_ms).map(([k, v]) => `| keyset page with score filter: ${k} | p50 ${v.p50} ms, p95 ${v.p95} ms | p95 < 50 ms | ${ok(v.p95 < 50)} |`),
    ...Object.entries(r.histogram_ms).map(([k, v]) =>
      k.includes('for comparison') ? `| histogram, 50 bins, ${k} | p50 ${v.p50} ms, p95 ${v.p95} ms | (reference) | |` : `| histogram, 50 bins, ${k} | p50 ${v.p50} ms, p95 ${v.p95} ms | < 150 ms | ${ok(v.p95 < 150)} |`),
    `| FTS5 first 100 matches (6 queries) | p50 ${r.fts_ms.p50} ms, p95 ${r.fts_ms.p95} ms | | |`,
    `| FTS5 count of 'dog' (${r.fts_count_dog.n.toLocaleString('en-US')} hits) | ${r.fts_count_dog.ms} ms | | |`,
    '',
    `Worst page p95: ${Math.max(maxP95(r.page_ms), maxP95(r.filtered_page_ms))} ms.`,
    '',
    '',
  ]
  return lines.join('\n')
}

/** Written by hand from runs of this bench and from separate measurements (dates say when). */
const NOTES = [
  'How these are measured:',
  '- Import is end to end (`importDataset`, as `vicurate import` runs it): a worker thread reads and validates every line',
  '  (line-numbered verdicts) and hands over column batches; the main thread stages each batch (~100k lines) in a TEMP',
  '  table and moves it into clips with one INSERT … SELECT in line order (UNIQUE (video, start, end) dedupes; clip ids',
  '  follow the file), copies the imported caption into `captions` and both scores into `scores` (provenance rows, in SQL',
  '  per batch) and commits. Bulk load: the secondary indexes of clips, captions and scores and the FTS insert trigger are',
  '  dropped for the load and restored in one transaction with an FTS `rebuild`; a killed load is repaired by the next',
  '  import. Rows arrive in random video order, the worst case for the UNIQUE index. CPU seconds count both threads.',
  '- Export is `vicurate export` with no filter: rows read 4096 ids at a time in id order, lines built in JavaScript',
  '  (table-driven timestamps, a fast path for numbers with up to six decimals, both held equal to the general routines by',
  '  tests), encoded a megabyte at a time into one buffer, sha256 of those chunks, fsync, atomic rename, manifest.',
  '- Histograms are 50 range counts over the covering (score, id) index; the GROUP BY-expression form is shown for comparison.',
  '  A status-filtered histogram has no (status, score) index to use and scans the table.',
  '- "Keyset page with score filter" runs the SQL a score filter in listClips would need; with a selective filter on one',
  '  score and a sort on another, SQLite picks the filter index and sorts every match per page; keeping it on the sort',
  '  index (`+col` in the filter) stops each page after 100 hits, which is slow only when hits are very rare.',
  '',
  '### Import and export speed: what changed, what it bought, and why the goals are still missed',
  '',
  'Before and after, 1M rows, the two versions run back to back on this machine (2026-11-21 08:47 UTC, load 1.5–1.9):',
  '',
  '| | before (d64ff7b) | after |',
  '|---|---|---|',
  '| import | 30,138 rows/s (33.2 s wall, 32.9 s CPU) | 38,205 rows/s (26.2 s wall, 28.4 s CPU in both threads) |',
  '| export | 51.6 MB/s (5.36 s wall, 5.30 s CPU) | 69.1 MB/s (4.00 s wall, 4.08 s CPU) |',
  '',
  'Export again at 09:08 (load 2.5–2.8), final code: 66.6 and 68.5 MB/s (3.9 and 4.1 s CPU) against 43.4 and 50.2 MB/s',
  '(6.0 and 5.3 s CPU) for the version before, alternating. Wall-clock figures move with the load (the same code did',
  '24,930 rows/s and 58 MB/s in a bench run at load ~5, and 37,442 rows/s and 74 MB/s in the run above at load ~0.9); the',
  'CPU seconds (~29.5 s for the import, ~3.9 s for the export) are the steadier measure. The older table that stood here',
  '(11,604 rows/s, 27.8 MB/s) was taken at load 5–8; at load ~1 that version does 30k rows/s and 52 MB/s, so the gain is',
  '~1.25× for the import and ~1.4× for the export, not the 3× the raw tables suggest.',
  '',
  '10M rows (the run above, load ~1): loading slows from ~48k to ~25k rows/s as the UNIQUE (video, start, end) index',
  'outgrows the 256 MB page cache, and the index and FTS rebuild takes 160 s of the 455 s. An earlier 10M bench run with',
  'other work pushing the load to ~9 took 1026 s for 503 s of CPU. The export costs 1.5× more CPU per byte at 10M than at',
  '1M (59 s for 2.76 GB); not yet explained: a guess, unverified, is garbage collection over the per-video maps (1.25M',
  'source ids and line prefixes).',
  '',
  'Where the import\'s main thread goes at 1M rows (CPU profile at 08:48, load ~1.4): index + FTS rebuild 8.1 s, moving staged rows',
  'into clips 5.1 s, commits (WAL writes and checkpoints) 4.9 s, provenance rows 3.5 s, staging 1.7 s, JavaScript per row',
  '~1.3 s. The parse worker was busy 4.4 s and idle three quarters of the time: parsing is fully hidden.',
  '',
  'Changes that paid (each measured): parsing in a worker thread; staging in a TEMP table and one INSERT … SELECT per batch',
  '(multi-row INSERTs straight into clips were slower: a statement that may abort, through a CHECK or foreign key, inside a',
  'larger transaction copies every already-dirty page it touches into a statement journal: 960 MB of writes for 200k rows,',
  'seen with strace); dropping the provenance indexes too during a bulk load (~1.5 s less CPU at 1M); a 16 MB FTS buffer',
  'for the rebuild (2.2 → 1.5 s); timestamps read digit by digit and a one-pass YoutubeID check (validation 3.2 → 2.6 s);',
  'export: rows read per block with all(), lines built in JavaScript instead of printf in SQL, numbers formatted by a fast',
  'path, no per-row objects or Set.',
  '',
  'Measured and not kept: inserting each batch in (video, start, end) order (−8 % loading CPU at 1M; at 10M the load',
  'phase was faster but the whole import took the same, 427.6 s vs 430.1 s, and clip ids would depend on the batch size,',
  'which changes which tied rows `--top-percent` keeps); `PRAGMA threads` for the index builds (no change: the keys fit one',
  'in-memory sort); rollback journal or no autocheckpoint during the load (no CPU change); for export, encoding, hashing and',
  'writing on a worker thread (at load ~4 the same wall time and +0.5 s CPU: the second core is rarely free here).',
  '',
  '- **Import ≥ 200,000 rows/s: not met** (about 5× short). SQLite has one writer, and per 1M rows the project gains ~1 GB:',
  '  clips ~330 MB, the two provenance score rows per clip and their three indexes ~400 MB, the provenance caption copies',
  '  ~170 MB, five clip indexes and FTS. On this CPU that is ~23 µs of work per row on the writing thread, nearly all of it',
  '  in SQLite (the breakdown above): ~40–45k rows/s is the ceiling of this design here, with parsing already overlapped,',
  '  and less at 10M. 200k rows/s needs ~5 µs per row all in, i.e. writing far less per row (e.g. provenance once per',
  '  import instead of a caption row and two score rows per clip), which the stated guarantees rule out.',
  '- **Export ≥ 100 MB/s: not met** (~70–74 MB/s at 1M and 48 MB/s at 10M, both at load ~1).',
  '  Per 276 MB on one thread: reading rows 0.85 s, building lines 1.45 s, UTF-8 encoding + sha256 1.0 s, the rest',
  '  0.7 s; the disk is not the limit (1 GB/s with fsync, measured with dd). 100 MB/s needs ≤ 2.8 s per 276 MB: a second',
  '  thread would have to take the encoding (tried, no gain on this machine) or half the reading, and two readers must',
  '  share one snapshot, which this SQLite build (no SQLITE_ENABLE_SNAPSHOT) cannot give without blocking writers.',
  '- Memory: bounded caches (256 MB pages, 64 MB staging, 16 MB FTS buffer, the index sorter within the page cache) plus',
  '  a map of the YoutubeIDs seen, which grows with distinct videos (1.25M at 10M rows), as before: peak RSS ~0.9 GB at',
  '  1M and ~1.2 GB at 10M rows.',
  '',
].join('\n')

void main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
