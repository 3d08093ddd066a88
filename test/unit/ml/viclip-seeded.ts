/**
 * Node twin of tools/export/seeded.py: regenerates the exporter's seeded reference inputs
 * bit-for-bit, so fixtures carry a few KB of expected outputs instead of MBs of inputs.
 */
export function lowbias32(x: number): number {
  x ^= x >>> 16
  x = Math.imul(x, 0x7feb352d)
  x ^= x >>> 15
  x = Math.imul(x, 0x846ca68b)
  x ^= x >>> 16
  return x >>> 0
}

export function seededUniform(count: number, seed: number, scale: number): Float32Array {
  const offset = Number((BigInt(seed) * 0x9e3779b9n) & 0xffffffffn)
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    const u = lowbias32((i + offset) >>> 0) / 4294967296
    out[i] = (u * 2 - 1) * scale
  }
  return out
}
