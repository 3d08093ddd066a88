import type { ProviderChoice } from '../onnx-session'
import { cleanCaption, type CaptionModelRef, type ChatMessage, type GenerationOptions, type Summariser } from './captioner-types'
import { checkHfFolder, type HfDtype } from './hf-folder'
import { loadOnDevice, pretrainedOptions, transformers } from './transformers-runtime'

type T = Awaited<ReturnType<typeof transformers>>
type Model = Awaited<ReturnType<T['AutoModelForCausalLM']['from_pretrained']>>
type Tokenizer = Awaited<ReturnType<T['AutoTokenizer']['from_pretrained']>>

export interface OnnxSummariserOptions extends GenerationOptions {
  provider: ProviderChoice
  threads: number | null
  dtype?: HfDtype
}

/**
 * A small instruction-tuned LLM (Qwen2.5-0.5B-Instruct and other decoder-only exports) that
 * turns the summary prompt into one caption. The prompt is rendered by the model's own chat
 * template (tokenizer_config.json), so each model gets the format it was tuned on.
 */
export class OnnxSummariser implements Summariser {
  private constructor(
    readonly ref: CaptionModelRef,
    readonly provider: 'cuda' | 'cpu',
    readonly fallbackReason: string | null,
    private readonly model: Model,
    private readonly tokenizer: Tokenizer,
    private readonly opts: OnnxSummariserOptions,
  ) {}

  static async load(dir: string, ref: CaptionModelRef, opts: OnnxSummariserOptions): Promise<OnnxSummariser> {
    const folder = checkHfFolder(dir, 'text-generation', opts.dtype)
    const t = await transformers()
    const loaded = await loadOnDevice(opts.provider, (device) => t.AutoModelForCausalLM.from_pretrained(dir, pretrainedOptions(folder, device, opts.threads)))
    const tokenizer = await t.AutoTokenizer.from_pretrained(dir, { local_files_only: true })
    if (!tokenizer.chat_template) throw new Error(`${dir}/tokenizer_config.json: no chat_template; the summariser must be an instruction-tuned model`)
    return new OnnxSummariser(ref, loaded.provider, loaded.fallbackReason, loaded.value, tokenizer, opts)
  }

  /** The exact text the model sees (chat template applied, generation prompt appended). */
  render(messages: ChatMessage[]): string {
    return this.tokenizer.apply_chat_template(messages as never, { tokenize: false, add_generation_prompt: true }) as string
  }

  async summarise(messages: ChatMessage[], signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted()
    const ids = this.tokenizer.encode(this.render(messages), { add_special_tokens: false })
    const generated = await this.generate(ids)
    return cleanCaption(this.tokenizer.decode(generated, { skip_special_tokens: true }))
  }

  /** New token ids for a prompt of ids (the numerics tests call this with seeded prompts). */
  async generate(promptIds: number[], overrides: { eosTokenId?: number } = {}): Promise<number[]> {
    const t = await transformers()
    const n = promptIds.length
    const output = (await this.model.generate({
      input_ids: new t.Tensor('int64', BigInt64Array.from(promptIds.map(BigInt)), [1, n]),
      attention_mask: new t.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      max_new_tokens: this.opts.maxNewTokens,
      num_beams: this.opts.beams,
      do_sample: false,
      ...(overrides.eosTokenId !== undefined && { eos_token_id: overrides.eosTokenId }),
    } as never)) as { tolist(): (bigint | number)[][] }
    return output.tolist()[0].slice(n).map(Number)
  }

  async dispose(): Promise<void> {
    await this.model.dispose()
  }
}
