import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataDirFor, openProject } from '../../../src-main/core/project-context'
import { runJob } from '../../../src-main/jobs/job-runner'
import type { ScoringDeps } from '../../../src-main/services/scoring/scoring-deps'
import type { StageReport } from '../../../src-main/services/scoring/stage-runner'
import { ShardError, openShardDb } from '../../../src-main/services/sharding/shard-file'
import { mergeShard } from '../../../src-main/services/sharding/shard-merge'
import { openShardContext, parseShard, type ShardSpec } from '../../../src-main/services/sharding/shard-run'
import { ModelStore } from '../../../src-main/ml/model-store'
import { repoRoot } from '../../support/python'
import { tempProject } from '../../support/temp-project'
import { exactDump, expectSameResults, results, shardableProject, type ProjectContext } from './shard-fixture'

/** A copy of a project (file + frame cache) that shares nothing with it but its content. */
function cloneProject(ctx: ProjectContext, to: string): void {
  ctx.db.prepare('VACUUM INTO ?').run(to)
  cpSync(ctx.dataDir, dataDirFor(to), { recursive: true })
}

async function score(ctx: ProjectContext, deps: ScoringDeps): Promise<number> {
  let scored = 0
  for (const name of ['similarity', 'aesthetic'] as const) {
    const r = await runJob(ctx, { name, data: {} }, { scoring: deps })
    expect(r.outcome).toBe('done')
    scored += (r.report as StageReport).scored
  }
  return scored
}

describe('sharded scoring', () => {
  let fx: Awaited<ReturnType<typeof shardableProject>>
  let reference: ReturnType<typeof results>
  let forCli: string
  beforeAll(async () => {
    fx = await shardableProject()
    forCli = join(fx.p.dir, 'cli.vicurate')
    cloneProject(fx.p.ctx, forCli)
    // The unsharded run, on a copy of the same project.
    const copy = join(fx.p.dir, 'copy.vicurate')
    cloneProject(fx.p.ctx, copy)
    const ref = openProject(copy)
    await score(ref, fx.deps)
    reference = results(ref.db)
    ref.close()
    expect(reference.scores.filter((s) => s.model_id !== 'imported').length).toBe(2 * fx.clipIds.length)
    // The imported scores the run replaced, kept as stale history.
    const imported = fx.clipIds.filter((id) => id % 3 !== 0).length
    expect(reference.scores.filter((s) => s.model_id === 'imported' && s.stale === 1).length).toBe(2 * imported)
  }, 180_000)
  afterAll(() => fx.p.cleanup())

  const runShard = async (spec: ShardSpec, file: string) => {
    const ctx = openShardContext(fx.p.ctx, file, spec)
    try {
      return await score(ctx, fx.deps)
    } finally {
      ctx.close()
    }
  }

  it('parses i/n and refuses anything else', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 })
    for (const bad of ['4/4', '-1/2', '1/0', 'a/b', '1']) expect(() => parseShard(bad)).toThrow(ShardError)
  })

  it('two shards merged equal the unsharded run; merging or re-running again changes nothing', async () => {
    const files = [0, 1].map((i) => join(fx.p.dir, `shard-${i}.sqlite`))
    const before = exactDump(fx.p.ctx.db)
    const scored = [await runShard({ index: 0, count: 2 }, files[0]), await runShard({ index: 1, count: 2 }, files[1])]
    // Each shard scored its own clips (id % 2), both kinds; the project itself is untouched.
    const byShard = [0, 1].map((i) => fx.clipIds.filter((id) => id % 2 === i).length)
    expect(scored).toEqual(byShard.map((n) => 2 * n))
    for (const [i, f] of files.entries()) {
      const db = openShardDb(f, { create: false })
      const outs = db.prepare("SELECT DISTINCT clip_id FROM shard_outputs WHERE what = 'score'").pluck().all() as number[]
      db.close()
      expect(outs.every((id) => id % 2 === i)).toBe(true)
      expect(outs.length).toBe(byShard[i])
    }
    expect(results(fx.p.ctx.db).scores).toEqual([])

    const reports = files.map((f) => mergeShard(fx.p.ctx, f))
    expect(reports.map((r) => r.scores)).toEqual(byShard.map((n) => 2 * n))
    expect(reports.flatMap((r) => r.dropped)).toEqual([])
    expectSameResults(results(fx.p.ctx.db), reference, expect)
    expect(exactDump(fx.p.ctx.db)).not.toBe(before)

    const once = exactDump(fx.p.ctx.db)
    files.forEach((f) => mergeShard(fx.p.ctx, f))
    expect(exactDump(fx.p.ctx.db)).toBe(once)

    // Re-running a finished shard finds nothing pending and leaves its file's results as they were.
    const shardDump = () => {
      const db = openShardDb(files[0], { create: false })
      const d = exactDump(db) + JSON.stringify(db.prepare('SELECT * FROM shard_outputs ORDER BY 1, 2, 3').all())
      db.close()
      return d
    }
    const shardBefore = shardDump()
    expect(await runShard({ index: 0, count: 2 }, files[0])).toBe(0)
    expect(shardDump()).toBe(shardBefore)
    mergeShard(fx.p.ctx, files[0])
    expect(exactDump(fx.p.ctx.db)).toBe(once)
  }, 180_000)

  it('refuses a shard of another project, a project file, and a shard file reused for another i/n', async () => {
    const other = tempProject()
    try {
      const before = exactDump(other.ctx.db)
      expect(() => mergeShard(other.ctx, join(fx.p.dir, 'shard-0.sqlite'))).toThrow(/another project/)
      expect(exactDump(other.ctx.db)).toBe(before)
      expect(() => mergeShard(fx.p.ctx, other.ctx.path)).toThrow(/not a vicurate shard file \(it is a project\)/)
      writeFileSync(join(other.dir, 'junk.sqlite'), 'not sqlite at all, just text that is long enough to be read as a header')
      expect(() => mergeShard(fx.p.ctx, join(other.dir, 'junk.sqlite'))).toThrow(ShardError)
      expect(() => openShardContext(other.ctx, join(fx.p.dir, 'shard-0.sqlite'), { index: 0, count: 2 })).toThrow(/another project/)
      expect(() => openShardContext(fx.p.ctx, join(fx.p.dir, 'shard-0.sqlite'), { index: 1, count: 3 })).toThrow(/holds shard 0\/2/)
    } finally {
      other.cleanup()
    }
  })

  it('tools/cluster/run-local-shards.sh runs 2 shard processes of the real CLI and merges them', async () => {
    // The CLI finds models in its store, as on a cluster node: install the fixture folders there.
    const store = new ModelStore({ root: join(fx.p.dir, 'store') })
    for (const d of ['viclip', 'image', 'head']) await store.add(join(fx.p.dir, 'models', d))
    const out = join(fx.p.dir, 'cli-shards')
    const r = spawnSync('bash', [join(repoRoot, 'tools', 'cluster', 'run-local-shards.sh'), forCli, '2', 'similarity,aesthetic', out, '--', '--threads', '1'], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, VICURATE_MODELS_DIR: store.root },
    })
    expect(r.stderr + r.stdout).toMatch(/shard 1\/2\): \d+ scores/)
    expect(r.status).toBe(0)
    expect(existsSync(join(out, 'shard-0-of-2.sqlite')) && existsSync(join(out, 'shard-1-of-2.sqlite'))).toBe(true)
    const ctx = openProject(forCli)
    try {
      expectSameResults(results(ctx.db), reference, expect)
    } finally {
      ctx.close()
    }
  }, 150_000)
})
