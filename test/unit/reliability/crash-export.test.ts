import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openProject } from '../../../src-main/core/project-context'
import { updateCaption } from '../../../src-main/services/caption.service'
import { exportDataset } from '../../../src-main/services/dataset-export.service'
import { importDataset } from '../../../src-main/services/dataset-import.service'
import { parseWhere } from '../../../src-main/services/export-filters'
import { decideClip } from '../../../src-main/services/review.service'
import { runCrashHarness, type CrashStage, type RunDir } from '../../support/crash-harness'
import { generateRows, writeJsonl } from '../../support/jsonl-fixtures'

const OUT = 'out.jsonl'
/** Names the export gives its temporary files (dataset-export.service.ts): never a finished file's name. */
const TEMP = /^out\.jsonl(\.manifest\.json)?\.tmp-\d+(-[0-9a-f]{8})?$/

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
/** The previous and the reference export never change: hash each once. */
const fixedSha = new Map<string, string>()
const shaOnce = (file: string) => fixedSha.get(file) ?? fixedSha.set(file, sha(file)).get(file)!
const outputs = (dir: string) => readdirSync(dir).filter((f) => f.startsWith(OUT))

function exportState(run: RunDir) {
  const file = join(run.dir, OUT)
  const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8')) as Record<string, unknown>
  const { created_at: _at, project: _project, ...rest } = manifest
  const bytes = readFileSync(file)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return {
    sha256,
    // The manifest describes this file, not the one a kill may have left before it.
    manifestMatchesFile: manifest.sha256 === sha256 && manifest.bytes === bytes.length,
    manifest: rest,
    // The resume removes what the killed export left (its pid is dead) and leaves none of its own.
    tempFilesAfterResume: outputs(run.dir).filter((f) => TEMP.test(f)),
  }
}

const exportStage: CrashStage = {
  name: 'export',
  readsProjectOnly: true,
  async setup(inputs, workspace) {
    // Big enough that writing the rows is ~40 % of a run (the rest: Node start, quick_check),
    // so a good share of the kills land mid-write.
    writeJsonl(join(inputs, 'internvid.jsonl'), generateRows(60_000, { seed: 5 }))
    const ctx = openProject(workspace.project, { create: true })
    try {
      await importDataset(ctx, join(inputs, 'internvid.jsonl'))
      // The previous export at the output path (a small one): a kill must leave it, or the new one, whole.
      exportDataset(ctx, join(workspace.dir, OUT), { status: 'all', where: [parseWhere('duration<=2')], topPercent: null, div: null, preset: null })
    } finally {
      ctx.close()
    }
  },
  // Decisions and an edited caption change what is exported (status, caption_original).
  curate(ctx) {
    for (let id = 1; id <= 40; id++) decideClip(ctx, { clipId: id, action: id % 3 === 0 ? 'reject' : 'accept', reason: id % 3 === 0 ? 'blurry' : null })
    updateCaption(ctx, 41, 'a red car driving through a forest at night, headlights on')
  },
  args: (run) => ['export', run.project, join(run.dir, OUT), '--with-review', '--where', 'duration<=60', '--json'],
  snapshot: (_db, run) => exportState(run),
  afterKill(run, reference, workspace) {
    const file = join(run.dir, OUT)
    if (!existsSync(file)) return `${OUT} is gone (the previous export should have stayed)`
    const now = sha(file)
    if (now !== shaOnce(join(workspace.dir, OUT)) && now !== shaOnce(join(reference.dir, OUT))) {
      return `${OUT} is neither the previous export nor the complete new one (${readFileSync(file).length} bytes)`
    }
    const others = outputs(run.dir).filter((f) => f !== OUT && f !== `${OUT}.manifest.json`)
    const strange = others.filter((f) => !TEMP.test(f))
    if (strange.length) return `unexpected files beside the export: ${strange.join(', ')}`
    return null
  },
}

describe('crash harness: dataset export (vicurate export)', () => {
  it('after kill -9 at 20 seeded random moments, the output is the previous file or the complete new one, never partial; the resume writes the reference file and manifest and removes the killed run\'s temp files', async () => {
    const r = await runCrashHarness(exportStage)
    expect(r.landed).toBeGreaterThanOrEqual(r.kills)
  }, 600_000)
})
