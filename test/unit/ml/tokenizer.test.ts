import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClipBpeTokenizer, EOT_TOKEN, SOT_TOKEN } from '../../../src-main/ml/tokenizer/clip-bpe-tokenizer'
import { cleanCaption, ftfyFixText, htmlUnescape } from '../../../src-main/ml/tokenizer/text-clean'

const ROOT = resolve(__dirname, '../../..')
const MERGES = resolve(ROOT, '../shared/assets/tokenizer/bpe_simple_vocab_16e6.txt.gz')
type Case = { text: string; row: number[]; ids?: number[] }
type Divergence = { text: string; ftfyFixed: string; row: number[]; ftfyRow: number[] }
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/tokenizer/clip-ids.json'), 'utf8')) as {
  contextLength: number
  cases: Case[]
  ftfyDivergences: Divergence[]
}

function padded(row: number[], width: number): number[] {
  return [...row, ...new Array<number>(width - row.length).fill(0)]
}

let tok: ClipBpeTokenizer
beforeAll(() => {
  tok = new ClipBpeTokenizer(MERGES)
})

describe('ClipBpeTokenizer parity with the Python reference (tools/tokenizer/clip_reference.py)', () => {
  it('the fixture is the varied set the brief asks for', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(500)
    expect(fixture.contextLength).toBe(32)
  })

  it('gives the reference ids for every caption, padded with 0 to 32', () => {
    const { ids, batch, contextLength } = tok.tokenize(fixture.cases.map((c) => c.text))
    expect([batch, contextLength]).toEqual([fixture.cases.length, 32])
    const mismatches: string[] = []
    fixture.cases.forEach((c, i) => {
      const got = Array.from(ids.subarray(i * 32, (i + 1) * 32))
      const want = padded(c.row, 32)
      if (got.join() !== want.join()) mismatches.push(`${JSON.stringify(c.text)}: got ${got} want ${want}`)
    })
    expect(mismatches).toEqual([])
  })

  it('encodes long captions fully before truncation, and truncation keeps EOT last', () => {
    const long = fixture.cases.filter((c) => c.ids)
    expect(long.length).toBeGreaterThan(20)
    for (const c of long) {
      expect(tok.encode(c.text)).toEqual(c.ids)
      expect(c.row).toHaveLength(32)
      expect(c.row[31]).toBe(EOT_TOKEN)
    }
  })

  it('int64 rows carry the same values for LongTensor-exported encoders', () => {
    const texts = ['a dog runs', '']
    const i64 = tok.tokenizeInt64(texts)
    expect(Array.from(i64, Number)).toEqual(Array.from(tok.tokenize(texts).ids))
    expect(i64[0]).toBe(BigInt(SOT_TOKEN))
  })

  it('honours another context length', () => {
    const { ids } = tok.tokenize(['a man is playing the guitar on a stage'], 5)
    expect(Array.from(ids)).toEqual([SOT_TOKEN, 320, 786, 533, EOT_TOKEN])
  })
})

describe('text cleaning (ftfy subset + html.unescape twice + whitespace + lower)', () => {
  it('uncurls quotes so "it’s" tokenizes like "it\'s"', () => {
    expect(tok.encode('it’s “x”')).toEqual(tok.encode('it\'s "x"'))
  })
  it('splits Latin ligatures and normalises fullwidth text', () => {
    expect(ftfyFixText('ﬁsh ＡＢＣ１　x')).toBe('fish ABC1 x')
  })
  it('unescapes nested html entities the way the reference does', () => {
    expect(cleanCaption('&amp;lt;b&amp;gt; &EACUTE;T&EACUTE;')).toBe('<b> été')
    expect(htmlUnescape('&notit; &#x110000; &#1;x &#128;')).toBe('¬it; \ufffd x €')
  })
  it('keeps entities when the line looks like HTML (ftfy "auto"), then html.unescape applies', () => {
    expect(ftfyFixText('<b>&amp;amp;</b>')).toBe('<b>&amp;amp;</b>')
    expect(cleanCaption('<b>&amp;amp;amp;</b>')).toBe('<b>&amp;</b>')
  })
  it('collapses Python-regex whitespace and strips Python str.strip whitespace', () => {
    expect(cleanCaption('\u3000 A\t\n\u2003B \x1c')).toBe('a b')
  })
})

// ftfy.fix_text's heuristic mojibake repair (fix_encoding) is not reimplemented. These are the
// captions where real ftfy 6.3.1 gives other ids (recorded by clip_reference.py --ftfy).
describe('ftfy divergences (mojibake repair not reproduced)', () => {
  it('records the mojibake cases', () => {
    expect(fixture.ftfyDivergences.map((d) => d.text)).toContain('cafÃ©')
  })
  for (const d of fixture.ftfyDivergences) {
    it(`${JSON.stringify(d.text)}: tokenized as written, not as ftfy's ${JSON.stringify(d.ftfyFixed)}`, () => {
      const ours = Array.from(tok.tokenize([d.text]).ids)
      expect(ours).toEqual(padded(d.row, 32))
      expect(d.row).not.toEqual(d.ftfyRow)
      // Once the text is clean (what ftfy would have produced), the ids agree with real ftfy.
      expect(Array.from(tok.tokenize([d.ftfyFixed]).ids)).toEqual(padded(d.ftfyRow, 32))
    })
  }
})

describe('bad merges files', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clip-bpe-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('names a missing file', () => {
    const missing = join(dir, 'nope.txt.gz')
    expect(() => new ClipBpeTokenizer(missing)).toThrow(missing)
  })
  it('names a file that is not gzip', () => {
    const bad = join(dir, 'plain.txt.gz')
    writeFileSync(bad, 'not gzip')
    expect(() => new ClipBpeTokenizer(bad)).toThrow(/plain\.txt\.gz.*incorrect header/)
  })
  it('names a truncated merges list', () => {
    const lines = gunzipSync(readFileSync(MERGES)).toString('utf8').split('\n')
    const short = join(dir, 'short.txt.gz')
    writeFileSync(short, gzipSync(lines.slice(0, 1000).join('\n')))
    expect(() => new ClipBpeTokenizer(short)).toThrow(/short\.txt\.gz has 1000 lines, expected at least 48895/)
  })
  it('names the line of a malformed merge', () => {
    const lines = gunzipSync(readFileSync(MERGES)).toString('utf8').split('\n')
    lines[10] = 'onlyone'
    const bad = join(dir, 'malformed.txt.gz')
    writeFileSync(bad, gzipSync(lines.join('\n')))
    expect(() => new ClipBpeTokenizer(bad)).toThrow(/malformed\.txt\.gz line 11: expected two symbols/)
  })
})
