/**
 * InternVid's DIV sampling: draw N clips without replacement, each with weight 1 / (number of
 * candidate clips from the same video), so the subset spreads over as many videos as possible.
 *
 * Weighted sampling without replacement is Efraimidis & Spirakis (2006): give each item the key
 * E_i / w_i with E_i ~ Exp(1) and keep the N smallest keys. E_i = −ln(u_i), where u_i is a seeded
 * hash of the clip's identity (YoutubeID, start, end), not of its row id or position: the same
 * seed picks the same clips on every run, whatever order or project the rows come from.
 */

/** cyrb53 (public domain, bryc): a fast 53-bit string hash with a seed. */
export function cyrb53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/** Uniform in (0, 1), never 0 (so −ln u is finite). */
export function uniformFor(identity: string, seed: number): number {
  return (cyrb53(identity, seed) + 0.5) / 9007199254740992
}

export interface DivCandidate {
  id: number
  /** clips of the same video among the candidates */
  videoClips: number
  identity: string
}

/** Keeps the `n` smallest keys seen; ties broken by the smaller id, so the result is total-order deterministic. */
export class DivSampler {
  private readonly keys: Float64Array
  private readonly ids: Float64Array
  private size = 0

  constructor(
    readonly n: number,
    readonly seed: number,
    capacityHint: number,
  ) {
    const cap = Math.max(0, Math.min(n, capacityHint))
    this.keys = new Float64Array(cap)
    this.ids = new Float64Array(cap)
  }

  /** A max-heap on (key, id): the root is the worst kept item. */
  private worse(i: number, j: number): boolean {
    return this.keys[i] > this.keys[j] || (this.keys[i] === this.keys[j] && this.ids[i] > this.ids[j])
  }

  private swap(i: number, j: number): void {
    const k = this.keys[i]
    this.keys[i] = this.keys[j]
    this.keys[j] = k
    const d = this.ids[i]
    this.ids[i] = this.ids[j]
    this.ids[j] = d
  }

  offer(c: DivCandidate): void {
    if (this.keys.length === 0) return
    const key = -Math.log(uniformFor(c.identity, this.seed)) * c.videoClips
    if (this.size < this.keys.length) {
      let i = this.size++
      this.keys[i] = key
      this.ids[i] = c.id
      while (i > 0) {
        const p = (i - 1) >> 1
        if (!this.worse(i, p)) break
        this.swap(i, p)
        i = p
      }
      return
    }
    if (key > this.keys[0] || (key === this.keys[0] && c.id > this.ids[0])) return
    this.keys[0] = key
    this.ids[0] = c.id
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < this.size && this.worse(l, m)) m = l
      if (r < this.size && this.worse(r, m)) m = r
      if (m === i) break
      this.swap(i, m)
      i = m
    }
  }

  /** The chosen ids, ascending (export order). */
  selectedIds(): Float64Array {
    return this.ids.slice(0, this.size).sort()
  }
}

/** The identity hashed for a clip: stable across projects and re-imports. */
export const clipIdentity = (sourceId: string, startS: number, endS: number): string => `${sourceId}\u0000${startS}\u0000${endS}`
