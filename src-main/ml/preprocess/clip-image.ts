import { pilBicubicResize } from './pil-bicubic'
import { checkRgbFrame, writeNormalizedChw, type FloatTensor, type RgbFrame } from './rgb-frame'

/**
 * OpenAI CLIP image preprocessing (clip.load's `_transform`, used by the LAION aesthetic
 * scorer): torchvision Resize(224, BICUBIC) on a PIL image — shorter side to 224, longer side
 * int(224·long/short) — then CenterCrop(224), ToTensor, Normalize(CLIP mean/std). Output NCHW.
 */
export const CLIP_IMAGE_SIZE = 224
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const

/** Python's round(): halves go to the even neighbour (torchvision's centre-crop offsets use it). */
function pyRound(v: number): number {
  const r = Math.round(v)
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** Resized size of torchvision's Resize(size) with an int size (shorter edge), torchvision 0.14. */
export function clipResizedSize(width: number, height: number, size = CLIP_IMAGE_SIZE): [number, number] {
  const [short, long] = width <= height ? [width, height] : [height, width]
  const newLong = Math.trunc((size * long) / short)
  return width <= height ? [size, newLong] : [newLong, size]
}

/** One frame → CLIP input pixels (RGB24, 224×224), before normalisation. */
export function clipResizeCrop(frame: RgbFrame, size = CLIP_IMAGE_SIZE): Uint8Array {
  checkRgbFrame(frame, 'CLIP preprocessing')
  const [rw, rh] = clipResizedSize(frame.width, frame.height, size)
  const resized = pilBicubicResize(frame.data, frame.width, frame.height, rw, rh)
  const top = pyRound((rh - size) / 2)
  const left = pyRound((rw - size) / 2)
  const out = new Uint8Array(size * size * 3)
  for (let y = 0; y < size; y++) {
    const from = ((y + top) * rw + left) * 3
    out.set(resized.subarray(from, from + size * 3), y * size * 3)
  }
  return out
}

/** Frames → float32 [B,3,224,224] normalised with CLIP's mean/std. */
export function clipImageTensor(frames: readonly RgbFrame[], size = CLIP_IMAGE_SIZE): FloatTensor {
  const per = 3 * size * size
  const data = new Float32Array(frames.length * per)
  frames.forEach((frame, i) => {
    writeNormalizedChw(clipResizeCrop(frame, size), size, size, CLIP_MEAN, CLIP_STD, data, i * per)
  })
  return { data, dims: [frames.length, 3, size, size] }
}
