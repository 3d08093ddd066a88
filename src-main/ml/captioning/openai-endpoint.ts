import sharp from 'sharp'
import type { RgbFrame } from '../preprocess/rgb-frame'
import { cleanCaption, type CaptionModelRef, type ChatMessage, type ImageCaptioner, type Summariser } from './captioner-types'

/**
 * An OpenAI-compatible chat endpoint on the user's machine (vLLM, Ollama, llama.cpp server),
 * for either role. Never required: configured by URL in the captioning settings. Each request
 * has a timeout and is retried with exponential backoff; what finally fails is thrown with the
 * reason (refused, timed out, HTTP status, unusable body) for the caller to record per clip.
 */
export interface EndpointOptions {
  /** Base URL, e.g. http://127.0.0.1:11434/v1 (the /chat/completions path is appended). */
  url: string
  model: string
  /** Read from this environment variable, never stored in the project. */
  apiKeyEnv?: string
  timeoutMs: number
  retries: number
  backoffMs: number
  maxTokens: number
  /** The instruction sent with each image when captioning. */
  imagePrompt?: string
  fetchImpl?: typeof fetch
}

export class EndpointError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EndpointError'
  }
}

const DEFAULT_IMAGE_PROMPT = 'Describe this video frame in one short sentence: the main objects and what they are doing.'

function endpointUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/chat/completions`
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true })
  })

/** One chat completion with timeout + retries; returns the assistant's text (may be ''). */
export async function chatCompletion(opts: EndpointOptions, messages: unknown[], signal?: AbortSignal): Promise<string> {
  const url = endpointUrl(opts.url)
  const key = opts.apiKeyEnv ? process.env[opts.apiKeyEnv] : undefined
  const body = JSON.stringify({ model: opts.model, messages, max_tokens: opts.maxTokens, temperature: 0, stream: false })
  let last = ''
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    signal?.throwIfAborted()
    if (attempt > 0) await sleep(opts.backoffMs * 2 ** (attempt - 1), signal)
    const timeout = AbortSignal.timeout(opts.timeoutMs)
    try {
      const res = await (opts.fetchImpl ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
      const text = await res.text()
      if (!res.ok) {
        last = `HTTP ${res.status} from ${url}: ${text.slice(0, 200)}`
        // A client error (bad model name, bad request) will not get better by retrying.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break
        continue
      }
      let parsed: { choices?: { message?: { content?: unknown } }[] }
      try {
        parsed = JSON.parse(text) as typeof parsed
      } catch {
        last = `${url} answered with something that is not JSON: ${JSON.stringify(text.slice(0, 120))}`
        continue
      }
      const content = parsed.choices?.[0]?.message?.content
      if (typeof content !== 'string') {
        last = `${url} answered without choices[0].message.content: ${text.slice(0, 120)}`
        continue
      }
      return content
    } catch (e) {
      if (signal?.aborted) throw e
      const err = e as Error & { cause?: { code?: string } }
      last = timeout.aborted ? `${url} did not answer within ${opts.timeoutMs} ms` : `${url} unreachable (${err.cause?.code ?? err.message})`
    }
  }
  throw new EndpointError(`${last} (after ${opts.retries + 1} attempt${opts.retries ? 's' : ''})`)
}

function refFor(opts: EndpointOptions): CaptionModelRef {
  return { id: `endpoint:${opts.model}`, revision: opts.url }
}

export class EndpointCaptioner implements ImageCaptioner {
  readonly ref: CaptionModelRef
  readonly provider = 'endpoint'
  readonly fallbackReason = null
  constructor(private readonly opts: EndpointOptions) {
    this.ref = refFor(opts)
  }

  async caption(frames: RgbFrame[], signal?: AbortSignal): Promise<string[]> {
    const out: string[] = []
    for (const f of frames) {
      const jpeg = await sharp(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), { raw: { width: f.width, height: f.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()
      const content = [
        { type: 'text', text: this.opts.imagePrompt ?? DEFAULT_IMAGE_PROMPT },
        { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` } },
      ]
      out.push(cleanCaption(await chatCompletion(this.opts, [{ role: 'user', content }], signal)))
    }
    return out
  }

  async dispose(): Promise<void> {}
}

export class EndpointSummariser implements Summariser {
  readonly ref: CaptionModelRef
  readonly provider = 'endpoint'
  readonly fallbackReason = null
  constructor(private readonly opts: EndpointOptions) {
    this.ref = refFor(opts)
  }

  async summarise(messages: ChatMessage[], signal?: AbortSignal): Promise<string> {
    return cleanCaption(await chatCompletion(this.opts, messages, signal))
  }

  async dispose(): Promise<void> {}
}
