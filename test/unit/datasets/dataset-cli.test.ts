import { Command } from 'commander'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../../../src-main/cli/cli-errors'
import { registerExport } from '../../../src-main/cli/commands/export.command'
import { registerImport } from '../../../src-main/cli/commands/import.command'
import { openProject } from '../../../src-main/core/project-context'
import { formatTimestamp as coreFormat } from '../../../src-main/media/timecode'
import { formatTimestamp } from '../../../src-main/services/dataset-export-format'
import { generateRows } from '../../support/jsonl-fixtures'
import { tempDir } from '../../support/temp-project'

/** Runs the commands in-process, as main.ts will once the lead registers them. */
async function run(...args: string[]): Promise<{ stdout: string; code: number | undefined }> {
  const program = new Command().exitOverride()
  registerImport(program)
  registerExport(program)
  for (const c of program.commands) c.exitOverride()
  let stdout = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  process.exitCode = undefined
  try {
    await program.parseAsync(args, { from: 'user' })
    return { stdout, code: process.exitCode === undefined ? undefined : Number(process.exitCode) }
  } finally {
    spy.mockRestore()
    err.mockRestore()
    process.exitCode = undefined
  }
}

describe('import / export commands', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('import --json prints rows_ok and line-numbered rejections; export writes the file and its manifest', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const project = join(t.dir, 'p.vicurate')
    openProject(project, { create: true }).close()
    const file = join(t.dir, 'in.jsonl')
    const good = [...generateRows(50, { seed: 3 })].map((r) => JSON.stringify(r))
    writeFileSync(file, [...good.slice(0, 10), '{"YoutubeID": 1', ...good.slice(10)].join('\n'))
    const imp = await run('import', project, file, '--json')
    expect(imp.code).toBeUndefined()
    const report = JSON.parse(imp.stdout) as { rows_ok: number; rows_rejected: { line: number; reason: string }[] }
    expect(report.rows_ok).toBe(50)
    expect(report.rows_rejected).toEqual([{ line: 11, reason: expect.stringMatching(/^truncated JSON/) }])

    const out = join(t.dir, 'out.jsonl')
    const exp = await run('export', project, out, '--where', 'similarity>=0.5', '--where', 'duration<=60', '--json')
    const summary = JSON.parse(exp.stdout) as { rows: number; sha256: string }
    const expected = [...generateRows(50, { seed: 3 })].filter((r) => r.UMT_Score >= 0.5 && toS(r.End_timestamp) - toS(r.Start_timestamp) <= 60)
    expect(summary.rows).toBe(expected.length)
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(expected.length)
    expect(JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'))).toMatchObject({ sha256: summary.sha256, filters: { where: ['similarity>=0.5', 'duration<=60'] } })
  })

  it('bad flags are usage errors that name the flag, and nothing is written', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const project = join(t.dir, 'p.vicurate')
    openProject(project, { create: true }).close()
    const out = join(t.dir, 'o.jsonl')
    const cases: [string[], RegExp][] = [
      [['--where', 'similarity>=0.3 OR 1=1'], /--where/],
      [['--status', 'maybe'], /--status/],
      [['--top-percent', '30'], /--by/],
      [['--top-percent', '130', '--by', 'similarity'], /--top-percent/],
      [['--div', '-5'], /--div/],
      [['--preset', 'best'], /--preset/],
      [['--format', 'xml'], /--format/],
      [['--preset', 'flt', '--top-percent', '10', '--by', 'aesthetic'], /preset flt/],
    ]
    for (const [flags, msg] of cases) {
      await expect(run('export', project, out, ...flags)).rejects.toSatisfy((e: unknown) => e instanceof UsageError && msg.test(e.message))
    }
    expect(existsSync(out)).toBe(false)
    await expect(run('import', project, join(t.dir, 'nope.jsonl'))).rejects.toThrow(UsageError)
    writeFileSync(join(t.dir, 'a.jsonl'), '{}\n')
    await expect(run('import', project, join(t.dir, 'a.jsonl'), '--video-root', join(t.dir, 'no-such-dir'))).rejects.toThrow(/video root/)
    // A file whose every line is bad: exit 1.
    expect((await run('import', project, join(t.dir, 'a.jsonl'), '--json')).code).toBe(1)
  })

  it('the export timestamp formatter matches media/timecode exactly', () => {
    for (const s of [0, 0.0005, 0.001, 1.2, 59.9995, 59.999, 61.5, 3599.9996, 3600, 86399.123, 453.689, 360000.5]) {
      expect(formatTimestamp(s)).toBe(coreFormat(s))
    }
    const rows = [...generateRows(2000, { seed: 8 })]
    for (const r of rows) expect(formatTimestamp(toS(r.Start_timestamp))).toBe(r.Start_timestamp)
  })
})

function toS(ts: string): number {
  const [h, m, s] = ts.split(':').map(Number)
  return h * 3600 + m * 60 + s
}
