export type DiffOp = 'same' | 'added' | 'removed'

export interface DiffPart {
  op: DiffOp
  text: string
}

/** Above this many word pairs the LCS table costs more than a curator gains; fall back to replace-all. */
const MAX_CELLS = 4_000_000

export function tokenize(text: string): string[] {
  return text.split(/\s+/).filter(Boolean)
}

/**
 * Word-level diff of `after` against `before` (longest common subsequence), the way a reviewer
 * reads "what did I change from the model's caption". Case and punctuation count as changes.
 * Adjacent words with the same op are merged into one part.
 */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokenize(before)
  const b = tokenize(after)
  const parts: DiffPart[] = []
  const push = (op: DiffOp, word: string): void => {
    const last = parts.at(-1)
    if (last && last.op === op) last.text += ` ${word}`
    else parts.push({ op, text: word })
  }
  if (a.length * b.length > MAX_CELLS) {
    a.forEach((w) => push('removed', w))
    b.forEach((w) => push('added', w))
    return parts
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..], one flat row-major array.
  const width = b.length + 1
  const lcs = new Uint32Array((a.length + 1) * width)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!)
    }
  }
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push('same', a[i]!)
      i++
      j++
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      push('removed', a[i++]!)
    } else {
      push('added', b[j++]!)
    }
  }
  while (i < a.length) push('removed', a[i++]!)
  while (j < b.length) push('added', b[j++]!)
  return parts
}
