/**
 * Pillow's `Image.resize(size, Image.BICUBIC)` for 8-bit RGB, reproduced step by step from
 * Pillow's libImaging/Resample.c (9.x): antialiased separable convolution (support grows with
 * the downscale factor), Keys cubic with a = -0.5, coefficients normalised then quantised to
 * 22-bit fixed point, horizontal pass rounded to uint8, then the vertical pass.
 *
 * CLIP's preprocessing (torchvision Resize on a PIL image) is defined by this exact filter, and
 * the rounding between the passes matters at the 1/255 level, so a generic bicubic (sharp,
 * canvas, OpenCV) would not match. No npm library reproduces Pillow's resampler.
 */
const PRECISION_BITS = 32 - 8 - 2
const SCALE = 2 ** PRECISION_BITS
const HALF = 2 ** (PRECISION_BITS - 1)
const BICUBIC_SUPPORT = 2

function bicubic(x: number): number {
  const a = -0.5
  if (x < 0) x = -x
  if (x < 1) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a
  return 0
}

interface Coeffs {
  ksize: number
  /** Per output pixel: first input index and tap count. */
  bounds: Int32Array
  /** ksize fixed-point weights per output pixel. */
  kk: Int32Array
}

// precompute_coeffs + normalize_coeffs_8bpc, with box [0, inSize).
function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize
  const filterscale = Math.max(scale, 1)
  const support = BICUBIC_SUPPORT * filterscale
  const ksize = Math.ceil(support) * 2 + 1
  const bounds = new Int32Array(outSize * 2)
  const kk = new Int32Array(outSize * ksize)
  const weights = new Float64Array(ksize)
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale
    const ss = 1 / filterscale
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0)
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin
    let ww = 0
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss)
      weights[x] = w
      ww += w
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? weights[x]! / ww : weights[x]!
      kk[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * SCALE) : Math.trunc(0.5 + k * SCALE)
    }
    bounds[xx * 2] = xmin
    bounds[xx * 2 + 1] = xmax
  }
  return { ksize, bounds, kk }
}

function clip8(acc: number): number {
  const v = Math.floor(acc / SCALE) // C's arithmetic >> on a negative int floors too
  return v < 0 ? 0 : v > 255 ? 255 : v
}

/** Resizes packed RGB24 `src` (w×h) to outW×outH exactly like Pillow's BICUBIC. */
export function pilBicubicResize(src: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  if (w === outW && h === outH) return src.slice()
  const horiz = precomputeCoeffs(w, outW)
  const vert = precomputeCoeffs(h, outH)
  const needH = outW !== w
  const needV = outH !== h

  // Only the source rows the vertical pass reads go through the horizontal pass.
  const yFirst = vert.bounds[0]!
  const yLast = vert.bounds[outH * 2 - 2]! + vert.bounds[outH * 2 - 1]!
  let rows = src
  let rowBase = 0
  if (needH) {
    const tmpH = needV ? yLast - yFirst : h
    const firstRow = needV ? yFirst : 0
    rows = new Uint8Array(outW * tmpH * 3)
    for (let y = 0; y < tmpH; y++) {
      const inRow = (y + firstRow) * w * 3
      for (let xx = 0; xx < outW; xx++) {
        const xmin = horiz.bounds[xx * 2]!
        const xmax = horiz.bounds[xx * 2 + 1]!
        const k = xx * horiz.ksize
        let r = HALF
        let g = HALF
        let b = HALF
        for (let x = 0, p = inRow + xmin * 3; x < xmax; x++, p += 3) {
          const weight = horiz.kk[k + x]!
          r += src[p]! * weight
          g += src[p + 1]! * weight
          b += src[p + 2]! * weight
        }
        const o = (y * outW + xx) * 3
        rows[o] = clip8(r)
        rows[o + 1] = clip8(g)
        rows[o + 2] = clip8(b)
      }
    }
    rowBase = needV ? yFirst : 0
  }
  if (!needV) return rows

  const out = new Uint8Array(outW * outH * 3)
  const stride = outW * 3
  const acc = new Float64Array(stride)
  for (let yy = 0; yy < outH; yy++) {
    const ymin = vert.bounds[yy * 2]! - rowBase
    const ymax = vert.bounds[yy * 2 + 1]!
    const k = yy * vert.ksize
    // Row-at-a-time accumulation keeps memory access sequential; sums are exact integers.
    acc.fill(HALF)
    for (let y = 0; y < ymax; y++) {
      const weight = vert.kk[k + y]!
      const base = (y + ymin) * stride
      for (let i = 0; i < stride; i++) acc[i]! += rows[base + i]! * weight
    }
    for (let i = 0; i < stride; i++) out[yy * stride + i] = clip8(acc[i]!)
  }
  return out
}
