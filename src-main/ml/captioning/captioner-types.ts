import type { RgbFrame } from '../preprocess/rgb-frame'

/** Where a caption came from: stored with every caption row (model id + revision, or endpoint). */
export interface CaptionModelRef {
  id: string
  revision: string
}

/** Turns images into one caption each (coarse middle frame, fine 1 fps frames). */
export interface ImageCaptioner {
  readonly ref: CaptionModelRef
  readonly provider: string
  /** Why a GPU was not used, when it was not; shown with the job report. */
  readonly fallbackReason: string | null
  caption(frames: RgbFrame[], signal?: AbortSignal): Promise<string[]>
  dispose(): Promise<void>
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** Turns the summary prompt's messages into one caption. */
export interface Summariser {
  readonly ref: CaptionModelRef
  readonly provider: string
  readonly fallbackReason: string | null
  summarise(messages: ChatMessage[], signal?: AbortSignal): Promise<string>
  dispose(): Promise<void>
}

/** Generation settings shared by both ONNX backends (greedy unless beams > 1). */
export interface GenerationOptions {
  maxNewTokens: number
  beams: number
}

/**
 * A model's raw text → a caption: whitespace collapsed, wrapping quotes and a leading
 * "Caption:"/"Summary:" label removed (instruction-tuned models add them). Returns '' when
 * nothing is left, which callers treat as "no caption", never as a caption.
 */
export function cleanCaption(raw: string): string {
  let s = raw.replace(/\s+/g, ' ').trim()
  s = s.replace(/^(caption|summary|description)\s*:\s*/i, '')
  const quoted = /^(["'“‘])(.*)(["'”’])$/.exec(s)
  if (quoted) s = quoted[2].trim()
  return s
}
