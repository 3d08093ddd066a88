import { cvLinearResize } from './cv-linear'
import { checkRgbFrame, writeNormalizedChw, type FloatTensor, type RgbFrame } from './rgb-frame'

/**
 * ViCLIP video preprocessing as InternVid's demo does it (viclip/__init__.py `frames2tensor`):
 * cv2.resize to 224×224 (INTER_LINEAR, aspect ratio not kept, no crop) on RGB frames, then
 * (x/255 − ImageNet mean) / std, stacked as [B, 8, 3, 224, 224].
 */
export const VICLIP_FRAMES = 8
export const VICLIP_SIZE = 224
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const

/**
 * Which of `frameCount` decoded frames the demo keeps: every `floor(n/8)`-th from the first,
 * eight of them (`vid_list[::step][:fnum]`).
 */
export function viclipFrameIndices(frameCount: number, count = VICLIP_FRAMES): number[] {
  if (!Number.isInteger(frameCount) || frameCount < count) {
    throw new Error(`ViCLIP needs at least ${count} frames, got ${frameCount}`)
  }
  const step = Math.floor(frameCount / count)
  return Array.from({ length: count }, (_, i) => i * step)
}

/** Clips of exactly `count` frames each → float32 [B, count, 3, 224, 224]. */
export function viclipClipTensor(clips: readonly (readonly RgbFrame[])[], count = VICLIP_FRAMES, size = VICLIP_SIZE): FloatTensor {
  const perFrame = 3 * size * size
  const data = new Float32Array(clips.length * count * perFrame)
  clips.forEach((frames, b) => {
    if (frames.length !== count) {
      throw new Error(`ViCLIP preprocessing: clip ${b} has ${frames.length} frames, expected ${count}`)
    }
    frames.forEach((frame, t) => {
      checkRgbFrame(frame, `ViCLIP preprocessing: clip ${b} frame ${t}`)
      const resized = cvLinearResize(frame.data, frame.width, frame.height, size, size)
      writeNormalizedChw(resized, size, size, IMAGENET_MEAN, IMAGENET_STD, data, (b * count + t) * perFrame)
    })
  })
  return { data, dims: [clips.length, count, 3, size, size] }
}
