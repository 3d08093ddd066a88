import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hsvWithDeltas, meanAbsDiff, rgbToHsvPixel, rgbToHsvPlanes } from '../../../src-main/media/scenes/hsv'

// [RGB, HSV] pairs from OpenCV 4.6 (`cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)`, 8-bit), Debian's
// python3-opencv. The first rows are the corners of the colour cube and tie cases (which channel
// counts as the maximum); the rest are random pixels (numpy default_rng(7)).
const OPENCV: [number[], number[]][] = [
  [[0, 0, 0], [0, 0, 0]],
  [[255, 255, 255], [0, 0, 255]],
  [[255, 0, 0], [0, 255, 255]],
  [[0, 255, 0], [60, 255, 255]],
  [[0, 0, 255], [120, 255, 255]],
  [[255, 255, 0], [30, 255, 255]],
  [[0, 255, 255], [90, 255, 255]],
  [[255, 0, 255], [150, 255, 255]],
  [[128, 64, 32], [10, 191, 128]],
  [[12, 200, 190], [88, 240, 200]],
  [[250, 5, 6], [0, 250, 250]],
  [[255, 0, 1], [0, 255, 255]],
  [[200, 200, 199], [30, 1, 200]],
  [[1, 2, 3], [105, 170, 3]],
  [[30, 30, 31], [120, 8, 31]],
  [[180, 90, 255], [136, 165, 255]],
  [[139, 74, 229], [133, 173, 229]],
  [[241, 169, 65], [18, 186, 241]],
  [[6, 160, 149], [88, 245, 160]],
  [[106, 38, 175], [135, 200, 175]],
  [[188, 205, 175], [47, 37, 205]],
  [[229, 98, 249], [146, 155, 249]],
  [[10, 148, 95], [78, 238, 148]],
  [[86, 147, 198], [104, 144, 198]],
  [[66, 39, 106], [132, 161, 106]],
  [[213, 171, 45], [22, 201, 213]],
  [[167, 57, 69], [177, 168, 167]],
  [[81, 55, 14], [18, 211, 81]],
]

// sha256 of OpenCV's H,S,V bytes (interleaved) for all 2^24 colours in R-major order, made with:
//   r,g,b = np.meshgrid(*[np.arange(256, dtype=np.uint8)]*3, indexing='ij')
//   rgb = np.stack([r.ravel(), g.ravel(), b.ravel()], 1).reshape(4096, 4096, 3)
//   hashlib.sha256(cv2.cvtColor(rgb[:, :, ::-1].copy(), cv2.COLOR_BGR2HSV).tobytes()).hexdigest()
const OPENCV_CUBE_SHA256 = 'a5b38b214f65aed9d382cc07bf40311aff2e3e324c98da86df77bef285f224eb'

function wholeCube(): Uint8Array {
  const n = 1 << 24
  const rgb = new Uint8Array(n * 3)
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = i >> 16
    rgb[3 * i + 1] = (i >> 8) & 255
    rgb[3 * i + 2] = i & 255
  }
  return rgb
}

function interleavedSha(h: Uint8Array, s: Uint8Array, v: Uint8Array): string {
  const out = new Uint8Array(h.length * 3)
  for (let i = 0; i < h.length; i++) {
    out[3 * i] = h[i]
    out[3 * i + 1] = s[i]
    out[3 * i + 2] = v[i]
  }
  return createHash('sha256').update(out).digest('hex')
}

describe('RGB → HSV (OpenCV 8-bit semantics)', () => {
  it('matches OpenCV on corner, tie and random pixels', () => {
    for (const [rgb, hsv] of OPENCV) expect({ rgb, hsv: rgbToHsvPixel(rgb[0], rgb[1], rgb[2]) }).toEqual({ rgb, hsv })
  })

  it('matches OpenCV bit for bit over all 16.7 M colours, in both the plain and the fused loop', () => {
    const rgb = wholeCube()
    const n = rgb.length / 3
    const planes = [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)]
    rgbToHsvPlanes(rgb, planes[0], planes[1], planes[2])
    expect(interleavedSha(planes[0], planes[1], planes[2])).toBe(OPENCV_CUBE_SHA256)

    // From all-zero planes the fused loop's sums are the plane totals, and the planes become HSV.
    const fused = [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)]
    const sums = new Float64Array(3)
    hsvWithDeltas(rgb, fused, sums)
    expect(interleavedSha(fused[0], fused[1], fused[2])).toBe(OPENCV_CUBE_SHA256)
    const total = (p: Uint8Array) => p.reduce((a, x) => a + x, 0)
    expect(Array.from(sums)).toEqual([total(planes[0]), total(planes[1]), total(planes[2])])
  })

  it('fused deltas equal the per-plane mean absolute differences', () => {
    let seed = 12345
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255
    const n = 10_007
    const a = Uint8Array.from({ length: n * 3 }, rand)
    const b = Uint8Array.from({ length: n * 3 }, rand)
    const pa = [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)]
    const pb = [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)]
    rgbToHsvPlanes(a, pa[0], pa[1], pa[2])
    rgbToHsvPlanes(b, pb[0], pb[1], pb[2])
    const planes = pa.map((p) => p.slice())
    const sums = new Float64Array(3)
    hsvWithDeltas(b, planes, sums)
    for (let c = 0; c < 3; c++) {
      expect(sums[c] / n).toBeCloseTo(meanAbsDiff(pb[c], pa[c]), 12)
      expect(planes[c]).toEqual(pb[c])
    }
    expect(meanAbsDiff(pb[0], pa[0])).toBeGreaterThan(10)
  })

  it('rejects planes too small for the frame', () => {
    expect(() => rgbToHsvPlanes(new Uint8Array(30), new Uint8Array(9), new Uint8Array(10), new Uint8Array(10))).toThrow(/do not fit/)
    expect(() => hsvWithDeltas(new Uint8Array(31), [], new Float64Array(3))).toThrow(/do not fit/)
    expect(() => hsvWithDeltas(new Uint8Array(30), [new Uint8Array(10), new Uint8Array(9), new Uint8Array(10)], new Float64Array(3))).toThrow(/do not fit/)
  })
})
