import { cpSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Tensor } from '@huggingface/transformers'
import { beforeAll, describe, expect, it } from 'vitest'
import { HfFolderError } from '../../../src-main/ml/captioning/hf-folder'
import { OnnxImageCaptioner } from '../../../src-main/ml/captioning/onnx-captioner'
import { OnnxSummariser } from '../../../src-main/ml/captioning/onnx-summariser'
import { decodeFramesAt } from '../../../src-main/media/ffmpeg'
import { captionFixtures, readReference, type CaptionFixtures } from '../../support/caption-fixtures'
import { seededUniform } from '../ml/viclip-seeded'
import { SHARED_VIDEOS, tempDir } from '../../support/temp-project'

interface VitRef { pixelSeed: number; pixelShape: number[]; maxNewTokens: number; tokens: number[][] }
interface QwenRef { promptIds: number[]; maxNewTokens: number; eos: number[]; tokens: number[] }

const GPT2_EOS = 50256
/** transformers.js pads finished rows with the pad token (= EOS for GPT-2): keep up to the first EOS. */
const untilEos = (row: number[], eos: number[]) => {
  const i = row.findIndex((t) => eos.includes(t))
  return i < 0 ? row : row.slice(0, i + 1)
}
const opts = { provider: 'cpu' as const, threads: 1, batchSize: 4, beams: 1 }

describe('captioning models through transformers.js (tiny random weights, real architectures)', () => {
  let fx: CaptionFixtures
  beforeAll(async () => {
    fx = await captionFixtures()
  }, 300_000)

  it('vit-gpt2: greedy tokens equal PyTorch\'s on seeded pixels, deterministically', async () => {
    const ref = readReference<VitRef>(fx.captioner.dir)
    const cap = await OnnxImageCaptioner.load(fx.captioner.dir, fx.captioner, { ...opts, maxNewTokens: ref.maxNewTokens })
    const px = new Tensor('float32', seededUniform(ref.pixelShape.reduce((a, b) => a * b), ref.pixelSeed, 1), ref.pixelShape)
    const a = await cap.generate({ pixel_values: px })
    const b = await cap.generate({ pixel_values: px })
    expect(a.map((r) => untilEos(r, [GPT2_EOS]))).toEqual(ref.tokens)
    expect(b).toEqual(a)
    // The two images decode differently: the decoder really reads the encoder's output.
    expect(ref.tokens[0]).not.toEqual(ref.tokens[1])
    await cap.dispose()
  })

  it('vit-gpt2: stops at max_new_tokens, and at EOS when the model emits it', async () => {
    const ref = readReference<VitRef>(fx.captioner.dir)
    const px = new Tensor('float32', seededUniform(ref.pixelShape.reduce((a, b) => a * b), ref.pixelSeed, 1), ref.pixelShape)
    const short = await OnnxImageCaptioner.load(fx.captioner.dir, fx.captioner, { ...opts, maxNewTokens: 5 })
    const five = await short.generate({ pixel_values: px })
    expect(five.map((r) => r.length)).toEqual([5, 5])
    expect(five[0]).toEqual(ref.tokens[0].slice(0, 5))
    // Declare the token row 0 emits at step 3 to be EOS: row 0 must stop right there.
    const eos = ref.tokens[0][3]
    const stopAt = ref.tokens[0].indexOf(eos)
    const full = await OnnxImageCaptioner.load(fx.captioner.dir, fx.captioner, { ...opts, maxNewTokens: ref.maxNewTokens })
    const stopped = await full.generate({ pixel_values: px }, { eosTokenId: eos })
    expect(untilEos(stopped[0], [eos])).toEqual(ref.tokens[0].slice(0, stopAt + 1))
    await Promise.all([short.dispose(), full.dispose()])
  })

  it('qwen2: greedy continuation equals PyTorch\'s and stops at EOS or max tokens', async () => {
    const ref = readReference<QwenRef>(fx.summariser.dir)
    const lm = await OnnxSummariser.load(fx.summariser.dir, fx.summariser, { provider: 'cpu', threads: 1, beams: 1, maxNewTokens: ref.maxNewTokens })
    expect(await lm.generate(ref.promptIds)).toEqual(ref.tokens)
    expect(await lm.generate(ref.promptIds)).toEqual(ref.tokens)
    const eos = ref.tokens[4]
    expect(await lm.generate(ref.promptIds, { eosTokenId: eos })).toEqual(ref.tokens.slice(0, ref.tokens.indexOf(eos) + 1))
    await lm.dispose()
  })

  it('captions real decoded frames: one caption per frame, the same twice', async () => {
    const frames = (await decodeFramesAt(join(SHARED_VIDEOS, 'cc0_3shots_cuts_at_2s_4s.mp4'), [1, 3, 5], { startTimeS: 0 })).map((d) => d.image)
    const cap = await OnnxImageCaptioner.load(fx.captioner.dir, fx.captioner, { ...opts, batchSize: 2, maxNewTokens: 8 })
    const a = await cap.caption(frames)
    expect(a).toHaveLength(3)
    expect(await cap.caption(frames)).toEqual(a)
    await cap.dispose()
  })

  it('a model folder missing a file fails with an error naming that file', async () => {
    const t = tempDir()
    try {
      for (const [file, name] of [['onnx/decoder_model_merged.onnx', 'decoder'], ['tokenizer.json', 'tok'], ['preprocessor_config.json', 'pre']] as const) {
        const dir = join(t.dir, name)
        cpSync(fx.captioner.dir, dir, { recursive: true })
        rmSync(join(dir, file))
        const err = await OnnxImageCaptioner.load(dir, fx.captioner, { ...opts, maxNewTokens: 4 }).catch((e: unknown) => e)
        expect(err).toBeInstanceOf(HfFolderError)
        expect((err as HfFolderError).file).toBe(join(dir, file))
        expect((err as Error).message).toContain('missing')
      }
      const lm = join(t.dir, 'lm')
      cpSync(fx.summariser.dir, lm, { recursive: true })
      rmSync(join(lm, 'onnx', 'model.onnx'))
      await expect(OnnxSummariser.load(lm, fx.summariser, { provider: 'cpu', threads: 1, beams: 1, maxNewTokens: 4 })).rejects.toThrow(join(lm, 'onnx', 'model.onnx'))
    } finally {
      t.cleanup()
    }
  })
})
