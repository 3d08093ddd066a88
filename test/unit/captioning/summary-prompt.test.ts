import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cleanCaption } from '../../../src-main/ml/captioning/captioner-types'
import { OnnxSummariser } from '../../../src-main/ml/captioning/onnx-summariser'
import { DEFAULT_CAPTION_SETTINGS, mergeCaptionSettings } from '../../../src-main/services/captioning/caption-settings'
import { groupInstants } from '../../../src-main/services/captioning/caption.stage'
import { fineFrameTimes, PROMPT_VERSION, summaryMessages, SYSTEM_PROMPT } from '../../../src-main/services/captioning/summary-prompt'
import { captionFixtures } from '../../support/caption-fixtures'
import { repoRoot } from '../../support/python'

const README = readFileSync(join(repoRoot, 'README.md'), 'utf8')
const EXAMPLE = { coarse: 'a dog runs on a beach', frames: [{ t: 0.5, text: 'a dog on the sand' }, { t: 1.5, text: 'a dog chasing a ball near the waves' }] }

describe('the summary prompt', () => {
  it('is built exactly as the README documents it (version, system message, user message)', () => {
    const block = /<!-- summary-prompt-example:begin -->\n```text\n([\s\S]*?)\n```\n<!-- summary-prompt-example:end -->/.exec(README)
    expect(block).not.toBeNull()
    const [system, user] = summaryMessages(EXAMPLE.coarse, EXAMPLE.frames)
    expect(user).toEqual({ role: 'user', content: block![1] })
    expect(system).toEqual({ role: 'system', content: SYSTEM_PROMPT })
    expect(README).toContain(`\`${SYSTEM_PROMPT}\``)
    expect(README).toContain(`version \`${PROMPT_VERSION}\``)
  })

  it('reaches the model through its chat template (ChatML for the Qwen2 layout), generation prompt last', async () => {
    const fx = await captionFixtures()
    const lm = await OnnxSummariser.load(fx.summariser.dir, fx.summariser, { provider: 'cpu', threads: 1, beams: 1, maxNewTokens: 4 })
    const messages = summaryMessages(EXAMPLE.coarse, EXAMPLE.frames)
    expect(lm.render(messages)).toBe(`<|im_start|>system\n${messages[0].content}<|im_end|>\n<|im_start|>user\n${messages[1].content}<|im_end|>\n<|im_start|>assistant\n`)
    await lm.dispose()
  }, 300_000)

  it('samples 1 fps frames at mid-seconds, capped and spread evenly over long clips', () => {
    expect(fineFrameTimes(2.0, 5)).toEqual([0.5, 1.5])
    expect(fineFrameTimes(5.9, 5)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5])
    expect(fineFrameTimes(10, 5)).toEqual([1, 3, 5, 7, 9])
    expect(fineFrameTimes(0.6, 5)).toEqual([0.3])
    expect(fineFrameTimes(3, 1)).toEqual([1.5])
  })

  it('decodes instants less than a frame apart once (a 5.005 s clip\'s midpoint and its 2.5 s frame)', () => {
    const rep = groupInstants([2.5025, 0.5, 1.5, 2.5, 3.5, 4.5], 30000 / 1001)
    expect(rep.get(2.5025)).toBe(2.5)
    expect(new Set(rep.values()).size).toBe(5)
    expect(groupInstants([1, 1.05], null).get(1.05)).toBe(1.05) // unknown fps: 25 fps-ish grouping (40 ms)
  })

  it('cleans model text into a caption, and an empty answer stays empty', () => {
    expect(cleanCaption('  "A red flower."  ')).toBe('A red flower.')
    expect(cleanCaption('Summary: a dog\n runs')).toBe('a dog runs')
    expect(cleanCaption(' \n ')).toBe('')
    expect(cleanCaption('""')).toBe('')
  })

  it('rejects bad captioning settings with the field and the reason', () => {
    const bad = (patch: unknown) => () => mergeCaptionSettings(DEFAULT_CAPTION_SETTINGS, patch)
    expect(bad({ fineFrames: 0 })).toThrow('captioning.fineFrames must be an integer in [1, 32]')
    expect(bad({ captioner: { kind: 'endpoint', url: 'not a url', model: 'm' } })).toThrow('captioning.captioner.url is not a URL')
    expect(bad({ summariser: { kind: 'endpoint', url: 'http://x', model: 'm', apiKeyEnv: 'sk-123' } })).toThrow('apiKeyEnv must be an environment variable name')
    expect(bad({ colour: 'red' })).toThrow('unknown captioning setting "colour"')
    expect(mergeCaptionSettings(DEFAULT_CAPTION_SETTINGS, { summariser: null }).summariser).toBeNull()
  })
})
