import { ESLint } from 'eslint'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..', '..', '..')

/** Lints source text as if it lived at `file`, returning the rule ids that fired. */
async function rulesFired(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT })
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) })
  return result.messages.map((m) => m.ruleId ?? 'fatal')
}

describe('layering rules (HOUSE_STYLE §2) are enforced by ESLint', () => {
  it('forbids electron, vue and fluent-ffmpeg in core modules', async () => {
    const code = "import { app } from 'electron'\nimport { ref } from 'vue'\nimport ff from 'fluent-ffmpeg'\nexport const x = [app, ref, ff]\n"
    expect(await rulesFired('src-main/services/probe-layering.ts', code)).toEqual(['no-restricted-imports', 'no-restricted-imports', 'no-restricted-imports'])
  })

  it('allows electron only in the shell and fluent-ffmpeg only in the media adapter', async () => {
    expect(await rulesFired('src-main/electron/probe-layering.ts', "import { app } from 'electron'\nexport const x = app\n")).toEqual([])
    expect(await rulesFired('src-main/media/ffmpeg/probe-layering.ts', "import ff from 'fluent-ffmpeg'\nexport const x = ff\n")).toEqual([])
  })

  it('lets the renderer import only types from src-main', async () => {
    const typeOnly = "import type { ApiContract } from '../../src-main/api/contract'\nexport type X = ApiContract\n"
    expect(await rulesFired('src-renderer/src/probe-layering.ts', typeOnly)).toEqual([])
    const value = "import { API_CHANNELS } from '../../src-main/api/contract'\nexport const x = API_CHANNELS\n"
    expect(await rulesFired('src-renderer/src/probe-layering.ts', value)).toContain('@typescript-eslint/no-restricted-imports')
    const core = "import { openProject } from '../../src-main/core/project-context'\nexport const x = openProject\n"
    expect(await rulesFired('src-renderer/src/probe-layering.ts', core)).toContain('@typescript-eslint/no-restricted-imports')
  })
})
