import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command, CommanderError } from 'commander'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../../../src-main/cli/cli-errors'
import { registerScenes } from '../../../src-main/cli/commands/scenes.command'
import { asset } from './scenes-support'

/**
 * Runs `vicurate scenes …` in-process with the same exit-code mapping as src-main/cli/main.ts
 * (commander usage errors and UsageError → 2, any other failure → 1 with one stderr line).
 */
async function scenes(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const io = { writeOut: (s: string) => (stdout += s), writeErr: (s: string) => (stderr += s) }
  const program = new Command().name('vicurate').exitOverride().configureOutput(io)
  registerScenes(program)
  for (const c of program.commands) c.exitOverride().configureOutput(io)
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
  let code = 0
  try {
    await program.parseAsync(['scenes', ...args], { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) code = err.code === 'commander.helpDisplayed' ? 0 : 2
    else {
      code = err instanceof UsageError ? 2 : 1
      stderr += `vicurate: ${(err as Error).message}\n`
    }
  } finally {
    spy.mockRestore()
  }
  return { code, stdout, stderr }
}

describe('vicurate scenes', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vicurate-scenes-cli-'))
    writeFileSync(join(dir, 'empty.mp4'), '')
    writeFileSync(join(dir, 'notes.mp4'), 'this is a text file, not a video\n'.repeat(20))
    let seed = 99
    writeFileSync(join(dir, 'random.mp4'), Uint8Array.from({ length: 64 * 1024 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255))
    mkdirSync(join(dir, 'folder.mp4'))
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', join(dir, 'audio-only.mp4')])
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('--json prints exactly the documented shape', async () => {
    const video = asset('cc0_3shots_cuts_at_2s_4s.mp4')
    const r = await scenes(video, '--json')
    expect(r.code).toBe(0)
    expect(r.stdout.endsWith('\n')).toBe(true)
    expect(JSON.parse(r.stdout)).toEqual({
      video,
      duration_s: 6,
      fps: 25,
      cuts_s: [2, 4],
      scenes: [
        { start: '00:00:00.000', end: '00:00:02.000', start_s: 0, end_s: 2 },
        { start: '00:00:02.000', end: '00:00:04.000', start_s: 2, end_s: 4 },
        { start: '00:00:04.000', end: '00:00:06.000', start_s: 4, end_s: 6 },
      ],
    })
    expect(r.stderr).toBe('')
  })

  it('prints a readable table without --json', async () => {
    const r = await scenes(asset('cc0_3shots_cuts_at_2s_4s.mp4'), '--detector', 'adaptive')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('3 scenes, 2 cuts (adaptive detector, 150 frames, 25 fps, 6 s)')
    expect(r.stdout).toMatch(/\n {2}2 {2}00:00:02\.000 {2}00:00:04\.000 +2\.000 s\n/)
  })

  it('passes --threshold and --min-scene-len to the detector', async () => {
    const video = asset('sintel_trailer_30s.mp4')
    const loose = JSON.parse((await scenes(video, '--json', '--min-scene-len', '0.5s')).stdout)
    expect(loose.cuts_s).toContain(26)
    const strict = JSON.parse((await scenes(video, '--json', '--min-scene-len', '0.5s', '--threshold', '60')).stdout)
    expect(strict.cuts_s.length).toBeGreaterThan(0)
    expect(strict.cuts_s.length).toBeLessThan(loose.cuts_s.length)
  })

  it.each([
    ['missing.mp4', /missing\.mp4: file not found$/],
    ['empty.mp4', /empty\.mp4: file is empty \(0 bytes\)$/],
    ['notes.mp4', /notes\.mp4: ffprobe cannot read it: Invalid data found when processing input$/],
    ['random.mp4', /random\.mp4: ffprobe cannot read it: Invalid data found when processing input$/],
    ['audio-only.mp4', /audio-only\.mp4: no video stream \(audio-only or not a video\)$/],
    ['folder.mp4', /folder\.mp4: is a directory, not a video file$/],
  ])('bad input %s → exit 1 with one specific line on stderr', async (name, reason) => {
    const r = await scenes(join(dir, name), '--json')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr.trimEnd()).toMatch(reason)
  })

  it.each([
    [['--detector', 'magic']],
    [['--threshold', 'abc']],
    [['--threshold', '-1']],
    [['--threshold', '300']],
    [['--min-scene-len', 'soon']],
    [['--min-scene-len', '1.5']],
    [['--frobnicate']],
    [[]],
  ])('bad flags %j → exit 2', async (flags) => {
    const args = flags.length === 0 ? [] : [asset('flower.mp4'), ...flags]
    const r = await scenes(...args)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).not.toBe('')
  })

  it('names the allowed range when a threshold is refused', async () => {
    expect((await scenes(asset('flower.mp4'), '--threshold', '300')).stderr).toContain('--threshold must be a number in (0, 255] for the content detector (got "300")')
    expect((await scenes(asset('flower.mp4'), '--detector', 'adaptive', '--threshold', '0')).stderr).toContain('--threshold must be a number > 0 for the adaptive detector')
  })
})
