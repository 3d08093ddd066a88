import { InvalidArgumentError, type Command } from 'commander'
import { openProject } from '../../core/project-context'
import { captionSettings, updateCaptionSettings, type CaptionBackendSetting } from '../../services/captioning/caption-settings'
import { PROMPT_VERSION } from '../../services/captioning/summary-prompt'

interface CaptioningOpts {
  captioner?: string
  captionerUrl?: string
  summariser?: string
  summariserUrl?: string
  summary?: boolean
  apiKeyEnv?: string
  fineFrames?: number
  beams?: number
  json?: boolean
}

function intArg(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer')
  return n
}

/** "--captioner X" alone = a model id from the store; with "--captioner-url U" = the endpoint's model name. */
function backend(model: string | undefined, url: string | undefined, apiKeyEnv: string | undefined): CaptionBackendSetting | undefined {
  if (url) return { kind: 'endpoint', url, model: model ?? 'default', ...(apiKeyEnv && { apiKeyEnv }) }
  return model ? { kind: 'onnx', model } : undefined
}

const describe = (b: CaptionBackendSetting | null) => (b === null ? 'none (the coarse caption is the caption)' : b.kind === 'onnx' ? `model ${b.model}` : `endpoint ${b.url} (model ${b.model}${b.apiKeyEnv ? `, key from $${b.apiKeyEnv}` : ''})`)

export function registerCaptioning(program: Command): void {
  program
    .command('captioning <project>')
    .description('show or change how `run --stages caption` captions clips (models or a local OpenAI-compatible endpoint)')
    .option('--captioner <id>', 'image captioner: a model id (vicurate models install …), or the endpoint model name with --captioner-url')
    .option('--captioner-url <url>', 'OpenAI-compatible base URL for the captioner, e.g. http://127.0.0.1:11434/v1 (Ollama)')
    .option('--summariser <id>', 'summariser LLM: a model id, or the endpoint model name with --summariser-url')
    .option('--summariser-url <url>', 'OpenAI-compatible base URL for the summariser (vLLM, llama.cpp server, Ollama)')
    .option('--no-summary', 'no summariser: store coarse and frame captions, and use the coarse one as the caption')
    .option('--api-key-env <NAME>', 'environment variable holding the endpoint API key (the key is never stored)')
    .option('--fine-frames <n>', 'frames captioned at 1 fps per clip, at most (default 5)', intArg)
    .option('--beams <n>', 'beam search width for the ONNX models (1 = greedy)', intArg)
    .option('--json', 'print the settings as JSON')
    .action((project: string, opts: CaptioningOpts) => {
      const ctx = openProject(project)
      try {
        const patch: Record<string, unknown> = {}
        const cap = backend(opts.captioner, opts.captionerUrl, opts.apiKeyEnv)
        if (cap) patch.captioner = cap
        const sum = backend(opts.summariser, opts.summariserUrl, opts.apiKeyEnv)
        if (sum) patch.summariser = sum
        if (opts.summary === false) patch.summariser = null
        if (opts.fineFrames !== undefined) patch.fineFrames = opts.fineFrames
        if (opts.beams !== undefined) patch.beams = opts.beams
        const s = Object.keys(patch).length > 0 ? updateCaptionSettings(ctx, patch) : captionSettings(ctx)
        if (opts.json) return void process.stdout.write(`${JSON.stringify(s, null, 2)}\n`)
        process.stdout.write(
          [`captioner:  ${describe(s.captioner)}`, `summariser: ${describe(s.summariser)} — prompt ${PROMPT_VERSION}`,
            `fine scale: frames at 1 fps, at most ${s.fineFrames} per clip; beams ${s.beams}; max new tokens ${s.frameMaxNewTokens} (frames) / ${s.summaryMaxNewTokens} (summary)`,
            `endpoints:  timeout ${s.endpointTimeoutMs} ms, ${s.endpointRetries} retries, backoff from ${s.endpointBackoffMs} ms`, ''].join('\n'),
        )
      } finally {
        ctx.close()
      }
    })
}
