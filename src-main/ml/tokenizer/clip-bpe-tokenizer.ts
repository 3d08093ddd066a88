// OpenAI CLIP byte-level BPE as InternVid's ViCLIP uses it (viclip/simple_tokenizer.py +
// CLIP_TEXT.tokenize): clean → lower → CLIP pre-tokeniser regex → UTF-8 bytes mapped to
// printable code points → BPE with the `bpe_simple_vocab_16e6.txt.gz` merges → ids, wrapped in
// <|startoftext|> … <|endoftext|>, truncated to the context keeping EOT last, padded with 0.
//
// Why not a library: @huggingface/transformers' CLIPTokenizer loads a tokenizer.json (not
// shipped with ViCLIP, and its normaliser is NFC + lower-case without ftfy/html unescaping), and
// no maintained npm package reads the raw merges file. Parity with the Python reference is
// checked on ~600 captions in test/unit/ml/tokenizer.test.ts.
//
// Known, deliberate gaps: ftfy's mojibake repair (see text-clean.ts), and code points assigned
// after Unicode 14/15 (the reference's unicodedata/`regex` tables; Node 22 ships Unicode 17), e.g.
// CJK Extension I, which the two runtimes classify differently.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { PY_REGEX_SPACE, cleanCaption } from './text-clean'

export const SOT_TOKEN = 49406
export const EOT_TOKEN = 49407
export const VICLIP_CONTEXT_LENGTH = 32
/** simple_tokenizer reads lines 1 … 49152-256-2 (line 0 is a "#version" header). */
const MERGE_COUNT = 49152 - 256 - 2

// `[\s]` must be Python `regex`'s Unicode White_Space, not JS's (see PY_REGEX_SPACE). The `i`
// flag mirrors re.IGNORECASE in the reference: after lower-casing it only matters for oddities
// such as "'ſ" (long s) matching `'s`, which both engines case-fold the same way.
const PRETOKENIZE_RE = new RegExp(
  `<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^${PY_REGEX_SPACE}\\p{L}\\p{N}]+`,
  'giu',
)

// U+0345 (combining ypogegrammeni, case-folds to ι) is the one assigned code point where the
// engines disagree: under IGNORECASE Python's `regex` matches it with neither `[\p{L}]` nor the
// negated class, so the reference silently drops it and splits the text there. JS /iu treats it
// as a letter. A space behaves exactly like Python's U+0345 here (matched by no alternative).
const YPOGEGRAMMENI_RE = /\u0345/g

/**
 * GPT-2/CLIP `bytes_to_unicode`: printable bytes map to themselves, the rest to U+0100….
 * `ordered` keeps the reference's insertion order, which fixes the first 256 vocabulary ids.
 */
function bytesToUnicode(): { ordered: string[]; byByte: string[] } {
  const bs: number[] = []
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b)
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b)
  for (let b = 0xae; b <= 0xff; b++) bs.push(b)
  const cs = [...bs]
  let n = 0
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b)
      cs.push(256 + n++)
    }
  }
  const byByte = new Array<string>(256)
  const ordered = bs.map((b, i) => (byByte[b] = String.fromCodePoint(cs[i]!)))
  return { ordered, byByte }
}
const BYTES = bytesToUnicode()

export type TokenRows = { ids: Int32Array; batch: number; contextLength: number }

export class ClipBpeTokenizer {
  private readonly encoder = new Map<string, number>()
  private readonly ranks = new Map<string, number>()
  // Words repeat heavily across captions ("a", "the", "dog</w>"); the reference caches too.
  private readonly cache = new Map<string, string[]>()
  private static readonly CACHE_LIMIT = 100_000

  /** @param mergesPath the gzip'd merges file shipped with the model (bpe_simple_vocab_16e6.txt.gz). */
  constructor(readonly mergesPath: string) {
    let text: string
    try {
      text = gunzipSync(readFileSync(mergesPath)).toString('utf8')
    } catch (err) {
      throw new Error(`CLIP tokenizer: cannot read BPE merges ${mergesPath}: ${(err as Error).message}`)
    }
    const lines = text.split('\n')
    if (lines.length < MERGE_COUNT + 1) {
      throw new Error(
        `CLIP tokenizer: ${mergesPath} has ${lines.length} lines, expected at least ${MERGE_COUNT + 1} (header + merges)`,
      )
    }
    const vocab = [...BYTES.ordered]
    vocab.push(...vocab.map((v) => v + '</w>'))
    for (let i = 1; i <= MERGE_COUNT; i++) {
      const parts = lines[i]!.split(/\s+/).filter(Boolean)
      if (parts.length !== 2) {
        throw new Error(`CLIP tokenizer: ${mergesPath} line ${i + 1}: expected two symbols, got ${JSON.stringify(lines[i])}`)
      }
      this.ranks.set(parts[0] + ' ' + parts[1], i - 1)
      vocab.push(parts[0]! + parts[1]!)
    }
    vocab.push('<|startoftext|>', '<|endoftext|>')
    // Later duplicates win, as in Python's dict(zip(vocab, range(len(vocab)))).
    vocab.forEach((tok, id) => this.encoder.set(tok, id))
  }

  get vocabSize(): number {
    return MERGE_COUNT + 512 + 2
  }

  private bpe(token: string): string[] {
    const cached = this.cache.get(token)
    if (cached) return cached
    const chars = Array.from(token)
    let word = [...chars.slice(0, -1), chars[chars.length - 1] + '</w>']
    while (word.length > 1) {
      let best = -1
      let bestRank = Infinity
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.ranks.get(word[i] + ' ' + word[i + 1])
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank
          best = i
        }
      }
      if (best < 0) break
      const first = word[best]!
      const second = word[best + 1]!
      // Merge every non-overlapping occurrence, scanning left to right like the reference.
      const merged: string[] = []
      for (let i = 0; i < word.length; ) {
        if (word[i] === first && i < word.length - 1 && word[i + 1] === second) {
          merged.push(first + second)
          i += 2
        } else {
          merged.push(word[i]!)
          i += 1
        }
      }
      word = merged
    }
    if (this.cache.size >= ClipBpeTokenizer.CACHE_LIMIT) this.cache.clear()
    this.cache.set(token, word)
    return word
  }

  /** Token ids of one caption, without SOT/EOT (simple_tokenizer `encode`). */
  encode(text: string): number[] {
    const ids: number[] = []
    const utf8 = new TextEncoder()
    for (const match of cleanCaption(text).replace(YPOGEGRAMMENI_RE, ' ').matchAll(PRETOKENIZE_RE)) {
      const piece = match[0]
      if (piece === '<|startoftext|>' || piece === '<|endoftext|>') {
        // The reference pre-seeds its cache with these, so a caption containing the literal
        // marker gets the special id (a quirk we keep for parity).
        ids.push(this.encoder.get(piece)!)
        continue
      }
      let mapped = ''
      for (const byte of utf8.encode(piece)) mapped += BYTES.byByte[byte]
      for (const sym of this.bpe(mapped)) {
        const id = this.encoder.get(sym)
        if (id === undefined) throw new Error(`CLIP tokenizer: symbol ${JSON.stringify(sym)} missing from vocabulary (${this.mergesPath})`)
        ids.push(id)
      }
    }
    return ids
  }

  /** Rows of [SOT, …ids, EOT, 0…] of width `contextLength`; overlong rows end in EOT. */
  tokenize(texts: readonly string[], contextLength = VICLIP_CONTEXT_LENGTH): TokenRows {
    if (!Number.isInteger(contextLength) || contextLength < 2) {
      throw new Error(`CLIP tokenizer: context length must be an integer ≥ 2, got ${contextLength}`)
    }
    const ids = new Int32Array(texts.length * contextLength)
    texts.forEach((text, row) => {
      const tokens = [SOT_TOKEN, ...this.encode(text), EOT_TOKEN]
      if (tokens.length > contextLength) {
        tokens.length = contextLength
        tokens[contextLength - 1] = EOT_TOKEN
      }
      ids.set(tokens, row * contextLength)
    })
    return { ids, batch: texts.length, contextLength }
  }

  /** Same rows as int64, for ONNX text encoders exported with LongTensor inputs. */
  tokenizeInt64(texts: readonly string[], contextLength = VICLIP_CONTEXT_LENGTH): BigInt64Array {
    const { ids } = this.tokenize(texts, contextLength)
    return BigInt64Array.from(ids, (v) => BigInt(v))
  }
}
