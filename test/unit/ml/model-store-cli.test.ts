import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CliFailure, UsageError } from '../../../src-main/cli/cli-errors'
import { registerModels } from '../../../src-main/cli/commands/models.command'
import { repoRoot } from '../../support/python'

// `vicurate models …` in-process (main.ts wires it; these tests build their own program).
let root: string
let src: string
let out: string

async function run(...args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  const program = new Command().exitOverride()
  registerModels(program)
  for (const c of program.commands) c.exitOverride()
  out = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  process.exitCode = undefined
  try {
    await program.parseAsync(['models', '--models-dir', root, ...args], { from: 'user' })
    return { out, exitCode: process.exitCode === undefined ? undefined : Number(process.exitCode) }
  } finally {
    spy.mockRestore()
    err.mockRestore()
    process.exitCode = undefined
  }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'models-cli-'))
  src = mkdtempSync(join(tmpdir(), 'models-cli-src-'))
  cpSync(join(repoRoot, 'test/fixtures/models/viclip-tiny'), src, { recursive: true })
  // An export folder carries the tokenizer merges its manifest names (from ../shared/assets here).
  copyFileSync(join(repoRoot, '..', 'shared', 'assets', 'tokenizer', 'bpe_simple_vocab_16e6.txt.gz'), join(src, 'bpe_simple_vocab_16e6.txt.gz'))
})
afterEach(() => {
  rmSync(root, { recursive: true, force: true })
  rmSync(src, { recursive: true, force: true })
})

describe('vicurate models', () => {
  it('list --json shows registry entries, locally added models and the execution provider', async () => {
    await run('add', src)
    const { out: text } = await run('list', '--json')
    const report = JSON.parse(text)
    expect(report.root).toBe(root)
    // No CUDA provider libraries on CPU-only machines: the reason must be shown, not hidden.
    expect(report.executionProvider).toMatch(/^(cuda|cpu \(CUDA execution provider unavailable, using CPU: .+\))$/)
    const ids = report.models.map((m: { id: string }) => m.id)
    expect(ids).toEqual(expect.arrayContaining(['viclip-b16-hf', 'laion-aesthetic-v2', 'viclip-tiny-random']))
    const tiny = report.models.find((m: { id: string }) => m.id === 'viclip-tiny-random')
    expect(tiny.installed).toEqual([{ revision: expect.stringMatching(/^sha256-/), dir: expect.stringContaining(root) }])
    expect(report.models.find((m: { id: string }) => m.id === 'viclip-l14').needsTrustOnFirstUse).toBe(true)
  })

  it('verify exits 1 naming a corrupted file, and 0 when intact', async () => {
    await run('add', src)
    expect((await run('verify')).exitCode).toBeUndefined()
    expect(out).toContain('1 model revision(s) checked, 0 problem(s)')
    const list = JSON.parse((await run('list', '--json')).out)
    const dir = list.models.find((m: { id: string }) => m.id === 'viclip-tiny-random').installed[0].dir
    const buf = readFileSync(join(dir, 'text.onnx'))
    buf[77] = buf[77]! ^ 0x80
    writeFileSync(join(dir, 'text.onnx'), buf)
    const r = await run('verify', 'viclip-tiny-random')
    expect(r.exitCode).toBe(1)
    expect(r.out).toContain(`${join(dir, 'text.onnx')}: corrupt: sha256 does not match manifest.json`)
  })

  it('install refuses unknown ids (usage error) and unpinned files without --trust-on-first-use', async () => {
    await expect(run('install', 'no-such-model')).rejects.toBeInstanceOf(UsageError)
    // Refused before any network access: the registry has no sha256 for this checkpoint.
    const e = await run('install', 'viclip-l14').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CliFailure)
    expect((e as Error).message).toContain('--trust-on-first-use')
  })

  it('verify of a model that is not installed fails with the install hint', async () => {
    await expect(run('verify', 'viclip-b16-hf')).rejects.toThrow('install it with: vicurate models install viclip-b16-hf')
  })
})
