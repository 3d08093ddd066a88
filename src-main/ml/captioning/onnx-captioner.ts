import type { ProviderChoice } from '../onnx-session'
import type { RgbFrame } from '../preprocess/rgb-frame'
import { cleanCaption, type CaptionModelRef, type GenerationOptions, type ImageCaptioner } from './captioner-types'
import { checkHfFolder, type HfDtype } from './hf-folder'
import { loadOnDevice, pretrainedOptions, transformers } from './transformers-runtime'

type T = Awaited<ReturnType<typeof transformers>>
type Model = Awaited<ReturnType<T['AutoModelForVision2Seq']['from_pretrained']>>
type Processor = Awaited<ReturnType<T['AutoProcessor']['from_pretrained']>>
type Tokenizer = Awaited<ReturnType<T['AutoTokenizer']['from_pretrained']>>

export interface OnnxCaptionerOptions extends GenerationOptions {
  provider: ProviderChoice
  threads: number | null
  /** Images per encoder/decoder batch (the clip's middle frame and its 1 fps frames). */
  batchSize: number
  dtype?: HfDtype
}

/**
 * An encoder–decoder image captioner from the Hub's ONNX layout (vit-gpt2, and other
 * vision-encoder-decoder exports), run by transformers.js on onnxruntime-node. The model's own
 * preprocessor_config.json drives resizing and normalisation; decoding is greedy (or beam
 * search) with the KV cache, stopping at EOS or maxNewTokens.
 */
export class OnnxImageCaptioner implements ImageCaptioner {
  private constructor(
    readonly ref: CaptionModelRef,
    readonly provider: 'cuda' | 'cpu',
    readonly fallbackReason: string | null,
    private readonly t: T,
    private readonly model: Model,
    private readonly processor: Processor,
    private readonly tokenizer: Tokenizer,
    private readonly opts: OnnxCaptionerOptions,
  ) {}

  static async load(dir: string, ref: CaptionModelRef, opts: OnnxCaptionerOptions): Promise<OnnxImageCaptioner> {
    const folder = checkHfFolder(dir, 'image-to-text', opts.dtype)
    const t = await transformers()
    const loaded = await loadOnDevice(opts.provider, (device) => t.AutoModelForVision2Seq.from_pretrained(dir, pretrainedOptions(folder, device, opts.threads)))
    const [processor, tokenizer] = await Promise.all([t.AutoProcessor.from_pretrained(dir, { local_files_only: true }), t.AutoTokenizer.from_pretrained(dir, { local_files_only: true })])
    return new OnnxImageCaptioner(ref, loaded.provider, loaded.fallbackReason, t, loaded.value, processor, tokenizer, opts)
  }

  async caption(frames: RgbFrame[], signal?: AbortSignal): Promise<string[]> {
    const out: string[] = []
    for (let i = 0; i < frames.length; i += this.opts.batchSize) {
      signal?.throwIfAborted()
      const images = frames.slice(i, i + this.opts.batchSize).map((f) => new this.t.RawImage(new Uint8ClampedArray(f.data.buffer, f.data.byteOffset, f.data.byteLength), f.width, f.height, 3))
      const { pixel_values } = (await this.processor(images)) as { pixel_values: unknown }
      const ids = await this.generate({ pixel_values })
      out.push(...this.tokenizer.batch_decode(ids, { skip_special_tokens: true }).map(cleanCaption))
    }
    return out
  }

  /** Token ids for already-preprocessed pixels (the numerics tests feed seeded tensors here). */
  async generate(inputs: { pixel_values: unknown }, overrides: { eosTokenId?: number } = {}): Promise<number[][]> {
    const output = (await this.model.generate({
      ...inputs,
      max_new_tokens: this.opts.maxNewTokens,
      num_beams: this.opts.beams,
      do_sample: false,
      ...(overrides.eosTokenId !== undefined && { eos_token_id: overrides.eosTokenId }),
    } as never)) as { tolist(): (bigint | number)[][] }
    // The decoder start token is the first id of every row; callers get only generated tokens.
    return output.tolist().map((row) => row.slice(1).map(Number))
  }

  async dispose(): Promise<void> {
    await this.model.dispose()
  }
}
