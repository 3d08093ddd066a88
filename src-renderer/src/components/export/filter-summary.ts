import type { ClipFilters, FilterField } from '../../../../src-main/api/contract'

const NAMES: Record<FilterField, string> = { similarity: 'similarity', aesthetic: 'aesthetic', duration: 'duration', captionLength: 'caption words' }
const FIELDS = Object.keys(NAMES) as FilterField[]

const num = (n: number) => String(Number(n.toPrecision(4)))

/** "similarity ≥ 0.3, duration 1–5, top 20 % aesthetic, captions with “dog”" — or "none". */
export function describeFilters(f: ClipFilters | undefined): string {
  if (!f) return 'none'
  const parts: string[] = []
  for (const field of FIELDS) {
    const r = f[field]
    if (!r) continue
    if (r.topPercent !== undefined) parts.push(`top ${num(r.topPercent)} % ${NAMES[field]}`)
    if (r.min !== undefined && r.max !== undefined) parts.push(`${NAMES[field]} ${num(r.min)}–${num(r.max)}`)
    else if (r.min !== undefined) parts.push(`${NAMES[field]} ≥ ${num(r.min)}`)
    else if (r.max !== undefined) parts.push(`${NAMES[field]} ≤ ${num(r.max)}`)
  }
  if (f.text) parts.push(`captions with “${f.text}”`)
  return parts.length ? parts.join(', ') : 'none'
}
