"""Caption corpus for the tokenizer parity fixture: hand-picked edge cases plus seeded,
template-generated video captions in the InternVid style, with unicode mixed in."""
import random

EDGE_CASES = [
    "", " ", "   ", "\t\n", "\n\n\n", "\u3000", "\u00a0\u2003\u2009", "\r\n\r\n", "\x85", "\u2028",
    "a", "A", "!", "0", "42", "3.14159", "1,000,000", "-273.15°C", "2023-07-13", "10:45 pm",
    "a man is playing the guitar on a stage",
    "A Man Is PLAYING the Guitar ON A Stage",
    "A DOG RUNS ACROSS THE FIELD.",
    "it's a cat", "IT'S A CAT", "it’s a cat", "they're here", "we've been", "i'm fine",
    "you'll see", "he'd go", "don't stop", "can't won't shouldn't", "rock'n'roll", "'s", "''",
    "the dog's ball", "the dogs' balls", "'hello'", '"quoted"', "“curly double” and ‘single’",
    "it‘s odd", "ʼokina", "it'ſ long s",
    "café", "cafe\u0301", "naïve façade", "Ærøskøbing", "Ångström", "São Paulo", "Zürich",
    "straße", "STRASSE", "İstanbul", "ıi", "ΣΟΦΟΣ", "ΟΔΟΣ ΣΑΣ", "Ελληνικά", "Москва зимой",
    "Kelvin \u212a", "µ micro", "ﬁsh and ﬂowers", "ﬀ ﬃ ﬄ ﬆ", "ĳsland", "ǅemal",
    "Ｆｕｌｌｗｉｄｔｈ　ＴＥＸＴ１２３", "ﾊﾝｶｸ ｶﾀｶﾅ", "ｱｲｳｴｵ",
    "一只狗在雪地里玩耍", "東京の夜景", "猫がソファで寝ている", "한국어 자막 테스트", "中文，标点。符号！",
    "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "สวัสดีชาวโลก", "ሰላም", "Tiếng Việt có dấu",
    "😀", "🐶🐱", "a dog 🐕 runs", "👍🏽", "👨‍👩‍👧‍👦 family", "🇯🇵🇺🇸", "🏴󠁧󠁢󠁷󠁬󠁳󠁿 wales",
    "❤️ love", "☃ snowman", "✓ done", "♪ music ♫", "∑ ∫ √ ∞ ≠ ≤", "½ ¼ ¾", "x² + y³",
    "①②③", "Ⅻ roman", "٣ arabic digit", "१२३ devanagari digits", "𝟘𝟙𝟚 math digits",
    "𝒥ohn ℋancock", "¡hola! ¿qué tal?", "«guillemets»", "„German“", "—em dash– en dash",
    "…ellipsis", "hello...world", "wait!!!???", "#hashtag @mention", "$100 & 50%",
    "http://example.com/path?q=1&r=2", "user@example.com", "C++ / C# / F#", "a_b-c.d",
    "<b>bold</b> text", "a < b > c", "3 < 4 &amp; 5 > 2",
    "&amp;", "&amp;amp;", "&amp;amp;amp;", "&amp;amp;amp;amp;", "&lt;b&gt;", "&lt;br/&gt;",
    "&quot;hi&quot;", "&#39;single&#39;", "&#x27;hex&#x27;", "&nbsp;space&nbsp;", "&copy; 2024",
    "&eacute;t&eacute;", "&EACUTE;T&EACUTE;", "P&EACUTE;REZ", "BUNDESSTRA&SZLIG;E", "&NTILDE;",
    "&nTILDE;", "&notit;", "&not it", "this&not that", "&amp", "&lt", "&#128;", "&#x80;",
    "&#0;", "&#1;", "&#13;", "&#x110000;", "&#xD800;", "&#99999999999;", "&#65;&#66;&#67;",
    "&#x1F600;", "&unknown;", "& alone", "&&&", "&;", "&#;", "&#x;", "AT&T", "R&D dept",
    "\x1b[31mred\x1b[0m text", "bell\x07char", "null\x00char", "tab\tseparated\tvalues",
    "line1\nline2\rline3\r\nline4", "zero\u200bwidth", "joiner\u200dzwj", "rtl\u200fmark",
    "\ufeffBOM at start", "soft\u00adhyphen", "word\u2060joiner", "obj\ufffcchar",
    "c1 \x93quoted\x94 \x96 dash", "\x80 euro", "\x81 undefined c1",
    "<|startoftext|>", "<|endoftext|>", "a <|endoftext|> b", "<|ENDOFTEXT|>", "<|endoftext|",
    "lone \ud83d surrogate", "pair \ud83d\ude00 surrogate",
    "a\u0345b", "\u0345", "ᾳ ᾼ", "ⒶⓑⒸ circled", "ⅷ Ⅷ roman", "ǈ titlecase",
    "supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ab" * 40, "ha" * 30 + "!", "x" * 300, "!" * 50, "12345678901234567890",
    "mIxEd CaSe CaPtIoN wItH wEiRd SpAcInG    and   tabs\t\there",
    "   leading and trailing spaces   ", "\t\ttabs around\t\t",
]

SUBJECTS = ["a man", "a woman", "two kids", "an old lady", "a golden retriever", "the chef",
            "a cyclist", "a crowd of people", "a red car", "a small boat", "the camera",
            "a cat", "three dancers", "a drone shot", "a surfer", "a young girl", "an astronaut",
            "the orchestra", "a fox", "a robot"]
VERBS = ["is walking", "runs", "is cooking", "plays", "rides", "is swimming", "jumps over",
         "slowly pans across", "is talking about", "dances near", "drives through",
         "looks at", "is painting", "flies above", "sits beside", "sings in"]
OBJECTS = ["the beach at sunset", "a busy street", "a snowy mountain", "the kitchen table",
           "a forest trail", "a football field", "the city skyline", "a wooden bridge",
           "an empty room", "the river bank", "a neon-lit alley", "the stage",
           "a field of sunflowers", "the old castle", "a crowded market"]
TAILS = ["", ".", "!", " in slow motion", " while it rains", " at night", " (4k)", " - part 2",
         ", close-up shot", "; the camera zooms in", " #travel", " :)", " ...", " 🎥",
         " in 1080p", " & friends", " &amp; friends", " — beautiful", " — 美しい"]
SPICE = ["café", "naïve", "jalapeño", "Ørsted", "日本", "北京", "서울", "Ελλάδα", "Россия", "🙂",
         "🔥🔥", "’", "“", "”", "&quot;", "&#39;", "½", "°", "™", "©", "ﬁ", "ｗｉｄｅ", "\u00a0",
         "\t", "  ", "\n", "'s", "'ll", "3", "2024", "O'Neil", "l'été", "rock’n’roll"]


def templated(rng, n):
    out = []
    for _ in range(n):
        text = "%s %s %s%s" % (rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS),
                               rng.choice(TAILS))
        words = text.split(" ")
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randint(0, len(words)), rng.choice(SPICE))
        text = " ".join(words)
        style = rng.random()
        if style < 0.15:
            text = text.upper()
        elif style < 0.3:
            text = text.title()
        elif style < 0.4:
            text = text[0].upper() + text[1:]
        out.append(text)
    return out


# Code point ranges for random strings: all assigned in Unicode 14 (Python 3.11's unicodedata)
# so that property tables of the two runtimes agree.
RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x370, 0x3FF), (0x400, 0x4FF), (0x5D0, 0x5EA),
          (0x620, 0x64A), (0x905, 0x939), (0xE01, 0xE30), (0x3041, 0x3096), (0x30A1, 0x30FA),
          (0x4E00, 0x9FA5), (0xAC00, 0xD7A3), (0x1F600, 0x1F64F), (0x2000, 0x206F),
          (0x2190, 0x21FF), (0xFF01, 0xFF5E), (0x300, 0x36F)]


def random_strings(rng, n):
    out = []
    for _ in range(n):
        chars = []
        for _ in range(rng.randint(1, 40)):
            lo, hi = rng.choice(RANGES)
            chars.append(chr(rng.randint(lo, hi)))
            if rng.random() < 0.2:
                chars.append(" ")
        out.append("".join(chars))
    return out


def long_captions(rng, n):
    return [" ".join(templated(rng, rng.randint(3, 8))) for _ in range(n)]


def build_captions():
    rng = random.Random(20230713)
    captions = list(EDGE_CASES) + templated(rng, 260) + random_strings(rng, 120) + long_captions(rng, 25)
    seen, unique = set(), []
    for c in captions:
        if c not in seen:
            seen.add(c)
            unique.append(c)
    return unique


def mojibake_captions():
    """Text where ftfy's heuristic fix_encoding would step in (not reproduced in TypeScript)."""
    return ["cafÃ©", "Ã¼ber cool", "â€œquotedâ€\x9d", "donâ€™t stop", "ãƒ†ã‚¹ãƒˆ", "Ã©tÃ©",
            "ÐœÐ¾ÑÐºÐ²Ð°", "naÃ¯ve faÃ§ade", "The Mona Lisa doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t have eyebrows."]
