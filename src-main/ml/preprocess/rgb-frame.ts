/** One decoded video frame as packed RGB24 (what `ffmpeg -pix_fmt rgb24 -f rawvideo` emits). */
export interface RgbFrame {
  data: Uint8Array
  width: number
  height: number
}

/** A batch of model input, row-major with `dims` (NCHW or N×T×C×H×W). */
export interface FloatTensor {
  data: Float32Array
  dims: number[]
}

export function checkRgbFrame(frame: RgbFrame, what: string): void {
  const { width, height, data } = frame
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`${what}: invalid frame size ${width}x${height}`)
  }
  if (data.length !== width * height * 3) {
    throw new Error(`${what}: RGB24 ${width}x${height} needs ${width * height * 3} bytes, got ${data.length}`)
  }
}

/** Writes an RGB24 image into planar, normalised float32 at `out[offset…]` (C×H×W). */
export function writeNormalizedChw(
  rgb: Uint8Array,
  width: number,
  height: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
  out: Float32Array,
  offset: number,
): void {
  const plane = width * height
  for (let c = 0; c < 3; c++) {
    // Per-channel lookup: 256 values, computed as the references do ((v/255 - mean) / std).
    const lut = new Float32Array(256)
    for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean[c]!) / std[c]!
    const base = offset + c * plane
    for (let i = 0; i < plane; i++) out[base + i] = lut[rgb[i * 3 + c]!]!
  }
}
