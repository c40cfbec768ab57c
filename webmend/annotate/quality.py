"""Quality signals of the page's final text, by their published definitions.

Computed for every page and put in `doc.signals`; they filter nothing unless
the run names a filter (`--filter`, `Options.quality_filter`): then a page's
failed rules are listed in `signals["filtered"]` (empty when it passes).
Every key, its source and its default threshold are in docs/signals.md.

- Gopher quality and repetition (Rae et al. 2021, "Scaling Language Models",
  appendix A1 and table A1; as implemented in datatrove's GopherQualityFilter
  and GopherRepetitionFilter).
- C4 (Raffel et al. 2020, section 2.2; the line rules of tfds' c4_utils as in
  datatrove's C4QualityFilter), reported as counts, never applied to lines.
- FineWeb (Penedo et al. 2024; datatrove's FineWebQualityFilter).

Two choices, both documented: words are whitespace tokens with punctuation
stripped from their edges (the reference implementations use nltk's
tokenizer, which splits off punctuation the same way), and lines are the
non-empty lines, because webmend separates paragraphs by a blank line where
the text these rules were written for had a single newline.

All measures are linear in the text; the n-gram measures read the first
MAX_WORDS words (Gopher's own upper bound on a page's words).
"""
from __future__ import annotations

import operator
import re
from itertools import compress, repeat
from dataclasses import dataclass

import numpy as np

from webmend.document import Document
from webmend.pipeline import Resources, Step

MAX_WORDS = 100_000
GOPHER_STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})
C4_END_PUNCTUATION = (".", "?", "!", '"', "'")
C4_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
C4_CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
FINEWEB_STOP_CHARS = (".", "'", '"', "!", "?")
FINEWEB_SHORT_LINE = 30
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")
_PUNCT_EDGES = "".join(chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()) + "“”‘’«»…–—·•¡¿"
_PARAGRAPHS = re.compile(r"\n{2,}")


def words_of(text: str) -> list[str]:
    """Whitespace tokens with punctuation stripped from their edges; tokens
    that are only punctuation are not words.

    >>> words_of("Hello, world -- it's 9:30... #tag")
    ['Hello', 'world', "it's", '9:30', 'tag']
    """
    return list(filter(None, map(str.strip, text.split(), repeat(_PUNCT_EDGES))))


def duplicates(items: list[str]) -> tuple[int, int]:
    """(how many items repeat an earlier one, their characters).

    >>> duplicates(["a b", "c", "a b", "a b"])
    (2, 6)
    """
    seen: set[str] = set()
    n = chars = 0
    for x in items:
        if x in seen:
            n += 1
            chars += len(x)
        else:
            seen.add(x)
    return n, chars


def ngram_repetition(words: list[str]) -> tuple[dict[int, int], dict[int, int]]:
    """Gopher's n-gram repetition, in characters: for n = 2..4 the characters
    covered by the most frequent word n-gram (its length, words joined by
    spaces, times its count; 0 when no n-gram repeats; the first to occur
    among equally frequent ones), and for n = 5..10 the characters in
    n-grams that repeat an earlier n-gram, scanning left to right and
    jumping past each repeat (so overlaps are not counted twice).

    Each n-gram is numbered from its first n-1 words' number and its last
    word (numpy sorts the numbers: no tuple of strings is made), and from
    n = 5 on only where the n-1-grams repeat: an n-gram occurs twice only
    where its first n-1 words do.

    >>> top, dup = ngram_repetition("a b a b a b".split())
    >>> top[2], dup[5]
    (9, 0)
    >>> ngram_repetition("x y z w v x y z w v".split())[1][5]
    9
    """
    top = dict.fromkeys(range(2, 5), 0)
    dup = dict.fromkeys(range(5, 11), 0)
    index = dict(zip(dict.fromkeys(words), range(len(words))))  # each distinct word's number, in C
    ids = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    ends = np.zeros(len(words) + 1, dtype=np.int64)  # characters of words[:i]
    np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)), out=ends[1:])
    vocab = len(index) + 1
    starts, gid = np.arange(len(words)), ids  # the 1-grams, everywhere
    for n in range(2, 11):
        keep = starts <= len(words) - n
        starts, gid = starts[keep], gid[keep]
        if len(starts) < 2:
            break
        # (n-1-gram number, last word) -> the n-gram's number; below 100,000 squared
        _, first, gid, counts = np.unique(gid * vocab + ids[starts + n - 1], return_index=True,
                                          return_inverse=True, return_counts=True)
        gid = gid.reshape(-1)
        most = int(counts.max())
        if most < 2:
            break  # no n-gram repeats: no longer one does
        if n < 5:
            at = int(starts[first[counts == most].min()])
            top[n] = (int(ends[at + n] - ends[at]) + n - 1) * most
            continue
        repeated = counts[gid] > 1
        starts, gid = starts[repeated], gid[repeated]
        seen: set[int] = set()
        total = resume = 0
        for i, g in zip(starts.tolist(), gid.tolist()):
            if i < resume:
                continue
            if g in seen:
                total += int(ends[i + n] - ends[i]) + n - 1
                resume = i + n
            else:
                seen.add(g)
        dup[n] = total
    return top, dup


def _share(a: float, b: float) -> float:
    return round(a / b, 4) if b else 0.0


def alpha_words(words: list[str]) -> int:
    """How many words have a letter: an ASCII word has one when its lower and
    upper case differ (tested in C), any other is looked at letter by letter.

    >>> alpha_words(["abc", "123", "a1", "--", "日本", "٣٤", "x²"])
    4
    """
    ascii_words = list(map(str.isascii, words))
    plain = list(compress(words, ascii_words))
    n = sum(map(operator.ne, map(str.lower, plain), map(str.upper, plain)))
    return n + sum(any(c.isalpha() for c in w) for w in compress(words, map(operator.not_, ascii_words)))


def gopher_quality(text: str, words: list[str], lines: list[str]) -> dict[str, float | int]:
    n = len(words)
    return {
        "gopher_words": n,
        "gopher_mean_word_length": _share(sum(map(len, words)), n),
        "gopher_hash_word_ratio": _share(text.count("#"), n),
        "gopher_ellipsis_word_ratio": _share(text.count("...") + text.count("…"), n),
        "gopher_bullet_line_share": _share(sum(ln.lstrip().startswith(("•", "-", "*", "‣", "◦")) for ln in lines),
                                           len(lines)),
        "gopher_ellipsis_line_share": _share(sum(ln.rstrip().endswith(("...", "…")) for ln in lines), len(lines)),
        "gopher_alpha_word_share": _share(alpha_words(words), n),
        "gopher_stop_words": sum(map(GOPHER_STOP_WORDS.__contains__, map(str.lower, words))),
    }


def gopher_repetition(text: str, words: list[str], lines: list[str]) -> dict[str, float]:
    size = len(text)
    paragraphs = [p for p in _PARAGRAPHS.split(text.strip()) if p.strip()]
    pn, pc = duplicates(paragraphs)
    ln, lc = duplicates(lines)
    out = {
        "gopher_dup_line_share": _share(ln, len(lines)),
        "gopher_dup_line_char_share": _share(lc, size),
        "gopher_dup_para_share": _share(pn, len(paragraphs)),
        "gopher_dup_para_char_share": _share(pc, size),
    }
    top, dup = ngram_repetition(words[:MAX_WORDS])
    for n, chars in top.items():
        out[f"gopher_top_{n}gram_char_share"] = _share(chars, size)
    for n, chars in dup.items():
        out[f"gopher_dup_{n}gram_char_share"] = _share(chars, size)
    return out


def c4_lines(text: str, lines: list[str]) -> dict[str, float | int]:
    """C4's line rules as counts: which lines C4 would keep, and why not."""
    terminal = short = javascript = policy = long_word = kept = sentences = 0
    low_text = text.lower()
    policies = [p for p in C4_POLICY if p in low_text]  # looked for line by line only if the page has them
    for raw in lines:
        line = raw.strip()
        ws = line.split()
        if len(line) > 1000 and max(map(len, ws)) > 1000:
            long_word += 1
            continue
        line = C4_CITATION.sub("", line)
        ends = line.endswith(C4_END_PUNCTUATION) and not line.endswith("...")
        terminal += ends
        few = len(ws) < 3
        short += few
        low = line.lower()
        js = "javascript" in low
        javascript += js
        pol = any(p in low for p in policies)
        policy += pol
        if ends and not few and not js and not pol:
            kept += 1
            sentences += max(1, len(_SENTENCE_END.findall(line)))
    return {
        "c4_lines": len(lines),
        "c4_terminal_punct_line_share": _share(terminal, len(lines)),
        "c4_short_line_share": _share(short, len(lines)),
        "c4_javascript_lines": javascript,
        "c4_policy_lines": policy,
        "c4_long_word_lines": long_word,
        "c4_kept_lines": kept,
        "c4_kept_sentences": sentences,
        "c4_lorem_ipsum": int("lorem ipsum" in low_text),
        "c4_curly_bracket": int("{" in text),
    }


def fineweb(text: str, lines: list[str], n_tokens: int) -> dict[str, float]:
    flat = sum(len(ln) for ln in lines)
    return {
        "fineweb_line_punct_share": _share(sum(ln.rstrip().endswith(FINEWEB_STOP_CHARS) for ln in lines), len(lines)),
        "fineweb_short_line_share": _share(sum(len(ln.strip()) <= FINEWEB_SHORT_LINE for ln in lines), len(lines)),
        "fineweb_dup_line_char_share": _share(duplicates([ln.strip() for ln in lines])[1], flat),
        "fineweb_newline_word_ratio": _share(max(len(lines) - 1, 0), n_tokens),
    }


def quality_signals(text: str) -> dict[str, float | int]:
    """Every quality signal of a text (see docs/signals.md).

    >>> s = quality_signals("The cat sat on the mat.\\n\\nThe cat sat on the mat.")
    >>> s["gopher_words"], s["gopher_stop_words"], s["gopher_dup_para_share"], s["fineweb_dup_line_char_share"]
    (12, 4, 0.5, 0.5)
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    words = words_of(text)
    tokens = len(text.split())  # the words and the tokens of punctuation only
    out: dict[str, float | int] = {}
    out.update(gopher_quality(text, words, lines))
    out.update(gopher_repetition(text, words, lines))
    out.update(c4_lines(text, lines))
    out.update(fineweb(text, lines, tokens))
    return out


# ------------------------------------------------------------------ filters
_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq,
        "!=": operator.ne}


@dataclass(frozen=True)
class Rule:
    signal: str
    op: str
    value: float

    def passes(self, signals: dict) -> bool:
        v = signals.get(self.signal)
        return v is not None and _OPS[self.op](v, self.value)

    def __str__(self) -> str:
        return f"{self.signal}{self.op}{self.value:g}"


def _rules(*specs: tuple[str, str, float]) -> tuple[Rule, ...]:
    return tuple(Rule(*s) for s in specs)


# The published thresholds, as rules a page must pass.
PRESETS: dict[str, tuple[Rule, ...]] = {
    "gopher_quality": _rules(
        ("gopher_words", ">=", 50), ("gopher_words", "<=", 100_000),
        ("gopher_mean_word_length", ">=", 3), ("gopher_mean_word_length", "<=", 10),
        ("gopher_hash_word_ratio", "<=", 0.1), ("gopher_ellipsis_word_ratio", "<=", 0.1),
        ("gopher_bullet_line_share", "<=", 0.9), ("gopher_ellipsis_line_share", "<=", 0.3),
        ("gopher_alpha_word_share", ">=", 0.8), ("gopher_stop_words", ">=", 2)),
    "gopher_repetition": _rules(
        ("gopher_dup_line_share", "<=", 0.3), ("gopher_dup_para_share", "<=", 0.3),
        ("gopher_dup_line_char_share", "<=", 0.2), ("gopher_dup_para_char_share", "<=", 0.2),
        ("gopher_top_2gram_char_share", "<=", 0.2), ("gopher_top_3gram_char_share", "<=", 0.18),
        ("gopher_top_4gram_char_share", "<=", 0.16),
        *((f"gopher_dup_{n}gram_char_share", "<=", round(0.15 - 0.01 * (n - 5), 2)) for n in range(5, 11))),
    "c4": _rules(("c4_lorem_ipsum", "==", 0), ("c4_curly_bracket", "==", 0), ("c4_kept_sentences", ">=", 5)),
    "fineweb": _rules(
        ("fineweb_line_punct_share", ">", 0.12), ("fineweb_short_line_share", "<", 0.67),
        ("fineweb_dup_line_char_share", "<", 0.01), ("fineweb_newline_word_ratio", "<=", 0.3)),
}
PRESETS["gopher"] = PRESETS["gopher_quality"] + PRESETS["gopher_repetition"]
SIGNAL_NAMES = tuple(quality_signals("x"))
_EXPR = re.compile(r"^\s*([a-z0-9_]+)\s*(>=|<=|==|!=|>|<)\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$")


class FilterError(ValueError):
    """A --filter spec that names no known preset or signal."""


def parse_filter(spec: str) -> tuple[Rule, ...]:
    """Rules from a spec: comma-separated presets (gopher, gopher_quality,
    gopher_repetition, c4, fineweb) and expressions like gopher_words>=50.

    >>> [str(r) for r in parse_filter("c4, gopher_words>=80")]
    ['c4_lorem_ipsum==0', 'c4_curly_bracket==0', 'c4_kept_sentences>=5', 'gopher_words>=80']
    """
    rules: list[Rule] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part in PRESETS:
            rules.extend(PRESETS[part])
            continue
        m = _EXPR.match(part)
        if not m:
            raise FilterError(f"--filter: {part!r} is neither a preset ({', '.join(sorted(PRESETS))}) "
                              "nor an expression like gopher_words>=50")
        name, op, value = m.groups()
        if name not in SIGNAL_NAMES and name not in ("words", "chars", "lines", "paragraphs", "kept_share",
                                                     "language_score"):
            raise FilterError(f"--filter: unknown signal {name!r} (see docs/signals.md)")
        try:
            rules.append(Rule(name, op, float(value)))
        except ValueError:
            raise FilterError(f"--filter: {value!r} is not a number") from None
    return tuple(rules)


def failed_rules(signals: dict, rules: tuple[Rule, ...]) -> list[str]:
    """The rules a page's signals fail, as text (empty: the page passes)."""
    return [str(r) for r in rules if not r.passes(signals)]


def annotate_quality(doc: Document, res: Resources) -> None:
    doc.signals.update(quality_signals(doc.text))
    spec = getattr(res.options, "quality_filter", "") if res is not None else ""
    if spec:
        doc.signals["filtered"] = failed_rules(doc.signals, parse_filter(spec))


STEP = Step("quality", annotate_quality,
            "quality signals (Gopher quality and repetition, C4 line rules, FineWeb); --filter applies them")
