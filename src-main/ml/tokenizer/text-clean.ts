// Text cleaning in front of the CLIP BPE, matching InternVid's ViCLIP `simple_tokenizer.py`:
//   basic_clean  = ftfy.fix_text → html.unescape → html.unescape → str.strip
//   whitespace_clean = regex `\s+` → ' ' → str.strip
// followed by str.lower() in `encode`.
//
// ftfy is Python-only. We implement every *table-driven* fixer that ftfy.fix_text (6.x) runs by
// default, in ftfy's order and with its per-line fixed-point loop: unescape_html ("auto"),
// fix_c1_controls, fix_latin_ligatures, fix_character_width, uncurl_quotes, fix_line_breaks,
// fix_surrogates, remove_terminal_escapes, remove_control_chars, NFC.
//
// NOT implemented: ftfy's `fix_encoding` (with restore_byte_a0, replace_lossy_sequences,
// decode_inconsistent_utf8), the heuristic mojibake repair. Where ftfy would re-decode text,
// ids differ from the Python reference: "cafÃ©" (ftfy → "café"), "Ã¼ber" (→ "über"),
// "â€œquotedâ€\x9d" (→ '"quoted"'), "ãƒ†ã‚¹ãƒˆ" (→ "テスト"). Clean UTF-8 input — what the
// app's own captioners and JSON/CSV importers produce — never reaches that code path; see
// test/unit/ml/tokenizer.test.ts ("ftfy divergences") for the recorded cases.
import tables from './text-clean-tables.json'

const HTML5 = tables.html5 as Record<string, string>
const INVALID_CHARREFS = tables.invalidCharrefs as Record<string, string>
const INVALID_CODEPOINTS = new Set<number>(tables.invalidCodepoints)
const FTFY_UPPER_ENTITIES = tables.ftfyUpperEntities as Record<string, string>
const C1_TO_CP1252 = tables.c1ToCp1252 as Record<string, string>
const WIDTH_MAP = tables.widthMap as Record<string, string>

// Python's html.unescape pattern (CPython Lib/html/__init__.py); the `u` flag makes {1,32}
// count code points as Python does.
const CHARREF_RE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu
const MAX_CODEPOINT = 0x10ffff

function replaceCharref(name: string): string {
  if (name[0] === '#') {
    const hex = name[1] === 'x' || name[1] === 'X'
    const digits = name.slice(hex ? 2 : 1).replace(/;$/, '')
    // Python ints are unbounded; anything past 8 significant hex digits is > 0x10FFFF anyway.
    const num = digits.replace(/^0+/, '').length > 8 ? Infinity : parseInt(digits, hex ? 16 : 10)
    const fixed = INVALID_CHARREFS[String(num)]
    if (fixed !== undefined) return fixed
    if ((num >= 0xd800 && num <= 0xdfff) || num > MAX_CODEPOINT) return '\ufffd'
    if (INVALID_CODEPOINTS.has(num)) return ''
    return String.fromCodePoint(num)
  }
  const exact = HTML5[name]
  if (exact !== undefined) return exact
  // Longest entity prefix without the semicolon, as the HTML5 spec (and Python) allow: "&notit".
  const chars = Array.from(name)
  for (let x = chars.length - 1; x > 1; x--) {
    const prefix = chars.slice(0, x).join('')
    const hit = HTML5[prefix]
    if (hit !== undefined) return hit + chars.slice(x).join('')
  }
  return '&' + name
}

/** Python's `html.unescape`, byte-for-byte (same entity table, same invalid-codepoint rules). */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(CHARREF_RE, (_m, name: string) => replaceCharref(name))
}

const FTFY_ENTITY_RE = /&#?[0-9A-Za-z]{1,24};/g

// ftfy.fixes.unescape_html: only unambiguous, semicolon-terminated references.
function ftfyUnescapeHtml(text: string): string {
  return text.replace(FTFY_ENTITY_RE, (ref) => {
    const named = HTML5[ref.slice(1)] ?? FTFY_UPPER_ENTITIES[ref]
    if (named !== undefined) return named
    if (ref.startsWith('&#')) {
      const decoded = htmlUnescape(ref)
      return decoded.includes(';') ? ref : decoded
    }
    return ref
  })
}

const LIGATURES: Record<string, string> = {
  'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž',
  'ǆ': 'dž', 'Ǉ': 'LJ', 'ǈ': 'Lj', 'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj', 'ﬀ': 'ff',
  'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st',
}
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'gu')
const WIDTH_RE = /[\u3000\uff01-\uffef]/g
const C1_RE = /[\x80-\x9f]/g
const SINGLE_QUOTE_RE = /[\u02bc\u2018-\u201b]/g
const DOUBLE_QUOTE_RE = /[\u201c-\u201f]/g
const ANSI_RE = /\x1b\[((?:\d|;)*)([a-zA-Z])/g
// No `u` flag: we want to see the individual UTF-16 units of unpaired surrogates.
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const CONTROL_RE = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g

function fixSegmentOnce(text: string, unescape: boolean): string {
  if (unescape) text = ftfyUnescapeHtml(text)
  text = text.replace(C1_RE, (c) => C1_TO_CP1252[c] ?? c)
  text = text.replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c)
  text = text.replace(WIDTH_RE, (c) => WIDTH_MAP[c] ?? c)
  text = text.replace(DOUBLE_QUOTE_RE, '"').replace(SINGLE_QUOTE_RE, "'")
  text = text.replace(/\r\n/g, '\n').replace(/[\r\u2028\u2029\x85]/g, '\n')
  // JS strings keep surrogate pairs as pairs, so only unpaired halves remain to replace.
  text = text.replace(LONE_SURROGATE_RE, '\ufffd')
  text = text.replace(ANSI_RE, '')
  text = text.replace(CONTROL_RE, '')
  return text.normalize('NFC')
}

/**
 * ftfy.fix_text with default settings minus `fix_encoding` (see the file comment). Like ftfy,
 * works line by line, repeats each line until nothing changes, and stops unescaping HTML from
 * the first line containing "<" on (it is probably real HTML).
 */
export function ftfyFixText(text: string): string {
  let unescape = true
  let out = ''
  let pos = 0
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos)
    const end = nl === -1 ? text.length : nl + 1
    let segment = text.slice(pos, end)
    if (segment.includes('<')) unescape = false
    for (;;) {
      const fixed = fixSegmentOnce(segment, unescape)
      if (fixed === segment) break
      segment = fixed
    }
    out += segment
    pos = end
  }
  return out
}

// Python str.strip()/str.isspace() whitespace (includes \x1c-\x1f and \x85, unlike JS trim()).
const PY_STRIP_CHARS = '\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'
const PY_STRIP_RE = new RegExp(`^[${PY_STRIP_CHARS}]+|[${PY_STRIP_CHARS}]+$`, 'g')
/** The `regex` module's `\s` (Unicode White_Space): JS `\s` adds U+FEFF and lacks U+0085. */
export const PY_REGEX_SPACE = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const WHITESPACE_RUN_RE = new RegExp(`[${PY_REGEX_SPACE}]+`, 'g')

export function pyStrip(text: string): string {
  return text.replace(PY_STRIP_RE, '')
}

/** `whitespace_clean(basic_clean(text)).lower()` from simple_tokenizer.py. */
export function cleanCaption(text: string): string {
  const basic = pyStrip(htmlUnescape(htmlUnescape(ftfyFixText(text))))
  return pyStrip(basic.replace(WHITESPACE_RUN_RE, ' ')).toLowerCase()
}
