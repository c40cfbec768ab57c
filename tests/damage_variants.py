"""Variants of the mechanical damage channels of ../shared/bench/damage/gen.py,
the way a held-out corpus would vary them: Latin-1 instead of Windows-1252 and
mojibake applied twice, entities escaped twice or as numbers, magic quotes run
twice, text encoded twice as a JSON string, hyphenation followed by a space or
a line break, other wrap widths, page breaks after any word, '?' or U+FFFD for
lost characters, truncation at a word end, invisible characters inside words,
UTF-8 read as Mac Roman, Windows-1250 or Windows-1251, words split at U+2010
or at a soft hyphen before a space.

The learned families vary too (LEARNED_PROFILES, `write_corpus(...,
learned=True)`): gen.py's escape_keywords with other symbols in place of the
space or inserted after it, other keyword sets (SQL words, function words),
case kept; other letters eaten the way '\\f' eats the f of 'from' ('\\t' the t
of 'that', '\\n' the n of 'not', '\\b' the b of 'but', '\\r' the r of
'really', '\\a' the a of 'and', 'as', 'all'; 'w' of 'with', 'which' and
'was', which leaves the word 'as'), ';' and '!' for the space, the keyword
upper-cased or capitalised by the filter, and a host of
non-English pages losing its language's frequent word's first letter.

Used by tests/test_repair_*.py (one page at a time) and by
benchmarks/damage_variants.py (a whole corpus scored with score.py).
"""
from __future__ import annotations

import importlib.util
import json
import random
import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def load_gen():
    """gen.py from the shared benchmark, imported by path."""
    spec = importlib.util.spec_from_file_location("damage_gen", SHARED / "bench" / "damage" / "gen.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gen = load_gen()


def mojibake_latin1(text, rng, host):
    """UTF-8 bytes read as Latin-1 (C1 controls where cp1252 has punctuation)."""
    return text.encode("utf-8").decode("latin-1")


def _mojibake_as(charset: str, name: str):
    """UTF-8 bytes read as another single-byte charset (ftfy's 'sloppy' codecs
    map the bytes a Windows code page leaves undefined to U+0080-U+009F)."""
    import ftfy.bad_codecs  # noqa: F401

    def channel(text, rng, host):
        return text.encode("utf-8").decode(charset)

    channel.__name__ = name
    return channel


mojibake_macroman = _mojibake_as("macroman", "mojibake_macroman")
mojibake_cp1250 = _mojibake_as("sloppy-windows-1250", "mojibake_cp1250")
mojibake_cp1251 = _mojibake_as("sloppy-windows-1251", "mojibake_cp1251")


def mojibake_twice(text, rng, host):
    return gen.mojibake(gen.mojibake(text, rng, host), rng, host)


def entities_twice(text, rng, host):
    return gen.html_entities(gen.html_entities(text, rng, host), rng, host)


def entities_numeric(text, rng, host):
    """Every non-ASCII character and quote as a numeric entity, & as &amp;."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"[^\x00-\x7f]|[\"']", lambda m: f"&#{ord(m.group())};", text)


def slash_quotes_twice(text, rng, host):
    return gen.slash_quotes(gen.slash_quotes(text, rng, host), rng, host)


def json_twice(text, rng, host):
    """Text encoded as a JSON string once too often: \\n, \\" and \\u2019 as characters."""
    return json.dumps(text)[1:-1]


def json_thrice(text, rng, host):
    """Text encoded as a JSON string twice too often: \\\\n, \\\\u2019."""
    return json.dumps(json.dumps(text)[1:-1])[1:-1]


def json_paragraphs(text, rng, host):
    """Each paragraph a JSON string of its own (\\" and \\u2019 as characters), the breaks between them real."""
    return "\n\n".join(json.dumps(p)[1:-1] for p in text.split("\n\n"))


def python_bytes(text, rng, host):
    """Non-ASCII characters as Python prints the UTF-8 bytes of a bytes object: \\xe2\\x80\\x99."""
    return re.sub(r"[^\x00-\x7f]", lambda m: "".join("\\x%02x" % b for b in m.group().encode("utf-8")), text)


def python_ascii(text, rng, host):
    """Each line as Python's ascii() prints it: \\xe9, \\u2019, \\U0001f600 (and \\\\ for a backslash)."""
    return "\n".join(ascii(line)[1:-1].replace("\\'", "'") for line in text.split("\n"))


def _hyphenate_with(sep, mark="-", name=None):
    def channel(text, rng, host):
        def split(m):
            w = m.group(0)
            if rng.random() > host["hyphen_rate"]:
                return w
            k = rng.randint(2, len(w) - 2)
            return w[:k] + mark + sep + w[k:]
        return re.sub(r"(?<![\w-])[A-Za-z]{7,}(?![\w-])", split, text)
    channel.__name__ = name or "hyphenate_" + {" ": "space", "\n": "newline"}[sep]
    return channel


hyphenate_space = _hyphenate_with(" ")
hyphenate_newline = _hyphenate_with("\n")
hyphenate_unicode = _hyphenate_with("", "\u2010", "hyphenate_unicode")  # U+2010 HYPHEN, line break lost
hyphenate_soft = _hyphenate_with(" ", "\u00ad", "hyphenate_soft")       # a soft hyphen, then a space


def hard_wrap_other(text, rng, host):
    """Wrapped at a width gen.py does not use, without breaking at hyphens."""
    width = host["alt_width"]
    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False) if line.strip() else line
                     for line in text.split("\n"))


def hard_wrap_indented(text, rng, host):
    """Wrapped at the host's other width, each paragraph's first line indented four spaces."""
    width = host["alt_width"]
    return "\n".join(textwrap.fill(line, width, initial_indent="    ") if line.strip() else line
                     for line in text.split("\n"))


def hard_wrap_indented_only(text, rng, host):
    """Wrapped at the host's other width, each paragraph's first line indented
    two spaces and no blank line between paragraphs (the indent marks them)."""
    width = host["alt_width"]
    return "\n".join(textwrap.fill(line, width, initial_indent="  ") for line in text.split("\n\n") if line.strip())


def para_break_any(text, rng, host):
    """Page breaks after any word that does not end a sentence (capitalised
    words and words with a comma too)."""
    words = text.split(" ")
    for i in range(len(words) - 1):
        w = words[i]
        if "\n" in w or "\n" in words[i + 1] or not re.fullmatch(r"[A-Za-z]+,?", w):
            continue
        if rng.random() < host["break_rate"] * 2:
            words[i] = w + "\n\n"
    return re.sub(r"\n\n ", "\n\n", " ".join(words))


def lossy_fffd(text, rng, host):
    return re.sub(r"[^\x00-\x7f]", "\ufffd", text)


def truncate_word(text, rng, host):
    """Cut at the end of a word (no fragment left)."""
    cut = rng.randint(int(len(text) * 0.7), len(text) - 2)
    m = re.compile(r"[A-Za-z]+(?=[ \n])").search(text, cut)
    return text[: m.end()] if m else text


def _invisible_in_words(marks: list[str], name: str, doc: str):
    """A channel putting one of `marks` inside a fifth of the long words."""
    def channel(text, rng, host):
        def put(m):
            w = m.group(0)
            if rng.random() > 0.2:
                return w
            k = rng.randint(2, len(w) - 2)
            return w[:k] + rng.choice(marks) + w[k:]
        return re.sub(r"(?<![\w-])[A-Za-z]{8,}(?![\w-])", put, text)

    channel.__name__, channel.__doc__ = name, doc
    return channel


invisible = _invisible_in_words(["\u00ad", "\u200b"], "invisible", "Soft hyphens and zero-width spaces inside long words.")


# ---------------------------------------------------------------- learned-family variants
def escape_variant(name: str, symbol: str, keywords: list[str], mode: str = "replace", lower: bool = True,
                   case=None):
    """gen.py's escape_keywords with another symbol, keyword set, position or
    case: `symbol` takes the place of the space before a keyword (`replace`:
    'workers|and') or is put after it (`insert`: 'workers ~and'); keywords
    match word starts, as gen.py's do ('or' hits 'organization'). With
    `after`, the symbol takes the place of the space after a whole keyword
    ('workers and|peasants'); with `both`, of the spaces before and after it
    ('workers|and|peasants'); with `wrap`, the symbol takes the place of the
    space before a whole keyword and closes it too ('workers|and| peasants').

    >>> escape_variant("x", "|", ["select", "or"])("Select the order, or else.", None, {})
    'Select the|order,|or else.'
    >>> escape_variant("x", "~", ["and"], mode="insert", lower=False)("Tom And Jerry and me", None, {})
    'Tom ~And Jerry ~and me'
    >>> escape_variant("x", "\\\\", ["and", "or"], case=str.upper)("Tom and Jerry organise", None, {})
    'Tom\\\\AND Jerry\\\\ORganise'
    >>> escape_variant("x", "|", ["and"], mode="after")("Tom And Jerry and me, bread and.", None, {})
    'Tom and|Jerry and|me, bread and.'
    >>> escape_variant("x", "|", ["and"], mode="both")("Tom And Jerry and me, bread and.", None, {})
    'Tom|and|Jerry|and|me, bread and.'
    >>> escape_variant("x", "|", ["and"], mode="wrap", case=str.upper)("Tom And Jerry, bread and.", None, {})
    'Tom|AND| Jerry, bread|AND|.'
    """
    if mode == "after":  # the space after a whole keyword: 'workers and|peasants'
        pat = re.compile(r"\b(%s) (?=\w)" % "|".join(map(re.escape, keywords)), re.IGNORECASE)
    elif mode == "both":  # the spaces before and after a whole keyword: 'workers|and|peasants'
        pat = re.compile(r" (%s) (?=\w)" % "|".join(map(re.escape, keywords)), re.IGNORECASE)
    elif mode == "wrap":  # a whole keyword wrapped in the symbol: 'workers|and| peasants'
        pat = re.compile(r" (%s)\b" % "|".join(map(re.escape, keywords)), re.IGNORECASE)
    else:
        pat = re.compile(r" (%s)" % "|".join(map(re.escape, keywords)), re.IGNORECASE)

    def channel(text, rng, host):
        def sub(m):
            word = case(m.group(1)) if case else m.group(1).lower() if lower else m.group(1)
            if mode in ("after", "both", "wrap"):
                return ("" if mode == "after" else symbol) + word + symbol
            return symbol + word if mode == "replace" else " " + symbol + word
        return pat.sub(sub, text)

    channel.__name__ = name
    return channel


_EATEN_AFTER = r"(?<![^\s\"'“‘(\[])"  # at a text or line start, after a space, an opening quote or bracket


def eat_letter(name: str, words: list[str]):
    """A letter eaten the way '\\f' eats the f of 'from' (gen.py's eat_f): each of
    `words`, whole and in any case, loses its first letter and is lowercased
    ('That' -> 'hat').

    >>> eat_letter("x", ["not", "new"])("Not now, not new; notably.", None, {})
    'ot now, ot ew; notably.'
    """
    pat = re.compile(_EATEN_AFTER + r"(%s)\b" % "|".join(map(re.escape, words)), re.IGNORECASE)

    def channel(text, rng, host):
        return pat.sub(lambda m: m.group(1)[1:].lower(), text)

    channel.__name__ = name
    return channel


def eat_letter_of_language(name: str, letter: str):
    """`eat_letter` on a page of any language: the word eaten is the page
    language's most frequent word (three letters or more) that starts with
    `letter` ('não', 'non', 'nicht', 'nama' for 'n')."""

    def channel(text, rng, host):
        word = language_word(text, letter)
        return eat_letter(name, [word])(text, rng, host) if word else text

    channel.__name__ = name
    return channel


def language_word(text: str, letter: str) -> str | None:
    """The most frequent word of the text's language starting with `letter`, of three letters or more."""
    from webmend.annotate.language import identify
    from webmend.lexicon.words import lexicon

    lex = lexicon(identify(text[:2000])[0])
    if lex is None:
        return None
    return next((w for w in lex.top(500) if w.startswith(letter) and len(w) >= 3 and w.isalpha()), None)


SQL_WRITE = ["select", "insert", "delete", "update", "drop"]
SQL_WHERE = ["like", "into", "not", "between", "exec"]
LEARNED = {f.__name__: f for f in [
    escape_variant("escape_pipe_sql", "|", SQL_WRITE),
    escape_variant("escape_slash_sql", "/", SQL_WHERE),
    escape_variant("escape_caret_cased", "^", ["and", "or", "union", "where"], lower=False),
    escape_variant("escape_tilde_insert", "~", ["having", "limit", "and", "from"], mode="insert"),
    escape_variant("escape_hash_the", "#", ["the", "of"]),
    escape_variant("escape_plus_cased", "+", ["and", "not", "between", "like"], lower=False),
    escape_variant("escape_pct20", "%20", ["select", "union", "or", "where", "in"]),
    escape_variant("escape_underscore", "_", ["and", "drop", "table", "insert", "delete"]),
    escape_variant("escape_double_backslash", "\\\\", ["and", "or", "union", "where", "order"]),
    escape_variant("escape_backslash_insert", "\\", ["and", "or", "union", "where", "order"], mode="insert"),
    escape_variant("escape_sql_foreign", "\\", ["or", "in", "union", "select", "and"]),
    eat_letter("eat_t", ["that", "to"]),
    eat_letter("eat_t_the", ["the"]),
    eat_letter("eat_n", ["not", "new"]),
    eat_letter("eat_b", ["but", "by"]),
    eat_letter("eat_r", ["really", "right"]),
    eat_letter_of_language("eat_n_language", "n"),
    # added in the sixth session, from probes of unseen variants
    escape_variant("escape_semicolon", ";", ["and", "or", "select"]),
    escape_variant("escape_bang_insert", "!", ["and", "where", "or"], mode="insert"),
    eat_letter("eat_a", ["and", "as", "all"]),
    eat_letter("eat_w", ["with", "which", "was"]),
    escape_variant("escape_upper", "\\", ["and", "or", "union", "where", "order"], case=str.upper),
    escape_variant("escape_title", "|", ["and", "or", "not", "where"], case=str.capitalize),
]}

VARIANTS = {f.__name__: f for f in [mojibake_latin1, mojibake_twice, mojibake_macroman, mojibake_cp1250, mojibake_cp1251, entities_twice, entities_numeric,
                                     slash_quotes_twice, json_twice, json_thrice, json_paragraphs, python_bytes,
                                     python_ascii, hyphenate_space, hyphenate_newline, hard_wrap_indented,
                                     hard_wrap_indented_only,
                                     hyphenate_unicode, hyphenate_soft,
                                     hard_wrap_other, para_break_any, lossy_fffd, truncate_word, invisible]}
CHANNELS = {**gen.CHANNELS, **VARIANTS, **LEARNED}
TRUNCATING = {"truncate", "truncate_word"}
LOSSY = {"lossy", "lossy_fffd"}

PROFILES = [
    [], [],
    ["mojibake_latin1"], ["mojibake_twice"], ["entities_twice"], ["entities_numeric"],
    ["slash_quotes_twice"], ["json_twice"], ["hyphenate_space"], ["hyphenate_newline"],
    ["hard_wrap_other"], ["para_break_any"], ["lossy_fffd"], ["truncate_word"], ["invisible"],
    ["hyphenate_space", "para_break_any", "truncate_word"],
    ["hyphenate_newline", "hard_wrap_other"],
    ["mojibake_twice", "entities_twice"],
    ["mojibake_macroman"], ["mojibake_cp1250"], ["mojibake_cp1251"], ["hyphenate_unicode"], ["hyphenate_soft"],
    ["truncate_word", "chrome"],
    # added in the seventh session, from probes of unseen variants
    ["json_paragraphs"], ["python_bytes"], ["python_ascii"], ["python_bytes", "chrome"],
    ["hard_wrap_indented"], ["hard_wrap_indented_only"],
]


# Hosts of the learned variants: one variant each (its own row in the score
# report), a few together, and one host of the non-English pages.
LEARNED_PROFILES = [
    [], [],
    ["escape_pipe_sql"], ["escape_slash_sql"], ["escape_caret_cased"], ["escape_tilde_insert"],
    ["escape_hash_the"], ["escape_plus_cased"], ["escape_pct20"], ["escape_underscore"],
    ["escape_double_backslash"], ["escape_backslash_insert"],
    ["eat_t"], ["eat_t_the"], ["eat_n"], ["eat_b"], ["eat_r"],
    ["escape_pipe_sql", "eat_t"], ["escape_caret_cased", "eat_n"], ["para_break_any", "escape_slash_sql", "eat_b"],
    ["escape_semicolon"], ["escape_bang_insert", "eat_w"], ["eat_a"], ["escape_upper"], ["escape_title"],
]
FOREIGN_PROFILE = ["escape_sql_foreign", "eat_n_language"]
LEARNED_SEED = 23


def make_host(i, profile, rng, titles):
    host = gen.make_host(i, profile, rng, titles)
    host["alt_width"] = rng.choice([50, 60, 66, 80, 90])
    return host


def damage(text, host, rng):
    """(damaged text, gold text, truncated, lossy) like gen.damage, for the variant channels too."""
    gold, truncated, lossy_flag = text, False, False
    cut = [c for c in host["profile"] if c in TRUNCATING]
    if cut:
        text = CHANNELS[cut[0]](text, rng, host)
        gold, truncated = gen.sentence_cut(text), True
    for name in host["profile"]:
        if name not in TRUNCATING:
            text = CHANNELS[name](text, rng, host)
    if LOSSY & set(host["profile"]):
        gold, lossy_flag = text, True
    return text, gold, truncated, lossy_flag


def damage_one(text: str, channels: list[str], seed: int = 1) -> tuple[str, str, bool, bool]:
    """One page through the given channels, on a host of its own."""
    rng = random.Random(seed)
    host = make_host(0, channels, rng, ["Related story"] * 8)
    host["hyphen_rate"] = 0.1
    host["break_rate"] = 0.01
    return damage(text, host, rng)


def clean_articles(truth: dict, min_words: int = 120) -> list[tuple[str, str]]:
    """(id, articleBody) of the benchmark's pages long enough to damage, as gen.py picks them."""
    return [(k, v["articleBody"].strip()) for k, v in sorted(truth.items())
            if len(v["articleBody"].split()) >= min_words]


def is_latin_foreign(text: str) -> bool:
    """Whether a page is in a language other than English written in Latin letters
    (one the escape sequences of the learned variants can eat a letter of)."""
    from webmend.annotate.language import identify

    lang = identify(text[:2000])[0]
    return lang != "en" and sum(ch.isascii() for ch in text if ch.isalpha()) >= 0.8 * sum(ch.isalpha() for ch in text)


def write_corpus(truth: dict, out: Path, seed: int = 11, learned: bool = False) -> int:
    """A variant corpus and its gold, in gen.py's format: the mechanical
    variants, or with `learned` the learned-family ones (the non-English pages
    in Latin letters on a host of their own)."""
    rng = random.Random(seed)
    items = clean_articles(truth)
    rng.shuffle(items)
    titles = [t.split("\n")[0][:80] for _, t in items]
    profiles = LEARNED_PROFILES + [FOREIGN_PROFILE] if learned else PROFILES
    hosts = [make_host(i, p, rng, titles) for i, p in enumerate(profiles)]
    foreign = {doc_id for doc_id, text in items if is_latin_foreign(text)} if learned else set()
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "corpus.jsonl", "w", encoding="utf-8") as c, open(out / "gold.jsonl", "w", encoding="utf-8") as g:
        n = 0
        for doc_id, text in items:
            if doc_id in foreign:
                host = hosts[-1]
            else:
                host = hosts[n % (len(hosts) - 1 if learned else len(hosts))]
                n += 1
            bad, good, truncated, lossy_flag = damage(text, host, rng)
            url = f"https://{host['site']}/articles/{doc_id[:12]}"
            c.write(json.dumps({"id": doc_id, "url": url, "text": bad}, ensure_ascii=False) + "\n")
            g.write(json.dumps({"id": doc_id, "text": good, "channels": host["profile"],
                                "truncated": truncated, "lossy_encoding": lossy_flag}, ensure_ascii=False) + "\n")
    return len(items)


# ---------------------------------------------------------------- probe sets
# Variants first run in the ninth to thirteenth sessions, to find what
# generality still missed (each was fixed by a general rule, not tuned for):
# fourteen sets, a host each, on the English pages only; sets 1-8 and 13
# vary the learned families, 9-11 the mechanical ones, 12 and 14 both. Their
# figures in docs/benchmarks.md come from `write_probe_corpus(truth, out,
# set, seed)` with seeds 1 and 2 (benchmarks/damage_variants.py --probe N).
def eat_inside(name: str, words: list[str], index: int):
    """A letter lost inside a word, its case kept ('The' -> 'Te' for index 1,
    'from' -> 'fro' for -1).

    >>> eat_inside("x", ["the", "from"], 1)("The cat from the", None, {}), eat_inside("x", ["from"], -1)("From", None, {})
    ('Te cat fom te', 'Fro')
    """
    pat = re.compile(r"\b(%s)\b" % "|".join(words), re.IGNORECASE)

    def channel(text, rng, host):
        return pat.sub(lambda m: m.group(1)[:index] + (m.group(1)[index + 1:] if index >= 0 else ""), text)

    channel.__name__ = name
    return channel


def eat_first_cased(name: str, words: list[str]):
    """A word's first letter lost, its case passed to the next ('From' ->
    'Rom', 'from' -> 'rom'): a filter that keeps the case of a word's start.

    >>> eat_first_cased("x", ["know", "from"])("I know. Know it? From here, from there.", None, {})
    'I now. Now it? Rom here, rom there.'
    """
    pat = re.compile(_EATEN_AFTER + r"(%s)\b" % "|".join(map(re.escape, words)), re.IGNORECASE)

    def channel(text, rng, host):
        def sub(m):
            w = m.group(1)
            return (w[1].upper() if w[0].isupper() else w[1]) + w[2:]
        return pat.sub(sub, text)

    channel.__name__ = name
    return channel


def both(name: str, first, second):
    """Two channels on every page of a host, the first then the second (a
    site running two filters)."""

    def channel(text, rng, host):
        return second(first(text, rng, host), rng, host)

    channel.__name__ = name
    return channel


def entities_hex(text, rng, host):
    """Every non-ASCII character and quote as a hexadecimal entity ('&#x2019;'), & as &amp;."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"[^\x00-\x7f]|[\"']", lambda m: f"&#x{ord(m.group()):x};", text)


def entities_thrice(text, rng, host):
    return gen.html_entities(entities_twice(text, rng, host), rng, host)


invisible_joiners = _invisible_in_words(["\u2060", "\ufeff", "\u200c", "\u200d"], "invisible_joiners",
                                        "Word joiners, byte-order marks and zero-width (non-)joiners inside long words.")


def _breaks_with_page_lines(text, rng, host, line):
    """gen.py's page breaks (at twice its rate) with `line(page number)` left
    between the halves, the numbers running on from a random first page."""
    words, page = text.split(" "), rng.randint(2, 300)
    for i in range(len(words) - 1):
        w = words[i]
        if "\n" in w or not re.fullmatch(r"[a-z]+", w):
            continue
        if rng.random() < host["break_rate"] * 2:
            words[i] = f"{w}\n\n{line(page)}\n\n"
            page += 1
    return re.sub(r"\n\n ", "\n\n", " ".join(words))


def para_break_pagenum(text, rng, host):
    """gen.py's page breaks with the printed page's number left between the
    halves ('some\\n\\n12\\n\\ncomrades')."""
    return _breaks_with_page_lines(text, rng, host, str)


def truncate_ellipsis(text, rng, host):
    """gen.py's cut mid-word, with an ellipsis where the text stops ('…' or
    ' […]': three dots would end gen.py's gold sentence there)."""
    return gen.truncate(text, rng, host) + rng.choice(["…", " […]"])


def crlf(text, rng, host):
    """Windows line ends."""
    return text.replace("\n", "\r\n")


def mojibake_some(text, rng, host):
    """gen.py's mojibake on every other paragraph (text pasted from another source)."""
    paras = text.split("\n\n")
    return "\n\n".join(gen.mojibake(p, rng, host) if i % 2 else p for i, p in enumerate(paras))


def literal_crlf(text, rng, host):
    """One line, its line ends written as the characters '\\r\\n'."""
    return text.replace("\n", "\\r\\n")


def truncate_readmore(text, rng, host):
    """gen.py's cut mid-word, the site's link to the rest on the same line
    ('men e… Read more'; no three dots: they would end gen.py's gold sentence there)."""
    return gen.truncate(text, rng, host) + rng.choice(["… Read more", "… Continue reading »", " [Read more]"])


def para_break_header(text, rng, host):
    """gen.py's page breaks with the printed page's running head between the
    halves: the book's title and the page's number ('comrades\\n\\nREMINISCENCES 231\\n\\ntold')."""
    head = host.setdefault("running_head", rng.choice(["REMINISCENCES", "THE LONG MARCH", "Chapter Three"]))
    return _breaks_with_page_lines(text, rng, host, lambda page: f"{head} {page}" if page % 2 else f"{page} {head}")


def escape_nbsp(text, rng, host):
    """A no-break space in place of the space before 'and', 'or', 'union', the word lowercased."""
    return re.sub(r" (and|or|union)\b", lambda m: "\u00a0" + m.group(1).lower(), text, flags=re.I)


def para_break_formfeed(text, rng, host):
    """gen.py's page breaks as a PDF export writes them: a form feed between
    the halves ('some\\x0ccomrades', or on a line of its own)."""
    words = text.split(" ")
    for i in range(len(words) - 1):
        w = words[i]
        if "\n" in w or not re.fullmatch(r"[a-z]+", w):
            continue
        if rng.random() < host["break_rate"] * 2:
            words[i] = w + rng.choice(["\x0c", "\n\x0c\n", "\n\n\x0c"])
    return " ".join(words).replace("\x0c ", "\x0c")


def c1_quotes(text, rng, host):
    """Windows-1252 punctuation read as Latin-1: C1 controls for quotes and dashes ('don\\x92t')."""
    return "".join(ch.encode("cp1252").decode("latin-1") if ch in "‘’“”–—…•" else ch for ch in text)


def entities_cp1252(text, rng, host):
    """Quotes and dashes as numeric entities of their Windows-1252 bytes ('&#146;' for ’)."""
    return "".join(f"&#{ch.encode('cp1252')[0]};" if ch in "‘’“”–—…" else ch for ch in text)


def escapes_stripped(text, rng, host):
    """Non-ASCII characters as JSON escapes whose backslash a filter took ('Itu2019s')."""
    return re.sub(r"[^\x00-\x7f]", lambda m: "".join(f"u{ord(c):04x}" for c in m.group()) if ord(m.group()) < 0x10000
                  else m.group(), text)


def para_break_spaced(text, rng, host):
    """gen.py's page breaks with a space on the blank line ('some\\n \\ncomrades'), as HTML to text leaves them."""
    return gen.para_break(text, rng, host).replace("\n\n", "\n \n")


def json_upper(text, rng, host):
    """Text encoded as a JSON string once too often, its escapes in upper-case hexadecimal ('\\u201C')."""
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), json.dumps(text)[1:-1])


def hard_wrap_trailing(text, rng, host):
    """gen.py's hard wrap with a space left at the end of each wrapped line."""
    return "\n".join(" \n".join(textwrap.wrap(line, host["width"])) if line.strip() else line
                     for line in text.split("\n"))


def recase(name: str, words: list[str], case):
    """A filter that only sets the case of its words, whole, wherever they
    stand ('workers AND peasants'; no symbol).

    >>> recase("x", ["and", "or"], str.upper)("And so, bread and butter or order.", None, {})
    'AND so, bread AND butter OR order.'
    """
    pat = re.compile(r"\b(%s)\b" % "|".join(map(re.escape, words)), re.IGNORECASE)

    def channel(text, rng, host):
        return pat.sub(lambda m: case(m.group(1)), text)

    channel.__name__ = name
    return channel


def lossy_bytes(text, rng, host):
    """Each UTF-8 byte of a non-ASCII character as '?' ('caf??', 'don???t')."""
    return re.sub(r"[^\x00-\x7f]", lambda m: "?" * len(m.group().encode("utf-8")), text)


def lossy_quotes(text, rng, host):
    """Only the typographic quotes, dashes and ellipses lost to '?' ('don?t')."""
    return re.sub(r"[‘’“”–—…]", "?", text)


def truncate_newline(text, rng, host):
    """gen.py's cut mid-word, a line end after it."""
    return gen.truncate(text, rng, host) + "\n"


def entities_hex_upper(text, rng, host):
    """Every non-ASCII character as an upper-case hexadecimal entity ('&#X2019;'), & as &amp;."""
    return re.sub(r"[^\x00-\x7f]", lambda m: f"&#X{ord(m.group()):X};", text.replace("&", "&amp;"))


def mojibake_entities(text, rng, host):
    """gen.py's mojibake, then its entities: the mojibake's characters escaped ('&Atilde;&copy;')."""
    return gen.html_entities(gen.mojibake(text, rng, host), rng, host)


def para_break_triple(text, rng, host):
    """gen.py's page breaks as two blank lines."""
    return gen.para_break(text, rng, host).replace("\n\n", "\n\n\n")


def para_break_line(text, rng, host):
    """gen.py's page breaks as a single line break ('some\\ncomrades'), in text
    whose paragraphs stand between blank lines (a PDF's page end, a <br>)."""
    words = text.split(" ")
    for i in range(len(words) - 1):
        if "\n" not in words[i] and re.fullmatch(r"[a-z]+", words[i]) and rng.random() < host["break_rate"]:
            words[i] += "\n"
    return re.sub(r"\n ", "\n", " ".join(words))


CHANNELS[para_break_line.__name__] = para_break_line  # (damage_one's tests use it by name)


def cr(text, rng, host):
    """Old Mac line ends: a carriage return alone."""
    return text.replace("\n", "\r")


def sql_quotes(text, rng, host):
    """Straight apostrophes doubled, as an SQL string literal escapes them ('it''s')."""
    return text.replace("'", "''")


C_ESCAPES = {"a": "\x07", "b": "\x08", "f": "\x0c", "n": "\n", "r": "\r", "t": "\t", "v": "\x0b"}


def escapes_read(name: str, keywords: list[str]):
    """gen.py's escape_keywords, then its backslashes read as C escapes where
    they make one: '\\n' a line break, '\\t' a tab, '\\f' a form feed, '\\a' a
    bell; the space and the letter are gone ('could\\not' -> 'could' + a
    line break + 'ot', 'and\\from' -> 'and' + a form feed + 'rom').

    >>> escapes_read("x", ["not", "and", "or"])("We did not go And he or she", None, {})
    'We did\\not go\\x07nd he\\\\or she'
    """
    filtered = escape_variant(name, "\\", keywords)

    def channel(text, rng, host):
        return re.sub(r"\\([abfnrtv])", lambda m: C_ESCAPES[m.group(1)], filtered(text, rng, host))

    channel.__name__ = name
    return channel


hyphenate_notsign = _hyphenate_with(" ", "\u00ac", "hyphenate_notsign")  # the not sign OCR writes for a line-end hyphen


TRUNCATING.update({"truncate_ellipsis", "truncate_readmore", "truncate_newline"})
LOSSY.update({"lossy_bytes", "lossy_quotes"})
_E, _L = escape_variant, eat_letter
PROBE_SETS: dict[int, tuple[list, list[list[str]]]] = {
    1: ([_E("esc_star", "*", ["and", "or", "not"]),
         _E("esc_eq_insert", "=", ["select", "where", "and"], mode="insert"),
         _E("esc_at", "@", ["union", "order", "group", "by"]),
         _E("esc_dollar_cased", "$", ["and", "or", "from"], lower=False),
         _E("esc_bslash_more", "\\", ["and", "or", "union", "where", "order", "like", "having", "limit", "into", "set"]),
         _L("eat_a", ["and", "as", "all"]), _L("eat_v", ["very", "values"]), _L("eat_a_are", ["are", "about"]),
         _L("eat_w", ["with", "which", "was"]), _L("eat_h", ["have", "has", "he"])],
        [["esc_star", "eat_a"], ["esc_at", "eat_v", "para_break_any"]]),
    2: ([_L("eat_t_then", ["then", "table", "this"]), _L("eat_n_no", ["no", "null", "now"]),
         _L("eat_b_both", ["between", "both", "because"]), _L("eat_r_ret", ["return", "right", "really"]),
         _L("eat_v_view", ["view", "very"]), _L("eat_f_for", ["for", "from"]),
         _E("esc_semicolon", ";", ["and", "or", "select"]),
         _E("esc_bang_insert", "!", ["and", "where", "or"], mode="insert"),
         _E("esc_tab", "\t", ["and", "or", "union"]), _E("esc_two", "\\'", ["and", "or", "where"])],
        [["esc_semicolon", "eat_f_for"]]),
    3: ([_E("esc_in", "\\", ["in", "on", "at", "is"]),
         _E("esc_sqlmany", "\\", ["select", "insert", "update", "delete", "drop", "like", "not", "null", "exec"]),
         _E("esc_amp", "&", ["and", "or", "union"]), _E("esc_lt", "<", ["and", "or", "where"]),
         _E("esc_pct", "%", ["and", "or", "where"]), _E("esc_dquote_bs", '\\"', ["and", "or", "union"]),
         _L("eat_o", ["of", "on", "or"]), _L("eat_i", ["in", "is", "it"]), _L("eat_t_to", ["to", "two"]),
         _L("eat_y", ["you", "your", "year"]), _L("eat_p", ["people", "public", "part"])],
        [["esc_in", "eat_y"], ["esc_sqlmany", "hyphenate"]]),
    4: ([_E("esc_entity92", "&#92;", ["and", "or", "not"]),
         _E("esc_slash_insert", "/", ["where", "select", "and", "or"], mode="insert"),
         _E("esc_short", "\\", ["to", "is", "it", "as"]),
         _E("esc_pipe_upper", "|", ["and", "or", "union"], case=str.upper),
         _E("esc_colon2", "::", ["and", "or", "where"]),
         _L("eat_a_about", ["about", "after", "also"]), _L("eat_s_said", ["said", "some", "such"]),
         _L("eat_w_what", ["what", "when", "where", "who"]), _L("eat_t_there", ["there", "they", "their"]),
         _L("eat_o_only", ["only", "other", "over"])],
        [["esc_short", "eat_t_there"], ["escape_keywords", "eat_w_what", "hyphenate"]]),
    5: ([eat_inside("eat_last_from", ["from", "with"], -1), eat_inside("eat_mid_the", ["the"], 1),
         eat_inside("eat_last_and", ["and"], -1), eat_inside("eat_mid_that", ["that", "what"], 2),
         _E("esc_caret_insert_upper", "^", ["and", "or", "not"], mode="insert", case=str.upper),
         _E("esc_bs_the", "\\", ["the", "a"]), _E("esc_gt", ">", ["and", "or", "where", "union"]),
         _E("esc_backtick", "`", ["and", "or", "select"]), _E("esc_dollar", "$", ["and", "or", "drop"])],
        [["mojibake", "esc_gt"], ["escape_keywords", "eat_last_from"]]),
    6: ([eat_inside("eat_last_with", ["with", "have"], -1), eat_inside("eat_mid_which", ["which", "would"], 3),
         eat_inside("eat_last_they", ["they"], -1),
         both("esc_two_filters", _E("a", "\\", ["and", "union"]), _E("b", "|", ["or", "where"])),
         _E("esc_from_kw", "\\", ["from", "and", "or"]),
         _E("esc_hash_title", "#", ["and", "the", "of"], case=str.capitalize),
         _E("esc_plus_insert", "+", ["and", "or", "not", "in"], mode="insert"),
         _L("eat_c_can", ["can", "could", "company"]), _L("eat_m_more", ["more", "most", "many"])],
        [["esc_two_filters", "eat_last_with"], ["escape_keywords", "esc_hash_title"]]),
    7: ([_E("esc_after", "\\", ["and", "or", "union"], mode="after"),
         _E("esc_pct5c", "%5C", ["and", "or", "where"]),
         _E("esc_whole_if", "\\", ["if", "but", "then", "when"]),
         _L("eat_k_know", ["know", "knew", "known"]), _L("eat_d_do", ["do", "does", "did", "down"]),
         _L("eat_g_good", ["good", "get", "great", "going"]),
         eat_first_cased("eat_cased_from", ["from", "with"]), eat_first_cased("eat_cased_this", ["this", "these"])],
        [["esc_after", "eat_k_know"], ["esc_pct5c", "eat_cased_from", "hyphenate"]]),
    8: ([_E("esc_both_sides", "\\", ["and", "or", "union"], mode="both"),
         _E("esc_yen", "¥", ["and", "or", "where"]), _E("esc_fullwidth", "＼", ["and", "or", "union"]),
         _E("esc_bsol_entity", "&bsol;", ["and", "or", "not"]),
         _L("eat_w_we", ["we", "were", "would", "will"]), _L("eat_s_she", ["she", "since", "so"]),
         eat_inside("eat_mid_people", ["people", "because", "government"], 2)],
        [["esc_both_sides", "eat_s_she"], ["esc_yen", "eat_mid_people", "para_break_any"]]),
    9: ([entities_hex, entities_thrice, invisible_joiners, para_break_pagenum, truncate_ellipsis, mojibake_some,
         literal_crlf, both("hard_wrap_crlf", gen.hard_wrap, crlf)],
        [["para_break_pagenum", "hyphenate", "truncate_ellipsis"], ["mojibake_some", "entities_hex"]]),
    10: ([truncate_readmore, truncate_ellipsis, para_break_header, escape_nbsp, _hyphenate_with("", "\u2013", "hyphenate_endash"),
          both("hyphen_wrap_crlf", hyphenate_newline, crlf)],
         [["truncate_ellipsis", "chrome"], ["truncate_readmore", "chrome"], ["para_break_header", "hard_wrap"]]),
    11: ([_E("esc_entity92_twice", "&amp;#92;", ["and", "or", "union"]), para_break_formfeed, c1_quotes,
          entities_cp1252, escapes_stripped],
         [["para_break_formfeed", "hyphenate"], ["c1_quotes", "escape_keywords"]]),
    12: ([_E("esc_after_upper", "\\", ["and", "or", "union"], mode="after", case=str.upper),
          eat_inside("eat_second_from", ["from", "for"], 1), para_break_spaced, json_upper, hard_wrap_trailing],
         [["esc_after_upper", "eat_second_from"], ["para_break_spaced", "hard_wrap_trailing"]]),
    13: ([_E("esc_thin", "\u2009", ["and", "or", "where"]), _E("esc_nospace", "", ["and", "or", "union"]),
          recase("case_upper_kw", ["and", "or", "where", "union"], str.upper),
          recase("case_title_kw", ["and", "or", "not"], str.capitalize),
          _L("eat_l_like", ["like", "last", "long"]), _L("eat_e_even", ["even", "every", "ever"]),
          eat_inside("eat_mid_about", ["about", "would"], 1)],
         [["esc_thin", "eat_l_like"], ["case_upper_kw", "hyphenate"]]),
    14: ([hyphenate_notsign, sql_quotes, lossy_bytes, lossy_quotes, both("hard_wrap_cr", gen.hard_wrap, cr), truncate_newline,
          entities_hex_upper, mojibake_entities, para_break_triple,
          _E("esc_hex_entity", "&#x5c;", ["and", "or", "union"]), _E("esc_pipes_insert", "||", ["and", "or", "not"], mode="insert"),
          _L("eat_h_here", ["here", "how", "his"]), _L("eat_u", ["us", "up", "under", "until"]),
          eat_inside("eat_last_of", ["of", "into"], -1)],
         [["esc_hex_entity", "eat_u"]]),
    15: ([escapes_read("esc_read_c", ["and", "or", "union", "where", "order", "from", "not", "table"]),
          _E("esc_wrap_upper", "\\", ["and", "or", "union"], mode="wrap", case=str.upper),
          _E("esc_wrap_pipe", "|", ["and", "or", "where"], mode="wrap"), para_break_line],
         [["esc_read_c", "hyphenate"], ["esc_wrap_pipe", "eat_t"], ["para_break_line", "hyphenate", "truncate"]]),
}


# Pools a randomised probe set draws from (`random_probe_set`): a filter's
# words (SQL's and the commonest English words it catches by their starts),
# its symbols and entities, and the words a site may lose the first or last
# letter of. No variant is chosen by hand: a seed picks them all.
RANDOM_KEYWORDS = ["and", "or", "union", "where", "order", "select", "from", "insert", "update", "delete", "drop",
                   "like", "not", "in", "is", "into", "values", "table", "join", "by", "group", "having", "limit",
                   "set", "as", "on", "between", "exec", "null", "with", "then", "case", "when"]
RANDOM_SYMBOLS = ["\\", "/", "|", "#", "^", "~", "%", "$", "@", "+", "*", "\\\\", "%5C", "&#92;", ";", "!", "`",
                  "_", "<", ">", "{", "¦", "§"]
RANDOM_EATEN = ["the", "that", "this", "to", "with", "for", "from", "have", "not", "but", "they", "what", "when",
                "which", "their", "there", "will", "would", "about", "more", "been", "were", "said", "also", "after",
                "into", "other", "some", "could", "than", "only", "over", "just"]


def random_probe_set(seed: int) -> tuple[list, list[list[str]]]:
    """A probe set drawn at random: ten escaping filters (two to six words of
    RANDOM_KEYWORDS, a symbol of RANDOM_SYMBOLS, in place of the space before
    the words mostly, else inserted, after or on both sides; lower-cased
    mostly, else upper-cased, capitalised or kept) and eight sites losing a
    letter (one to three words of RANDOM_EATEN, the first letter, the last,
    or the first with its capital passed on), and five hosts combining them
    with gen.py's channels. Names tell each variant's draw."""
    r = random.Random(seed * 7919)
    variants = []
    for i in range(10):
        words = r.sample(RANDOM_KEYWORDS, r.randint(2, 6))
        symbol = r.choice(RANDOM_SYMBOLS)
        mode = r.choices(["replace", "insert", "after", "both"], [70, 15, 10, 5])[0]
        case = r.choices(["lower", "upper", "capitalize", "keep"], [70, 12, 6, 12])[0]
        name = f"esc{i}_{mode}_{case}_{'+'.join(words)}_{symbol}"
        variants.append(escape_variant(name, symbol, words, mode=mode, lower=case != "keep",
                                       case={"upper": str.upper, "capitalize": str.capitalize}.get(case)))
    for i in range(8):
        words = r.sample(RANDOM_EATEN, r.randint(1, 3))
        kind = r.choice(["first", "first", "last", "cased"])
        name = f"eat{i}_{kind}_{'+'.join(words)}"
        variants.append(eat_letter(name, words) if kind == "first" else eat_inside(name, words, -1)
                        if kind == "last" else eat_first_cased(name, words))
    n = [f.__name__ for f in variants]
    combined = [[n[0], n[10]], [n[1], "chrome"], [n[2], n[11], "hyphenate", "para_break", "truncate"],
                [n[3], "mojibake"], [n[4], n[12], "hard_wrap"]]
    return variants, combined


def write_probe_corpus(truth: dict, out: Path, probe: int, seed: int = 1) -> int:
    """Probe set `probe` (PROBE_SETS; 0: `random_probe_set(seed)`) as a
    corpus and its gold: two clean hosts, a host per variant, and the set's
    combined hosts."""
    variants, combined = PROBE_SETS[probe] if probe > 0 else random_probe_set(seed)
    CHANNELS.update({f.__name__: f for f in variants})
    profiles = [[], []] + [[f.__name__] for f in variants] + combined
    rng = random.Random(seed)
    items = clean_articles(truth)
    rng.shuffle(items)
    items = [(i, t) for i, t in items if not is_latin_foreign(t)]
    titles = [t.split("\n")[0][:80] for _, t in items]
    hosts = [make_host(i, p, rng, titles) for i, p in enumerate(profiles)]
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "corpus.jsonl", "w", encoding="utf-8") as c, open(out / "gold.jsonl", "w", encoding="utf-8") as g:
        for n, (doc_id, text) in enumerate(items):
            host = hosts[n % len(hosts)]
            bad, good, truncated, lossy_flag = damage(text, host, rng)
            c.write(json.dumps({"id": doc_id, "url": f"https://{host['site']}/a/{doc_id[:12]}", "text": bad},
                               ensure_ascii=False) + "\n")
            g.write(json.dumps({"id": doc_id, "text": good, "channels": host["profile"], "truncated": truncated,
                                "lossy_encoding": lossy_flag}, ensure_ascii=False) + "\n")
    return len(items)


# ---------------------------------------------------------------- running and scoring, for the tests

def load_score():
    """score.py from the shared benchmark (tokens, edit distance), imported by path."""
    spec = importlib.util.spec_from_file_location("damage_score", SHARED / "bench" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def token_errors(text: str, gold: str) -> int:
    score = load_score()
    return score.edit_distance(score.tokens(text), score.tokens(gold))


def mend_pages(texts: list[str], steps, host: str | None = "site.example"):
    """Documents after the prepare steps and the given steps, the pages pooled
    as one host (each its own host when `host` is None), observed first."""
    from webmend.document import Document
    from webmend.pipeline import STEPS, HostStats, Resources, run_steps

    prep = [s for s in STEPS if s.prepare]

    def fresh():
        return [Document(id=f"p{i}", url=f"https://{host}/p{i}" if host else None, source=t)
                for i, t in enumerate(texts)]

    hosts: dict = {}
    for d in fresh():
        run_steps(d, Resources(), prep)
        stats = hosts.setdefault(d.host_key, HostStats())
        stats.pages += 1
        for s in steps:
            if s.observe:
                s.observe(d, stats)
    res = Resources(hosts=hosts)
    return [run_steps(d, res, prep + list(steps)) for d in fresh()]
