#!/usr/bin/python3
"""Reference CLIP/ViCLIP tokenizer and generator of test/fixtures/tokenizer/clip-ids.json.

An independent Python implementation of InternVid's viclip/simple_tokenizer.py +
CLIP_TEXT.tokenize (context 32), used to produce expected ids for the TypeScript tokenizer.
It needs /usr/bin/python3 with python3-regex. ftfy is not packaged for Debian, so `fix_text`
below reimplements ftfy 6's default fixers except the heuristic `fix_encoding` (mojibake repair),
exactly the subset src-main/ml/tokenizer/text-clean.ts implements.

If a checkout of ftfy's source is given (--ftfy DIR, e.g. from github.com/rspeer/python-ftfy;
it needs python3-wcwidth), the script also records every caption where real ftfy.fix_text
differs from the subset, with the ids real ftfy would give, under "ftfyDivergences" (a run
without --ftfy keeps the block already in the output file). The committed fixture was made
with ftfy 6.3.1 (rspeer/python-ftfy 74dd0452).

Usage:
  /usr/bin/python3 tools/tokenizer/clip_reference.py \
      --merges ../shared/assets/tokenizer/bpe_simple_vocab_16e6.txt.gz \
      --out test/fixtures/tokenizer/clip-ids.json [--ftfy /tmp/ftfy]
"""
import argparse
import gzip
import html
import json
import os
import sys
import unicodedata

import regex

from captions import build_captions, mojibake_captions

SOT, EOT, CONTEXT = 49406, 49407, 32

# ---------------------------------------------------------------------------------------------
# ftfy.fix_text defaults without fix_encoding.
LIGATURES = dict(zip("ĲĳŉǱǲǳǄǅǆǇǈǉǊǋǌﬀﬁﬂﬃﬄﬅﬆ",
                     ["IJ", "ij", "ʼn", "DZ", "Dz", "dz", "DŽ", "Dž", "dž", "LJ", "Lj", "lj",
                      "NJ", "Nj", "nj", "ff", "fi", "fl", "ffi", "ffl", "ſt", "st"]))
WIDTH = {0x3000: " "}
WIDTH.update({i: unicodedata.normalize("NFKC", chr(i)) for i in range(0xFF01, 0xFFF0)
              if unicodedata.normalize("NFKC", chr(i)) != chr(i)})
CONTROL = {i: None for i in [*range(0, 9), 0x0B, *range(0x0E, 0x20), 0x7F,
                             *range(0x206A, 0x2070), 0xFEFF, *range(0xFFF9, 0xFFFD)]}


def _c1(ch):
    try:
        return bytes([ord(ch)]).decode("cp1252")
    except UnicodeDecodeError:
        return ch


def _entity(match):
    ref = match.group(0)
    name = ref[1:]
    if name in html.entities.html5:
        return html.entities.html5[name]
    if ref.startswith("&#"):
        out = html.unescape(ref)
        return ref if ";" in out else out
    lower = name.lower()
    # all-caps spelling of a lower-case entity that is not itself a standard spelling
    if name == lower.upper() and lower in html.entities.html5 and html.unescape(ref) == ref:
        return html.entities.html5[lower].upper()
    return ref


def _fix_once(text, unescape):
    if unescape:
        text = regex.sub(r"&#?[0-9A-Za-z]{1,24};", _entity, text)
    text = regex.sub(r"[\x80-\x9f]", lambda m: _c1(m.group(0)), text)
    text = "".join(LIGATURES.get(c, c) for c in text)
    text = text.translate(WIDTH)
    text = regex.sub("[\u02bc\u2018-\u201b]", "'", regex.sub("[\u201c-\u201f]", '"', text))
    for old in ("\r\n", "\r", "\u2028", "\u2029", "\x85"):
        text = text.replace(old, "\n")
    text = regex.sub("[\ud800-\udbff][\udc00-\udfff]", lambda m: chr(
        0x10000 + (ord(m.group(0)[0]) - 0xD800) * 0x400 + ord(m.group(0)[1]) - 0xDC00), text)
    text = regex.sub("[\ud800-\udfff]", "\ufffd", text)
    text = regex.sub("\x1b\\[((?:\\d|;)*)([a-zA-Z])", "", text)
    text = text.translate(CONTROL)
    return unicodedata.normalize("NFC", text)


def fix_text(text):
    out, unescape = [], True
    for segment in regex.findall(r"[^\n]*\n|[^\n]+", text):
        if "<" in segment:
            unescape = False
        while True:
            fixed = _fix_once(segment, unescape)
            if fixed == segment:
                break
            segment = fixed
        out.append(segment)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
def byte_table():
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    codes = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, codes)))


class Reference:
    PAT = regex.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|"
                        r"[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", regex.IGNORECASE)

    def __init__(self, merges_path, fixer=fix_text):
        lines = gzip.open(merges_path).read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]
        merges = [tuple(line.split()) for line in lines]
        self.bytes = byte_table()
        vocab = list(self.bytes.values())
        vocab += [v + "</w>" for v in vocab] + ["".join(m) for m in merges]
        vocab += ["<|startoftext|>", "<|endoftext|>"]
        self.ids = {tok: i for i, tok in enumerate(vocab)}
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.fixer = fixer

    def bpe(self, token):
        if token in ("<|startoftext|>", "<|endoftext|>"):
            return [token]
        word = list(token[:-1]) + [token[-1] + "</w>"]
        while len(word) > 1:
            pairs = {(a, b) for a, b in zip(word, word[1:])}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return word

    def clean(self, text):
        text = html.unescape(html.unescape(self.fixer(text))).strip()
        return regex.sub(r"\s+", " ", text).strip().lower()

    def encode(self, text):
        ids = []
        for tok in self.PAT.findall(self.clean(text)):
            mapped = "".join(self.bytes[b] for b in tok.encode("utf-8"))
            ids += [self.ids[sym] for sym in self.bpe(mapped)]
        return ids

    def row(self, text):
        tokens = [SOT] + self.encode(text) + [EOT]
        if len(tokens) > CONTEXT:
            tokens = tokens[:CONTEXT]
            tokens[-1] = EOT
        return tokens  # without the 0 padding up to CONTEXT


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--merges", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ftfy", help="directory containing the ftfy package source (optional)")
    args = ap.parse_args()

    ref = Reference(args.merges)
    captions = build_captions()
    cases = []
    for text in captions:
        case = {"text": text, "row": ref.row(text)}
        ids = ref.encode(text)
        if len(ids) + 2 > CONTEXT:  # truncated row: keep the full encoding to check encode()
            case["ids"] = ids
        cases.append(case)
    fixture = {
        "about": "expected ViCLIP token ids; generated by tools/tokenizer/clip_reference.py "
                 "(Python %s, unicodedata %s, regex %s)" % (
                     sys.version.split()[0], unicodedata.unidata_version, regex.__version__),
        "sot": SOT, "eot": EOT, "contextLength": CONTEXT,
        "cases": cases,
    }
    if args.ftfy:
        sys.path.insert(0, args.ftfy)
        import ftfy  # noqa: E402  (optional, only to document divergences)
        real = Reference(args.merges, fixer=ftfy.fix_text)
        divergences = []
        for text in captions + mojibake_captions():
            if ftfy.fix_text(text) != fix_text(text):
                divergences.append({"text": text, "ftfyFixed": ftfy.fix_text(text),
                                    "row": ref.row(text), "ftfyRow": real.row(text)})
        fixture["ftfyVersion"] = ftfy.__version__
        fixture["ftfyDivergences"] = divergences
        print("ftfy %s differs from the subset on %d of %d captions" % (
            ftfy.__version__, len(divergences), len(captions) + len(mojibake_captions())))
    elif os.path.exists(args.out):
        # Without ftfy at hand, keep the divergences recorded by an earlier run with --ftfy.
        with open(args.out, encoding="utf-8") as f:
            previous = json.load(f)
        for key in ("ftfyVersion", "ftfyDivergences"):
            if key in previous:
                fixture[key] = previous[key]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("{\n")
        keys = [k for k in fixture if k not in ("cases", "ftfyDivergences")]
        for k in keys:
            f.write("  %s: %s,\n" % (json.dumps(k), json.dumps(fixture[k], ensure_ascii=False)))
        for k in ("cases", "ftfyDivergences"):
            if k not in fixture:
                continue
            f.write('  "%s": [\n' % k)
            f.write(",\n".join("    " + json.dumps(c, ensure_ascii=True) for c in fixture[k]))
            f.write("\n  ]%s\n" % ("," if k == "cases" and "ftfyDivergences" in fixture else ""))
        f.write("}\n")
    print("wrote %d cases to %s" % (len(cases), args.out))


if __name__ == "__main__":
    main()
