/**
 * OpenCV's `cv2.resize(img, (outW, outH))` (INTER_LINEAR) for 8-bit 3-channel images, as
 * OpenCV 4.x computes it (imgproc/src/resize.cpp): half-pixel centres, no antialiasing, 11-bit
 * fixed-point weights, and the SIMD vertical pass (VResizeLinearVec_32s8u) that x86-64 and ARM
 * builds use for rows whose length is a multiple of the vector width (224×3 is): sums are
 * shifted right by 4, multiplied with `mulhi`, and rounded with a 2-bit shift. InternVid's
 * ViCLIP demo (`frames2tensor`) resizes with this call.
 */
const COEF_BITS = 11
const COEF_SCALE = 1 << COEF_BITS

/** cvRound: round half to even, as the FPU's default mode does. */
function roundHalfEven(v: number): number {
  const r = Math.round(v)
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

interface Taps {
  ofs: Int32Array
  a0: Int16Array
  a1: Int16Array
}

function taps(inSize: number, outSize: number, horizontal: boolean): Taps {
  const scale = 1 / (outSize / inSize)
  const ofs = new Int32Array(outSize)
  const a0 = new Int16Array(outSize)
  const a1 = new Int16Array(outSize)
  for (let d = 0; d < outSize; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5)
    let s = Math.floor(f)
    f = Math.fround(f - s)
    // Horizontally OpenCV pins out-of-range taps to the edge pixel with weight 1; vertically it
    // keeps offset and weights and clamps the row indices when reading.
    if (horizontal && s < 0) {
      f = 0
      s = 0
    }
    if (horizontal && s >= inSize - 1) {
      f = 0
      s = inSize - 1
    }
    ofs[d] = s
    a0[d] = roundHalfEven(Math.fround(Math.fround(1 - f) * COEF_SCALE))
    a1[d] = roundHalfEven(Math.fround(f * COEF_SCALE))
  }
  return { ofs, a0, a1 }
}

/** Bilinear resize of packed RGB24, matching cv2.resize(..., interpolation=INTER_LINEAR). */
export function cvLinearResize(src: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  if (w === outW && h === outH) return src.slice()
  if (outW * 2 === w && outH * 2 === h) return areaHalve(src, w, outW, outH)
  const hx = taps(w, outW, true)
  const vy = taps(h, outH, false)
  const stride = outW * 3
  // Horizontal pass: int sums with 11-bit weights (exact, as OpenCV's vector and scalar paths).
  const rowCache = new Map<number, Int32Array>()
  const hRow = (y: number): Int32Array => {
    const clamped = Math.min(Math.max(y, 0), h - 1)
    let row = rowCache.get(clamped)
    if (!row) {
      row = new Int32Array(stride)
      const base = clamped * w * 3
      for (let d = 0; d < outW; d++) {
        const sx = hx.ofs[d]!
        const nx = sx + 1 < w ? sx + 1 : sx
        for (let c = 0; c < 3; c++) {
          row[d * 3 + c] = src[base + sx * 3 + c]! * hx.a0[d]! + src[base + nx * 3 + c]! * hx.a1[d]!
        }
      }
      rowCache.set(clamped, row)
    }
    return row
  }
  const out = new Uint8Array(outH * stride)
  for (let d = 0; d < outH; d++) {
    const sy = vy.ofs[d]!
    const r0 = hRow(sy)
    const r1 = hRow(sy + 1)
    const b0 = vy.a0[d]!
    const b1 = vy.a1[d]!
    for (let i = 0; i < stride; i++) {
      const v = (Math.floor(((r0[i]! >> 4) * b0) / 65536) + Math.floor(((r1[i]! >> 4) * b1) / 65536) + 2) >> 2
      out[d * stride + i] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  return out
}

// OpenCV switches INTER_LINEAR to its fast INTER_AREA path for an exact 2× downscale.
function areaHalve(src: Uint8Array, w: number, outW: number, outH: number): Uint8Array {
  const out = new Uint8Array(outW * outH * 3)
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 3; c++) {
        const i = ((2 * y) * w + 2 * x) * 3 + c
        const sum = src[i]! + src[i + 3]! + src[i + w * 3]! + src[i + w * 3 + 3]!
        out[(y * outW + x) * 3 + c] = (sum + 2) >> 2
      }
    }
  }
  return out
}
