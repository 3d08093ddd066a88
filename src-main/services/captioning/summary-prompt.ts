import type { ChatMessage } from '../../ml/captioning/captioner-types'

/**
 * The fine-caption summary prompt, versioned: every stored summary records PROMPT_VERSION, and
 * any change to the wording below must bump it (old captions then say which prompt made them).
 * Documented verbatim, with a rendered example, in the README ("Captioning"); a test compares them.
 *
 * It follows InternVid's fine scale (frame captions summarised by a language model) with the
 * constraints of the HawkEye reproduction: one sentence, at most 30 words, keep every action
 * and object. The coarse (middle-frame) caption is part of the input.
 */
export const PROMPT_VERSION = 'fine-summary-v1'
export const SUMMARY_MAX_WORDS = 30

export const SYSTEM_PROMPT = 'You write captions for a video-text dataset. You are precise and never invent details.'

export interface FrameCaption {
  /** Seconds from the clip's start. */
  t: number
  text: string
}

export function summaryMessages(coarse: string, frames: FrameCaption[]): ChatMessage[] {
  const lines = frames.map((f, i) => `${i + 1}. (${f.t.toFixed(1)} s) ${f.text}`)
  const user = [
    `Summarise these descriptions of one video clip in a single sentence of at most ${SUMMARY_MAX_WORDS} words.`,
    'Keep every action and object they mention; do not add anything they do not say. Answer with the sentence only.',
    '',
    `Whole clip (middle frame): ${coarse}`,
    'Frames, one per second:',
    ...lines,
  ].join('\n')
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ]
}

/**
 * The instants captioned at the fine scale: one per second of the clip (at 0.5 s, 1.5 s, …, so
 * a frame is never the cut itself), capped at `maxFrames` spread evenly over the clip when it is
 * longer; a clip shorter than a second gets its midpoint.
 */
export function fineFrameTimes(durationS: number, maxFrames: number): number[] {
  const perSecond = Math.max(1, Math.floor(durationS))
  const n = Math.max(1, Math.min(perSecond, maxFrames))
  if (durationS < 1) return [durationS / 2]
  if (n === perSecond) return Array.from({ length: n }, (_, i) => i + 0.5)
  return Array.from({ length: n }, (_, i) => ((i + 0.5) * durationS) / n)
}
