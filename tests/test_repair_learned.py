"""The learned repairs (escaping, lost letters, case) on real pages: the sample
page, benchmark articles damaged by the shared generator and by variants of
its damage it never makes (other symbols, keywords, lost letters), clean
articles and crawled pages that must come back untouched, and bad input."""
from __future__ import annotations

import difflib
import gzip
import importlib.util
import json
import random
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webmend.document import Document
from webmend.lexicon.words import lexicon
from webmend.pipeline import HostStats, Options, Resources, mend, run_steps
from webmend.repair import case, cased_words, escaping, lost_letters

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE = ROOT / "examples" / "kancc-reminiscences.txt"
HAND = ROOT / "tests" / "data" / "kancc-hand-repair.txt"
TRUTH = SHARED / "bench" / "article-extraction" / "ground-truth.json"
WET = SHARED / "bench" / "article-extraction" / "wet.jsonl.gz"
GEN = SHARED / "bench" / "damage" / "gen.py"
STEPS = [escaping.STEP, lost_letters.STEP, cased_words.STEP, case.STEP]
KINDS = {"escape", "lost_letter", "case"}
TOKEN = re.compile(r"\w+|[^\w\s]")

needs_bench = pytest.mark.skipif(not TRUTH.exists(), reason="shared benchmark not available")


# ------------------------------------------------------------ helpers
def mend_host(texts: list[str], host: str = "site.example") -> list[Document]:
    """Our steps over pages of one host: first pass observes, second mends."""
    docs = [Document(id=f"p{i}", url=f"https://{host}/{i}", source=t) for i, t in enumerate(texts)]
    stats = HostStats()
    for d in docs:
        stats.pages += 1
        for s in STEPS:
            if s.observe:
                s.observe(d, stats)
    res = Resources(hosts={docs[0].host_key: stats}) if docs else Resources()
    fresh = [Document(id=d.id, url=d.url, source=d.source) for d in docs]
    return [run_steps(d, res, STEPS) for d in fresh]


def mend_page(text: str) -> Document:
    return mend_host([text])[0]


def token_errors(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(TOKEN.findall(a), TOKEN.findall(b))


def articles(min_words: int = 120) -> list[str]:
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    return [v["articleBody"].strip() for _, v in sorted(truth.items()) if len(v["articleBody"].split()) >= min_words]


def load_gen():
    spec = importlib.util.spec_from_file_location("damage_gen", GEN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def variant_damage(text: str, sym: str, keywords: list[str], mode: str = "replace", whole: bool = False,
                   lower: bool = True, lost: tuple[str, int] | None = None) -> str:
    """Damage of the same families as gen.py's, with other symbols, words and letters."""
    pat = re.compile(r" (%s)%s" % ("|".join(map(re.escape, keywords)), r"\b" if whole else ""), re.IGNORECASE)

    def sub(m: re.Match) -> str:
        k = m.group(1).lower() if lower else m.group(1)
        return sym + k if mode == "replace" else " " + sym + k

    if keywords:
        text = pat.sub(sub, text)
    if lost:
        word, i = lost
        text = re.sub(r"(?<![\w\\/|_+#%%])%s\b" % re.escape(word), word[:i] + word[i + 1:], text, flags=re.IGNORECASE)
    return text


def errors_before_after(clean: list[str], damaged: list[str], out: list[Document]) -> tuple[int, int]:
    """Token errors against the clean pages, of the damaged pages and of their mended output."""
    return (sum(token_errors(d, c) for d, c in zip(damaged, clean)),
            sum(token_errors(o.text, c) for o, c in zip(out, clean)))


def repaired_share(clean: list[str], damaged: list[str]) -> float:
    out = mend_host(damaged)
    before = sum(token_errors(d, c) for d, c in zip(damaged, clean))
    after = sum(token_errors(o.text, c) for o, c in zip(out, clean))
    assert before > 0
    return 1 - after / before


# ------------------------------------------------------------ the sample page
@pytest.fixture(scope="module")
def sample_doc() -> Document:
    return mend_page(SAMPLE.read_text(encoding="utf-8"))


def test_sample_has_no_damage_marks_left(sample_doc):
    body = sample_doc.text
    assert not re.search(r"\\[A-Za-z]", body)
    assert not re.search(r"\brom\b", body)
    assert "Soviet Union" in body and "Soviet union" not in body
    assert "workers and peasants" in body


def test_sample_rules_are_learned_with_evidence(sample_doc):
    fams = {r["family"]: r for r in sample_doc.rules}
    esc = fams["escaping"]
    assert esc["hits"] > 100 and esc["counterexamples"] <= esc["hits"] * 0.1 and esc["gain"] > 100
    assert esc["scope"] == "page"
    lost = fams["lost_letters"]
    assert lost["rule"] == "'rom' -> 'from'" and lost["counterexamples"] == 0
    kinds = {e.kind for e in sample_doc.edits}
    assert KINDS <= kinds
    for e in sample_doc.edits:
        assert e.evidence
        assert sample_doc.input_text[e.start:e.end] == e.before or e.kind == "case"


def test_sample_body_matches_hand_repair_on_our_families(sample_doc):
    """Token differences to the careful hand repair that belong to our
    families (case, a backslash, rom/from) stay within 0.1% of the body."""
    hand = HAND.read_text(encoding="utf-8")
    body = sample_doc.text[sample_doc.text.index("6. “Let Us Defend"):]
    a, b = TOKEN.findall(body), TOKEN.findall(hand)
    ours = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        x, y = a[i1:i2], b[j1:j2]
        mine = (len(x) == len(y) and [t.lower() for t in x] == [t.lower() for t in y]) or "\\" in x \
            or any(t.lower() in ("rom", "from") for t in x + y)
        ours += max(len(x), len(y)) if mine else 0
    assert ours <= 0.001 * len(b)


def test_sample_title_is_repaired():
    text = SAMPLE.read_text(encoding="utf-8")
    doc = Document(id="s", source=text)
    doc.title = text.split("\n", 1)[0].split(" > ")[0]
    run_steps(doc, Resources(), STEPS)
    assert doc.title == "[Reminiscences]Chapter 21 6. “Let Us Defend the Soviet Union with Arms!”"


def test_sample_repair_is_idempotent(sample_doc):
    again = mend_page(sample_doc.text)
    assert again.text == sample_doc.text
    assert not [e for e in again.edits if e.kind in KINDS]


# ------------------------------------------------------------ generated damage
@needs_bench
def test_gen_escape_keywords_host_is_repaired():
    gen = load_gen()
    rng = random.Random(5)
    host = {"keywords": ["and", "or", "union", "where", "order"], "eat_f": True}
    clean = articles()[10:18]
    damaged = [gen.escape_keywords(t, rng, host) for t in clean]
    assert repaired_share(clean, damaged) >= 0.93


VARIANTS = [
    dict(sym="/", keywords=["select", "the", "not", "like", "in"], lost=("from", 1)),
    dict(sym="|", keywords=["with", "for", "but"], lost=("which", 0)),
    dict(sym="_", keywords=["and", "is", "from"], lost=("that", 3)),
    dict(sym="+", keywords=["of", "to"], whole=True, lost=("have", 2)),
    dict(sym="#", keywords=["drop", "table", "and", "was"]),
    dict(sym="%20", keywords=["or", "insert", "delete", "on"]),
    dict(sym="\\\\", keywords=["and", "or", "union", "where"], lost=("from", 0)),
    dict(sym="\\", keywords=["and", "or", "union", "where"], mode="insert"),
    dict(sym="\\", keywords=["and", "or", "union"], lower=False, lost=("with", 0)),
    dict(sym="~", keywords=[], lost=("this", 1)),
    dict(sym=";", keywords=["and", "or", "select"]),
    dict(sym="!", keywords=["and", "where", "or"], mode="insert", lost=("as", 0)),
    dict(sym="`", keywords=["and", "or", "select"]),
]


@needs_bench
@pytest.mark.parametrize("i", range(len(VARIANTS)))
def test_unseen_damage_variants_are_repaired(i):
    """Other symbols, keywords, positions and lost letters than gen.py's, on a
    host of six real articles: learned, not listed."""
    v = VARIANTS[i]
    pool = articles(min_words=400)
    clean = [pool[(5 * i + k) % len(pool)] for k in range(6)]
    damaged = [variant_damage(t, **v) for t in clean]
    assert repaired_share(clean, damaged) >= 0.9, v


def _mend_merged(texts: list[str]) -> list[Document]:
    """Pages of one host, each observed into its own HostStats and merged (as
    the engines do), then mended with the host's pooled statistics."""
    docs = [Document(id=f"p{i}", url=f"https://tmpl.example/{i}", source=t) for i, t in enumerate(texts)]
    stats = HostStats()
    for d in docs:
        own = HostStats()
        own.pages = 1
        for s in STEPS:
            if s.observe:
                s.observe(d, own)
        stats.merge(own)
    res = Resources(hosts={docs[0].host_key: stats})
    return [run_steps(Document(id=d.id, url=d.url, source=d.source), res, STEPS) for d in docs]


@needs_bench
@pytest.mark.parametrize("word", ["from", "which"])
def test_host_template_line_does_not_hide_lost_letters(word):
    """Every page of a host repeats a template line with the word intact (a
    related-links line, as page chrome keeps it); each page is observed into
    its own HostStats and merged, as the engines do. The line counts once
    for the host, so the host's rule still reaches pages too short to show
    the loss on their own."""
    pool = articles(min_words=150)
    clean = [t for t in pool if len(re.findall(rf"\b{word}\b", t, re.I)) in (1, 2, 3)][:12]
    line = f"Related: what witnesses heard {word} the people on the ground, and {word} the police"
    damaged = [variant_damage(t, "", [], lost=(word, 0)) + "\n\n" + line for t in clean]
    out = _mend_merged(damaged)
    short = word[1:]
    assert len(clean) >= 8
    left = [o.id for o in out if re.search(rf"\b{short}\b", o.text[:-len(line)], re.I)]
    assert not left, left
    assert any(r["scope"] == "host" and r["family"] == "lost_letters" for o in out for r in o.rules)


@needs_bench
def test_host_template_lines_do_not_veto_an_escaping_rule():
    """Every page of a host repeats related titles with a plain ' and ' and
    ' or ' in them (the site's software wrote them, not through the filter
    that glued the author's words): they count once, not once a page, so the
    host's rule still covers 'and' and 'or' (gen.py seed 8 had left 51
    backslashes a page)."""
    pool = articles(min_words=150)
    clean = pool[20:32]
    related = [f"Related: the mayor and the council agree on the {w} budget, or so they say" for w in
               ("river", "school", "harbour", "library", "park")]
    damaged = [variant_damage(t, "\\", ["and", "or", "where"]) + "\n\n" + "\n".join(related) for t in clean]
    out = _mend_merged(damaged)
    left = [o.id for o in out if re.search(r"\\(and|or)\b", o.text)]
    assert not left, left
    assert all(line in o.text for o in out for line in related)


@needs_bench
def test_single_page_is_repaired_on_its_own():
    text = max(articles(), key=len)
    damaged = variant_damage(text, "\\", ["and", "or", "union", "where", "order"], lost=("from", 0))
    out = mend_page(damaged)
    assert token_errors(out.text, text) <= 0.1 * token_errors(damaged, text)
    assert all(r["scope"] == "page" for r in out.rules)


# ------------------------------------------------------------ do no harm
@needs_bench
def test_clean_articles_come_back_unchanged():
    texts = articles(min_words=0)
    changed = []
    for k in range(0, len(texts), 6):
        for d in mend_host(texts[k:k + 6], host=f"h{k}.example"):
            changed += [(e.kind, e.before, e.after) for e in d.edits if e.kind in KINDS]
    assert changed == []


@needs_bench
def test_crawled_pages_with_chrome_come_back_unchanged():
    """Whole visible text of real pages: URLs, menus, hashtags, code."""
    changed = []
    with gzip.open(WET, "rt", encoding="utf-8") as f:
        recs = [json.loads(line) for line in f][:120]
    for r in recs:
        d = mend_page(r["text"])
        changed += [(d.id, e.before, e.after) for e in d.edits if e.kind in KINDS]
    assert changed == []


def test_crawled_pages_pooled_by_host_come_back_unchanged():
    """All 181 crawled pages, each host's pages pooled as in a corpus run
    (several share a host): abbreviations ('i.e.', 'e.g.') and domain names
    ('nbc.com') make one-letter and foreign-looking tokens abound, and are no
    damage."""
    from collections import defaultdict

    hosts = defaultdict(list)
    with gzip.open(WET, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            hosts[Document(id="h", url=r["url"]).host].append(r["text"])
    assert any(len(texts) > 1 for texts in hosts.values())
    mended = [(host, d) for host, texts in hosts.items() for d in mend_host(texts, host)]
    assert [(host, e.before, e.after) for host, d in mended for e in d.edits if e.kind in KINDS] == []
    # nor suspected: an 'e' counted out of 'i.e.' and 'e-commerce' proves no lost letter ('an' for 'man')
    assert [(host, f) for host, d in mended for f in d.flags if f.startswith(("lost_letters", "escaping"))] == []


LEGIT = [
    "Use and/or as you like; his/her choice. The speed was 90 km/h on the A1 and 80 km/h in towns, "
    "via TCP/IP at http://example.com/a/b/c and C:\\Program Files\\App. Follow #climate and @nasa. "
    "The file lives in /usr/local/bin and ~/docs/notes; set user_id and max_len in the config. ",
    "The ROM chip stores firmware; the Rom people of Europe; read-only memory (ROM) is older. "
    "Rom is also a name. ",
]


@pytest.mark.parametrize("text", LEGIT)
def test_legitimate_symbols_and_words_are_kept(text):
    page = text * 8
    d = mend_page(page)
    assert d.text == page
    assert not d.rules


# ------------------------------------------------------------ robustness
@pytest.mark.parametrize("text", ["", " ", "\\\\\\\\", "\\and", "#/|_+%20" * 50, "rom rom rom", "\n\n\\or\n"])
def test_bad_input_never_raises(text):
    d = mend_page(text)
    assert d.error is None


@needs_bench
def test_huge_single_line_is_linear():
    """A 10 MB single-line page (clean articles) and a 1 MB one full of damage
    pass in seconds, not minutes; the damage is still repaired."""
    clean = " ".join(articles()).replace("\n", " ")  # many languages on one line
    damaged = SAMPLE.read_text(encoding="utf-8").replace("\n", " ")
    run_steps(Document(id="warm", source=damaged[:20000]), Resources(), STEPS)  # lexicons loaded
    lost_letters.foreign_text("xx", "en", {}.get, 1)  # other languages' function words loaded
    for src, size, limit in [(clean, 10_000_000, 5.0), (damaged, 1_000_000, 5.0)]:
        line = (src * (size // len(src) + 1))[:size]
        d = Document(id="big", source=line)
        t = time.process_time()  # CPU time: other processes on the machine do not count
        run_steps(d, Resources(), STEPS)
        assert d.error is None
        assert time.process_time() - t < limit
    assert "\\and" not in d.text[:100_000] and "Soviet Union" in d.text[:100_000]


# ------------------------------------------------------------ property: clean text is left alone
def _sentences(lang: str):
    words = [w for w in lexicon(lang).top(3000) if w.isalpha()]
    word = st.sampled_from(words)
    sentence = st.lists(word, min_size=3, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
    return st.lists(sentence, min_size=5, max_size=60).map(" ".join)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_clean_text_is_unchanged_property(lang):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_sentences(lang))
    def check(text):
        d = mend_page(text)
        assert d.text == text, [e for e in d.edits][:3]

    check()


# ------------------------------------------------------------ switches and explain
def test_skip_switches_leave_families_out():
    text = SAMPLE.read_text(encoding="utf-8")
    off = mend(text=text, options=Options(skip=frozenset({"repair"})))
    assert "Soviet\\union" in off.text
    no_case = mend(text=text, options=Options(skip=frozenset({"case"})))
    assert "Soviet union" in no_case.text and not [e for e in no_case.edits if e.kind == "case"]


def test_explain_prints_rules_and_edits(tmp_path):
    from click.testing import CliRunner

    from webmend.cli import main

    res = CliRunner().invoke(main, ["clean", str(SAMPLE), "-o", str(tmp_path / "o.jsonl"), "--explain", "-q",
                                    "--workers", "1"])
    assert res.exit_code == 0, res.output
    err = res.stderr if hasattr(res, "stderr") else res.output
    assert "rule [escaping]" in err and "counterexamples=" in err and "gain=" in err
    assert "edit escape" in err and "edit lost_letter" in err


@needs_bench
def test_explain_sums_up_each_host_once(tmp_path):
    """--explain ends with a block per host: a rule learned from the host's
    pooled pages printed once with the number of pages it served, the
    host's edits counted by kind; a clean host has no block."""
    gen = load_gen()
    rng = random.Random(3)
    damage = {"keywords": ["and", "or", "union", "where", "order"], "eat_f": True}
    texts = articles()[20:26]
    pages = [{"id": f"d{i}", "url": f"https://damaged.example/{i}", "text": gen.escape_keywords(t, rng, damage)}
             for i, t in enumerate(texts[:4])]
    pages += [{"id": f"c{i}", "url": f"https://clean.example/{i}", "text": t} for i, t in enumerate(texts[4:])]
    src = tmp_path / "pages.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
    from conftest import run_cli

    err = run_cli("clean", src, "-o", tmp_path / "o.jsonl", "--explain", "-q", "--workers", "1").stderr
    per_page, _, summary = err.partition("== per host (the pages of this run)\n")
    assert summary and "clean.example" not in summary
    blocks = summary.split("== host ")
    assert len(blocks) == 2 and blocks[1].startswith("damaged.example: 4 pages; edits: ")
    host_rules = [ln for ln in blocks[1].splitlines() if ln.startswith("  rule [escaping]") and "scope=host" in ln]
    assert len(host_rules) == 1
    served = int(re.search(r"\(on (\d+) pages?\)$", host_rules[0]).group(1))
    rule = host_rules[0].split(": scope=host")[0]
    assert served == sum(ln.startswith(rule + ": scope=host") for ln in per_page.splitlines()) >= 3
    escapes = int(re.search(r"edits: .*?escape (\d+)", blocks[1]).group(1))
    assert escapes == sum(ln.startswith("  edit escape ") for ln in per_page.splitlines()) > 0


# ------------------------------------------------------------ fast counts and guesses agree with the slow ones
def _wet_texts() -> list[str]:
    with gzip.open(WET, "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


@pytest.mark.skipif(not WET.exists(), reason="shared benchmark not available")
def test_fast_word_counts_and_glue_points_match_the_regexes_on_crawled_pages():
    from collections import Counter

    from webmend.repair import evidence

    for text in _wet_texts():
        low = text.lower()
        assert evidence._letter_runs(low) == Counter(evidence._LETTERS.findall(low))
        symbols = escaping.symbol_chars(text)
        if symbols:
            by_regex = [m.end() for m in escaping._glue_before(symbols).finditer(text)]
            assert escaping._letter_after(text, symbols) == by_regex


@pytest.mark.skipif(not WET.exists(), reason="shared benchmark not available")
def test_function_word_guess_is_py3langid_where_it_is_sure():
    from webmend.annotate.language import identify
    from webmend.repair import page_words

    sure = 0
    for text in _wet_texts():
        sample = page_words._sample(text)
        if page_words.looks_english(sample):
            continue
        guess = page_words.function_word_language(sample)
        if guess is not None:
            sure += 1
            assert guess == identify(sample[:page_words.IDENTIFY_CHARS])[0], sample[:200]
    assert sure >= 20  # the cheap guess decides most pages the English test leaves


# ------------------------------------------------------------ first-pass notes
@needs_bench
def test_first_pass_notes_give_the_same_output_as_finding_again(tmp_path, monkeypatch):
    """The second pass applies what the first noted about each page (its
    language, its own lost-letter rules, whether its sites could make an
    escaping rule) instead of finding it again: on gen.py's damaged corpus the
    output is the same, edit for edit, as without the notes."""
    import subprocess
    import sys

    from webmend.pipeline import mend_all

    subprocess.run([sys.executable, str(GEN), str(TRUTH), str(tmp_path)], check=True, capture_output=True)
    records = [json.loads(line) for line in (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()][:60]

    def run() -> list[Document]:
        docs = [Document(id=r["id"], url=r["url"], source=r["text"]) for r in records]
        return list(mend_all(docs))

    with_notes = run()
    assert sum(lost_letters.NOTE in d.notes for d in with_notes) >= 50  # the second pass had the notes
    monkeypatch.setattr(HostStats, "keep_notes", lambda self, doc: None)
    without = run()
    assert [d.text for d in with_notes] == [d.text for d in without]
    assert [[(e.kind, e.start, e.end, e.after) for e in d.edits] for d in with_notes] == \
           [[(e.kind, e.start, e.end, e.after) for e in d.edits] for d in without]
    assert sum(len(d.edits) for d in with_notes) > 100  # the corpus was damaged and mended


def test_notes_reach_the_same_page_only():
    """A note is keyed by the page's id and prepared text: a page of the same
    id with other text gets none; the host keeps at most NOTES_CAP."""
    from webmend.pipeline import FIRST_PASS_NOTES, STEPS as ALL_STEPS, observe

    stats = HostStats()
    first = Document(id="p", url="https://a.example/1", source="The cat sat on the mat. " * 30)
    observe(first, stats)
    assert stats.notes and next(iter(stats.notes.values()))["repair_language"] == "en"
    res = Resources(hosts={first.host_key: stats})
    steps = [s for s in ALL_STEPS if s.prepare] + [FIRST_PASS_NOTES]  # as the second pass runs them
    same = run_steps(Document(id="p", url=first.url, source=first.source), res, steps)
    other = run_steps(Document(id="p", url=first.url, source=first.source + " More."), res, steps)
    assert same.notes.get("repair_language") == "en" and other.notes == {}
    full = HostStats()
    full.notes = {str(i): {"x": i} for i in range(HostStats.NOTES_CAP)}
    full.keep_notes(first)
    assert len(full.notes) == HostStats.NOTES_CAP


@needs_bench
def test_host_counters_stay_bounded_when_pages_are_pooled_one_by_one():
    """The engine pools each page's counts into its host's in the parent, page
    by page: every named counter keeps to its cap however many pages come."""
    from webmend.pipeline import observe

    host = HostStats()
    with gzip.open(WET, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            page = HostStats()
            observe(Document(id=r["id"], url="https://one.example/x", source=r["text"]), page)
            host.merge(page)
    assert host.pages == 181
    sizes = {name: len(c) for name, c in host.counters.items()}
    assert sizes["lost_letters.lines"] <= lost_letters.LINES_CAP < 181 * 5  # the cap was reached
    for name, n in sizes.items():
        cap = HostStats.cap_of(name)
        assert cap is None or n <= cap, (name, n, cap)
    big = ("escaping.sites", "escaping.space", "lost_letters.lines", "lost_letters.words.en", "lost_letters.form_pages.en")
    assert all(HostStats.cap_of(name) for name in big)


@needs_bench
def test_a_word_glued_once_is_repaired_where_the_symbol_is_only_damage():
    """Keywords that occur once on a whole host (as rare SQL words do in news)
    are glued once: no key of two hits covers them, but a backslash that
    stands nowhere else than glued to words is the filter's everywhere."""
    from collections import Counter

    pool = articles(min_words=400)
    clean = pool[30:36]
    counts = Counter(w for t in clean for w in re.findall(r"(?<= )[a-z]+\b", t))
    en = lexicon("en")
    once = sorted(w for w, n in counts.items() if n == 1 and len(w) >= 6 and en.zipf(w) >= 3.5
                  and sum(t.lower().count(w) for t in clean) == 1)[:4]
    assert len(once) == 4
    damaged = [variant_damage(t, "\\", ["and", "or", *once], whole=True) for t in clean]
    out = mend_host(damaged)
    left = [m.group() for d in out for m in re.finditer(r"\\[a-z]\w*", d.text)]
    assert left == [], left
    assert sum(f"\\{w}" in t for t in damaged for w in once) == 4


@needs_bench
def test_pages_without_the_damage_do_not_veto_a_hosts_rule():
    """Six pages of a host went through a filter ('^' before 'and', 'or'); two
    of its pages did not, and show another symbol ('@newsdesk'). Their plain
    ' and' and ' or' are no counterexamples of the '^' filter: they glue no
    such word. Every '^' site is repaired."""
    pool = articles(min_words=400)
    damaged = [variant_damage(t, "^", ["and", "or", "where"]) for t in pool[40:46]]
    clean = [t + "\n\nReporting by @newsdesk and @editors" for t in pool[46:48]]
    out = mend_host(damaged + clean)
    assert [m.group() for d in out for m in re.finditer(r"\^\w+", d.text)] == []
    assert [d.text for d in out[6:]] == clean


@needs_bench
def test_a_filter_of_rare_words_is_learned_from_its_word_list():
    """A filter of SQL's rare words ('select', 'insert', 'delete', 'update',
    'drop': no frequent word goes missing after spaces) with a symbol the
    pages also use elsewhere ('|' between menu items): several keys glued
    every time, in lower case, after many words of running text make it a
    rule; the names and codes glued to '/' on all the crawled pages pooled
    as one host do not."""
    pool = articles(min_words=400)
    words = ["select", "insert", "delete", "update", "drop"]
    hits = lambda t: sum(len(re.findall(rf" {w}", t, re.I)) for w in words)
    hit = [t for t in pool if 3 <= hits(t) <= 8][:6]  # a few on each page, as rare words go
    damaged = [variant_damage(t, "|", words) + "\n\nHome | News | Sport" for t in hit]
    out = mend_host(damaged)
    left = [m.group() for d in out for m in re.finditer(r"\|[a-z]\w*", d.text)]
    glued = sum(len(re.findall(r"\|[a-z]", t)) for t in damaged)
    assert glued >= 20 and len(left) <= 0.1 * glued, left
    with gzip.open(WET, "rt", encoding="utf-8") as f:
        crawled = [json.loads(line)["text"] for line in f]
    assert [e for d in mend_host(crawled, "one.example") for e in d.edits if e.kind == "escape"] == []


@needs_bench
def test_names_the_filter_lowercased_get_their_capitals_back():
    """A filter that lowercases what it hits takes the capital of every name
    starting with its keyword ('Andrew', 'Indiana', 'Orion', 'Instagram' for
    a filter of 'and', 'in', 'or'), so the page has no capitalised form left
    to learn from: the language's spelling dictionary knows those words only
    capitalised (organisations' names made of common words, 'International',
    'Inner', stay lower-case: nothing tells). No word the author wrote in
    lower case gets a capital."""
    gen = load_gen()
    host = {"keywords": ["and", "or", "in"]}
    names = re.compile(r"(?<=[a-z,] )(?:And|Or|In)[a-z]+")
    clean = [t for t in articles() if len(names.findall(t)) >= 3][:8]
    damaged = [gen.escape_keywords(t, random.Random(1), host) for t in clean]
    out = mend_host(damaged)
    wanted = sum(len(names.findall(t)) for t in clean)
    back = sum(min(len(names.findall(o.text)), len(names.findall(t))) for o, t in zip(out, clean))
    assert wanted >= 20 and back >= 0.8 * wanted, (back, wanted)  # 0.6 without the dictionary
    for o, t in zip(out, clean):  # every word capitalised by the case step is capitalised in the clean text
        for e in o.edits:
            if e.kind == "case" and e.after[:1].isupper():
                assert re.search(rf"\b{re.escape(e.after)}\b", t), e


@needs_bench
def test_a_name_that_starts_with_a_filtered_word_gets_its_capital_back():
    """A filter of 'new' (and 'and') takes the capital of 'New York'
    everywhere: 'York', a name the page writes only after the repaired 'new',
    makes it the first word of the name. 'new' before other words, and 'and'
    before names ('Albany and Buffalo'), stay lower-case."""
    pool = [t for t in articles() if t.count("New York") >= 2]
    damaged = [variant_damage(t, "|", ["new", "and"]) for t in pool]
    out = mend_host(damaged)
    assert len(pool) >= 5
    assert sum(o.text.count("New York") for o in out) == sum(t.count("New York") for t in pool)
    for o, t in zip(out, pool):
        assert len(re.findall(r"\bNew\b", o.text)) <= len(re.findall(r"\bNew\b", t))
        assert len(re.findall(r"\bAnd\b", o.text)) <= len(re.findall(r"\bAnd\b", t))


@needs_bench
def test_a_word_in_its_own_right_in_surplus_is_no_lost_letter():
    """A news host whose pages report rallies and never say 'really': 'rally'
    abounds and 'really' is missing, yet 'rally' is a word of its own (its
    surplus is the topic), so the weak deficit of 'really' makes no rule."""
    word = re.compile(r"\brally\b", re.IGNORECASE)
    plain = [t for t in articles() if "really" not in t.lower()]
    rallies = [t for t in plain if len(word.findall(t)) >= 2]
    pages = rallies + [t for t in plain if not word.search(t)][:8 - len(rallies)]
    assert sum(len(word.findall(t)) for t in pages) >= 8
    out = mend_host(pages)
    assert [e for d in out for e in d.edits if e.kind == "lost_letter"] == []


@needs_bench
def test_a_lost_letter_is_restored_before_a_contraction():
    """'that' lost its t everywhere, 'that’s' too ('hat’s'): the damaged form
    before a contraction is restored where the language writes the word with
    it ('that’s' is English); 'he’s' on the same pages stays ('the’s' is not)."""
    contraction = re.compile(r"\b[Tt]hat['’]s\b")
    pool = [t for t in articles() if contraction.search(t)][:8]
    damaged = [variant_damage(t, "", [], lost=("that", 0)) for t in pool]
    out = mend_host(damaged)
    assert sum(len(contraction.findall(t)) for t in pool) >= 8
    for o, t in zip(out, pool):
        assert len(contraction.findall(o.text)) == len(contraction.findall(t))
        assert not re.search(r"\b[Tt]he['’](?:s|ll)\b", o.text)


def test_the_second_pass_reads_the_language_the_first_pass_counted_under():
    """The host's counts are kept under the language the first pass guessed;
    the chrome step's provisional guess, set in between, must not move a
    page to another language's (empty) host rules."""
    from webmend.repair import page_words

    doc = Document(id="p", url="https://site.example/p", source="o get the best results")
    doc.notes[page_words._KEY] = "en"
    doc.language = "es"
    assert page_words.page_language(doc) == "en"


@needs_bench
def test_a_page_whose_damage_looks_like_another_language_gets_its_hosts_rules(tmp_path):
    """'to' and 'that' lost their t on every page of a host ('o get you the
    best results'): a page full of 'o' reads as Spanish to the chrome step's
    quick guess, yet `webmend clean` mends it with the host's English rules
    like its siblings."""
    import subprocess
    import sys

    pool = articles()
    first = next(t for t in pool if t.startswith("If you’ve done 80 Day Obsession"))
    pages = [first] + [t for t in pool if t != first][:7]
    damaged = [variant_damage(variant_damage(t, "", [], lost=("to", 0)), "", [], lost=("that", 0)) for t in pages]
    with open(tmp_path / "in.jsonl", "w", encoding="utf-8") as f:
        for i, t in enumerate(damaged):
            f.write(json.dumps({"id": f"p{i}", "url": f"https://site.example/{i}", "text": t}) + "\n")
    subprocess.run([sys.executable, "-m", "webmend.cli", "clean", str(tmp_path / "in.jsonl"), "-o",
                    str(tmp_path / "out.jsonl"), "--workers", "1", "-q"], check=True, cwd=ROOT)
    out = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    lone_o = re.compile(r"(?<= )o (?=[a-z])")
    assert len(lone_o.findall(damaged[0])) >= 3 and lone_o.findall(out["text"]) == []


def test_a_name_pair_is_judged_once_a_page(monkeypatch):
    """Whether a repaired word starts a name reads the whole page; a page
    with thousands of repaired 'new York' asks it once per pair of words
    (asked once per occurrence, 112 KB took a minute)."""
    rng = random.Random(1)
    verbs = ["moved to", "lived in", "left", "visited", "loved", "saw", "praised", "liked", "toured", "reached"]
    text = " ".join(f"They {rng.choice(verbs)}|new York and {rng.choice(verbs)}|new Zealand in the end."
                    for _ in range(2000))
    scans = []
    judge = case.starts_a_name

    def counted(text, start, end, lex, skip, cache=None):
        if cache is None:
            scans.append(text[start:end])
        return judge(text, start, end, lex, skip, cache)

    monkeypatch.setattr(case, "starts_a_name", counted)
    out = mend_page(text)
    assert out.text.count("New York") == 2000 and out.text.count("New Zealand") == 2000
    assert len(scans) <= 2, len(scans)


def test_a_function_word_is_no_name_whatever_the_dictionary_says():
    """A filter that eats the 'a' of 'and', 'as' and 'all' (the '\\a' of a
    bell escape): the restored 'as' stays lower case mid-sentence, though the
    English spelling dictionary lists only 'As' (arsenic). The case step does
    not take one of the language's commonest words for a name."""
    mid_as = re.compile(r"[a-z,] As\b")
    pool = [t for t in articles() if len(re.findall(r"\bas\b", t)) >= 4][:8]
    damaged = [variant_damage(variant_damage(variant_damage(t, "", [], lost=("as", 0)), "", [], lost=("and", 0)),
                              "", [], lost=("all", 0)) for t in pool]
    out = mend_host(damaged)
    assert sum(len(re.findall(r"\bas\b", t)) for t in pool) >= 32
    for o, t in zip(out, pool):
        assert len(mid_as.findall(o.text)) == len(mid_as.findall(t))
    before = sum(token_errors(d, c) for d, c in zip(damaged, pool))
    after = sum(token_errors(o.text, c) for o, c in zip(out, pool))
    assert after <= 0.05 * before


def test_the_dictionary_reads_an_ending_only_where_a_rule_of_the_stem_adds_it():
    """'muss' is no 'Mus' + 's' (German has no such rule for the noun), while
    'Jahren' is 'Jahr' + 'en'; a word read both as a name and as a common
    word's form ('States', 'state' + 's') is not capitalised-only."""
    from webmend.lexicon import spelling

    assert not spelling.capitalised_only("muss", "de") and not spelling.capitalised_only("sollte", "de")
    assert spelling.capitalised_only("jahren", "de") and spelling.capitalised_only("inhalte", "de")
    assert not spelling.capitalised_only("states", "en") and spelling.capitalised_only("york", "en")
    assert not spelling.capitalised_only("avait", "fr")


def test_a_name_the_dictionary_lacks_gets_its_capital_before_the_rest_of_the_name():
    """The filter lowercased 'Andrey' (it starts with 'and'): no dictionary
    lists it, the next word is capitalised mid-sentence, so it is a name's
    first word ('and Andrey Rublev'), while 'and' before 'Rublev' stays."""
    page = next(t for t in articles() if "Andrey Rublev" in t)
    damaged = variant_damage(page, "\\", ["and", "or", "union", "where", "order"])
    assert "\\andrey Rublev" in damaged
    out = mend_page(damaged)
    assert out.text.count("Andrey Rublev") == page.count("Andrey Rublev")
    assert token_errors(out.text, page) <= 0.02 * token_errors(damaged, page)


def form_readings(clean: list[str], damaged: list[str], out: list[Document], form: str, word: str) -> dict[str, int]:
    """Where the damage left `form`, word by word (a lost letter keeps the
    words in step): `lost`, places that were `word`; `real`, places that were
    `form` already; `right`, `word` read back; `wrong`, a real `form` read as `word`."""
    tally = dict.fromkeys(("lost", "real", "right", "wrong"), 0)
    for o, t, d in zip(out, clean, damaged):
        words = [re.findall(r"\w+", x.lower()) for x in (t, d, o.text)]
        assert len(set(map(len, words))) == 1
        for was, bad, mended in zip(*words):
            if bad == form:
                tally["lost"] += was == word
                tally["real"] += was == form
                tally["right"] += was == mended == word
                tally["wrong"] += was == form and mended == word
    return tally


def test_a_lost_letter_that_leaves_a_word_of_its_own_is_read_by_its_neighbours():
    """A site eats the w of 'with', 'which' and 'was': 'ith' and 'hich' are
    repaired, and prove the mechanism; 'was' becomes 'as', a word of its
    own, so the counts cannot tell which 'as' were 'was'. Each page says so
    in its flags, and an 'as' is read as 'was' only where its neighbours
    (English word pairs) say so ('it as a' is 'it was a'; 'such as our'
    stays): most 'was' come back, nearly no real 'as' is touched."""
    pool = [t for t in articles() if len(re.findall(r"\bwas\b", t)) >= 3][:10]
    damaged = [variant_damage(variant_damage(variant_damage(t, "", [], lost=("with", 0)), "", [], lost=("which", 0)),
                              "", [], lost=("was", 0)) for t in pool]
    out = mend_host(damaged)
    for o, t in zip(out, pool):
        assert len(re.findall(r"\bwith\b", o.text, re.I)) == len(re.findall(r"\bwith\b", t, re.I))
    flagged = [o for o in out if any("'as' may stand for 'was'" in f for f in o.flags)]
    assert len(flagged) >= 8
    n = form_readings(pool, damaged, out, "as", "was")
    assert n["right"] >= 0.5 * n["lost"] and n["wrong"] <= 0.1 * n["right"], n


def test_a_real_he_stays_where_the_site_ate_the_t_of_the():
    """A site eats the t of 'the': 'he' abounds, 'the' is gone. The pages
    also say 'he' (the pronoun); each 'he' is read by its neighbours ('in he
    city' -> 'the city', 'he said' stays): nearly every 'the' comes back,
    nearly every real 'he' stays (reading them all as 'the', as a rule
    decided by counts alone would, changed 52 of these 75)."""
    pool = [t for t in articles() if len(re.findall(r"\bhe\b", t)) >= 3][:10]
    damaged = [variant_damage(t, "", [], lost=("the", 0)) for t in pool]
    n = form_readings(pool, damaged, mend_host(damaged), "he", "the")
    assert n["real"] >= 30 and n["lost"] >= 100
    assert n["right"] >= 0.9 * n["lost"] and n["wrong"] <= 0.1 * n["real"], n


def test_a_form_that_is_no_word_abounding_on_one_page_is_damage_by_itself():
    """A page alone whose 'really' and 'right' lost their r: 'really' is too
    rare for its absence to prove much (expected 1 to 3 times), but 'eally',
    no word, standing 4 to 9 times where 'really' stands not once is damage
    by itself; it proves the lost r, which brings 'right' back from 'ight'
    (a fragment of several words, never taken alone) where it stands twice or more."""
    pool = [t for t in articles() if len(re.findall(r"\breally\b", t, re.I)) >= 4]
    assert len(pool) >= 3
    for page in pool:
        damaged = variant_damage(variant_damage(page, "", [], lost=("really", 0)), "", [], lost=("right", 0))
        out = mend_page(damaged)
        assert not re.search(r"\beally\b", out.text, re.I)
        rights = len(re.findall(r"\bright\b", page, re.I))
        if rights >= 2:  # a form standing once is never taken (one 'ight' may be a typo)
            assert len(re.findall(r"\bright\b", out.text, re.I)) == rights
        assert token_errors(out.text, page) <= 0.2 * token_errors(damaged, page)


def test_a_common_form_of_a_word_the_host_never_writes_is_read_where_its_mechanism_is_proven():
    """A site eats the h of 'have', 'has' and 'he': 'ave' and 'e' are read as
    'have' and 'he' (rules that edit: the h lost at the start). 'has' is
    missing on every page and 'as' stands above its count on the host's
    pages, the h lost at the same place: 'as' is suspected of being 'has'
    (flagged) and read so where its neighbours say so ('it as been')."""
    pool = [t for t in articles() if len(re.findall(r"\bhas\b", t)) >= 3][:10]
    damaged = [variant_damage(variant_damage(variant_damage(t, "", [], lost=("have", 0)), "", [], lost=("has", 0)),
                              "", [], lost=("he", 0)) for t in pool]
    out = mend_host(damaged)
    assert sum(any("'as' may stand for 'has'" in f for f in o.flags) for o in out) >= 8
    n = form_readings(pool, damaged, out, "as", "has")
    assert n["right"] >= 0.5 * n["lost"] and n["wrong"] <= 0.1 * n["right"], n


def magic_quotes(text: str) -> str:
    """PHP's magic quotes: a backslash before every quote and backslash."""
    return re.sub(r"([\\'\"])", r"\\\1", text)


def test_a_one_letter_form_at_a_sentence_end_or_before_a_contraction_is_read_as_its_word():
    """A site eats the i of 'it', 'is' and 'in': 'about it.' becomes 'about
    t.', "it's" becomes "t's". A one-letter form before a full stop that
    ends a sentence stands alone as much as before a comma (before, only an
    abbreviation's dot was thought of: 'i.e.' holds no 't'), and one before
    a contraction's apostrophe is read as a longer form is (where the
    language writes the word so: "it's"; "o'clock" is no "of'clock"); both
    come back (none did before)."""
    pool = [t for t in articles() if len(re.findall(r" it\.(?:\s|$)", t)) >= 1][:10]
    damaged = [variant_damage(variant_damage(variant_damage(t, "", [], lost=("it", 0)), "", [], lost=("is", 0)),
                              "", [], lost=("in", 0)) for t in pool]
    out = mend_host(damaged)
    for pattern in (r" it\.(?:\s|$)", r"\b[Ii]t['’]s\b"):
        was = sum(len(re.findall(pattern, t)) for t in pool)
        back = sum(len(re.findall(pattern, o.text)) for o in out)
        assert was >= 10 and back >= 0.8 * was, (pattern, back, was)
    for mark in ("i.e.", "o'clock", "o’clock"):
        assert sum(o.text.count(mark) for o in out) == sum(t.count(mark) for t in pool)


def test_a_filter_key_is_not_refuted_by_another_damage_making_its_word():
    """A site whose filter writes ';' for the space before 'and', 'or' and
    'select', and which also eats the f of 'from' and 'for': every 'for'
    becomes 'or' after a plain space, so 'or' seems to follow spaces as often
    as the filter glued it, and its key looked inconsistent ('workers;or
    peasants' stayed). The lost-letter rule ('or' for 'for', its f proven
    lost by 'rom') explains those 'or': they are no counterexamples."""
    pool = [t for t in articles() if len(re.findall(r" for ", t)) >= 4 and len(re.findall(r" or ", t)) >= 2][:10]
    damaged = [variant_damage(variant_damage(variant_damage(t, ";", ["and", "or", "select"]), "", [], lost=("for", 0)),
                              "", [], lost=("from", 0)) for t in pool]
    assert sum(d.count(";or") for d in damaged) >= 20
    out = mend_host(damaged)
    assert sum(len(re.findall(r";or\b", o.text)) for o in out) == 0
    assert any("';' in place of a space" in r["rule"] and "or*" in r["keys"] for o in out for r in o.rules)
    # a page alone is judged so too, by its own lost-letter rules (before, 32 of their 66 ';or' stayed)
    long = [t for t in articles() if len(t.split()) > 1500 and len(re.findall(r" for ", t)) >= 8
            and len(re.findall(r" or ", t)) >= 4][:6]
    alone = [mend_page(variant_damage(variant_damage(variant_damage(t, ";", ["and", "or", "select"]), "", [],
                                                     lost=("for", 0)), "", [], lost=("from", 0))) for t in long]
    read = [o for o in alone if any("'or' -> 'for'" in r["rule"] for r in o.rules)]
    assert len(read) >= 3 and not any(re.search(r";or\b", o.text) for o in read)


def test_a_backslash_and_quote_standing_for_a_space_is_one_symbol():
    """A site whose filter writes \\' in place of the space before 'and',
    'or' and 'where' ('workers\\'and peasants'), half its pages also
    magic-quoted ('It\\'s', '\\"word\\"'). The two characters are one
    symbol: the filter's rule is learned as for any other; the magic quotes
    are undone everywhere else ("it's" is a word with its apostrophe: no
    site), and never where the rule reads the symbol as a space (before,
    'workers'and' on the magic-quoted pages, 'workers\\'and' on the others)."""
    from webmend.pipeline import mend_all

    pool = [t for t in articles() if "\\" not in t and len(re.findall(r"\b(?:and|or)\b", t)) >= 5][:10]
    damaged = [variant_damage(magic_quotes(t) if i % 2 else t, "\\'", ["and", "or", "where"])
               for i, t in enumerate(pool)]
    assert sum('\\"' in d for d in damaged) >= 3  # magic-quoted pages
    # the whole job: magic quotes are undone by an encoding step, before the learned ones
    out = list(mend_all([Document(id=f"p{i}", url=f"https://site.example/{i}", source=d) for i, d in enumerate(damaged)]))
    assert len(out) == len(pool) == 10
    for o, t in zip(out, pool):
        assert "\\" not in o.text
        assert not re.search(r"\w'(?:and|or|where)\b", o.text, re.I)
        assert o.text.count("'") == t.count("'") - len(re.findall(r"\w'(?:and|or|where)\b", t, re.I))
    assert sum(token_errors(o.text, t) for o, t in zip(out, pool)) <= 0.05 * sum(
        token_errors(d, t) for d, t in zip(damaged, pool))


def test_a_handle_glued_to_the_filters_symbol_is_no_key():
    """A site whose filter writes '@' in place of the space before 'union',
    'order', 'group' and 'by', with pages that name accounts ('(@NGRSenate)'
    twice, '@MattBevin', '(@PFF_Browns)'): the handles' starts glue to '@' in
    several places, but a filter's keys are words, and 'ng', 'ma' or 'pf'
    start none that is glued here. The filter's damage is undone, every
    handle stays (before, '(@NGRSenate)' became '( NGRSenate)')."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    handles = [v["articleBody"].strip() for k, v in sorted(truth.items())
               if len(re.findall(r"(?<![\w@])@[A-Za-z]\w+", v["articleBody"])) >= 2
               and len(v["articleBody"].split()) < 1000]
    assert len(handles) >= 3
    pool = handles + [t for t in articles() if "@" not in t][:8]
    damaged = [variant_damage(t, "@", ["union", "order", "group", "by"]) for t in pool]
    out = mend_host(damaged)
    for o, t in zip(out, pool):
        assert re.findall(r"@\w+", o.text) == re.findall(r"@\w+", t)
        assert not re.search(r"@(?:union|order|group|by)", o.text, re.I)
    assert sum("@" in d and "@" not in t for d, t in zip(damaged, pool)) >= 5


def test_a_missing_word_is_read_in_its_form_on_a_site_that_writes_the_form_less_than_most():
    """A site eats the w of 'with', 'which' and 'was', on pages that write
    'as' and 'was' less than English does on average: 'as' then stands
    less than half of the missing 'was' above its expected count, too little
    a surplus to show. 'was' missing altogether where the same lost w is
    proven ('ith') is evidence enough: 'as' is read as 'was' where its
    neighbours say so (none was before)."""
    def count(w: str, t: str) -> int:
        return len(re.findall(r"\b%s\b" % w, t, re.I))

    en = lexicon("en")
    pool = [t for t in articles() if count("was", t) >= 2
            and count("was", t) + count("as", t) < len(t.split()) * (en.freq("as") + 0.5 * en.freq("was"))][:8]
    damaged = [variant_damage(variant_damage(variant_damage(t, "", [], lost=("with", 0)), "", [], lost=("which", 0)),
                              "", [], lost=("was", 0)) for t in pool]
    n = form_readings(pool, damaged, mend_host(damaged), "as", "was")
    assert n["lost"] >= 20 and n["right"] >= 0.5 * n["lost"] and n["wrong"] <= 0.1 * n["right"], n


def test_a_letter_of_a_contraction_is_read_as_the_word_where_the_mechanism_is_proven():
    """A small site (six short pages, 1,700 words) eats the a of 'and', 'as'
    and 'all': 'nd' is read as 'and' (no word: a rule that edits, proving
    the a lost at the start). 's' and 'll' are words to the lexicon (the ends
    of "it's" and "I'll", counted apart), and 'as' and 'all' are missing by
    less than the 10 nats asked of a word whose form is a common word: where
    the mechanism is proven, being missing at all is enough, and each 's'
    and 'll' is read by its neighbours (before, 'll' stayed)."""
    pool = [t for t in articles() if re.search(r"\bas\b", t, re.I) and len(t.split()) < 400][:6]
    damaged = [variant_damage(variant_damage(variant_damage(t, "", [], lost=("and", 0)), "", [], lost=("as", 0)),
                              "", [], lost=("all", 0)) for t in pool]
    out = mend_host(damaged)
    s, ll = form_readings(pool, damaged, out, "s", "as"), form_readings(pool, damaged, out, "ll", "all")
    assert s["lost"] + ll["lost"] >= 15 and ll["lost"] >= 2, (s, ll)
    assert s["right"] + ll["right"] >= 0.85 * (s["lost"] + ll["lost"]) and ll["right"] == ll["lost"], (s, ll)
    assert s["wrong"] + ll["wrong"] == 0, (s, ll)


def test_a_common_form_is_taken_on_less_evidence_where_another_rule_proves_its_letter():
    """A small site (some 2,700 words) eats the b of 'but' and 'by', one 'by'
    escaping it: 'by' is not missing beyond doubt (one left where 12 are
    expected), and 'y' is a word of the language (a letter), but 'ut' for
    'but' proves the b lost at the start: 'y' is read as 'by'."""
    cands = [t for t in articles() if len(re.findall(r"\bby\b", t)) >= 2 and len(re.findall(r"\bbut\b", t)) >= 2
             and len(t.split()) < 600]
    pool = []
    for t in cands:
        if sum(len(p.split()) for p in pool) > 2400:
            break
        pool.append(t)
    damaged = [variant_damage(variant_damage(t, "", [], lost=("but", 0)), "", [], lost=("by", 0)) for t in pool]
    damaged[0] = re.sub(r"(?<= )y(?= )", "by", damaged[0], count=1)  # the one the filter did not reach
    n = form_readings(pool, damaged, mend_host(damaged), "y", "by")
    assert n["lost"] >= 10 and n["right"] >= 0.75 * n["lost"] and n["wrong"] == 0, n


def _pages_of(word: str, skip: int, words: int) -> list[str]:
    """Benchmark pages that use `word` twice or more, after the first `skip` words of such pages, some `words` in all."""
    pool, n = [], 0
    for t in articles():
        if len(re.findall(rf"\b{word}\b", t)) < 2 or len(t.split()) >= 700:
            continue
        n += len(t.split())
        if n <= skip:
            continue
        if n - skip > words:
            break
        pool.append(t)
    return pool


@pytest.mark.parametrize("word,form", [("for", "or"), ("this", "his"), ("was", "as")])
def test_a_word_gone_altogether_is_read_by_its_neighbours_where_nothing_proves_its_letter(word, form):
    """A site (some 3,500-3,900 words) eats the first letter of one word
    only, a word so frequent that no site avoids it: not one left where 20
    or more are expected (`LostRule.gone`). Its form is a word of its own,
    part of it real, and no other rule proves the letter lost; the form is
    read as the word where its neighbours lean to it, on pages where they
    lean so clearly ('waiting or a ride' -> 'for'). Before, the rule was
    only flagged (or not even made, where the form's surplus was short of
    a rule's), and nothing was read."""
    pool = _pages_of(word, 2400, 3600)
    damaged = [variant_damage(t, "", [], lost=(word, 0)) for t in pool]
    n = form_readings(pool, damaged, mend_host(damaged), form, word)
    assert n["lost"] >= 25, n
    assert n["right"] >= 0.45 * n["lost"] and n["wrong"] <= 0.15 * n["right"], n


def test_a_sites_voice_is_no_lost_letter(tmp_path):
    """A site that writes 'our' page after page and never 'your' (a charity's
    reports, its pages only mechanically damaged, in our variant corpus):
    'our' abounds where 'your' is missing, but no rule that edits loses the
    y anywhere on the host, so the surplus is the site's voice: flagged,
    never read as 'your' (it was, 18 times, before)."""
    import damage_variants

    damage_variants.write_corpus(json.loads(TRUTH.read_text(encoding="utf-8")), tmp_path, seed=101)
    hosts: dict[str, list[str]] = {}
    for line in (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        hosts.setdefault(page["url"].split("/")[2], []).append(page["text"])
    voiced = [texts for texts in hosts.values()
              if sum(len(re.findall(r"\bour\b", t)) for t in texts) >= 20
              and not any(re.search(r"\byour\b", t, re.I) for t in texts)]
    assert voiced
    flagged = 0
    for texts in voiced:
        for doc in mend_host(texts, host="voice.example"):
            assert not [e for e in doc.edits if e.kind == "lost_letter"], doc.edits
            flagged += any("'our' may stand for 'your'" in f for f in doc.flags)
    assert flagged >= 2


def test_after_a_colon_the_pages_own_habit_decides_the_capital():
    """A filter glued and lower-cased every 'the' (and 'The'): after a colon,
    a page that writes its other common words capitalised there ('right: It
    was') gets 'The' back."""
    after = re.compile(r"[^\s:\d]: (The|the)\b")
    en = lexicon("en")

    def capitals_after_colons(text):  # common words other than 'the', capitalised after ': '
        words = re.findall(r"[^\s:\d]: ([A-Z][a-z]+)\b", text)
        return sum(w != "The" and en.zipf(w.lower()) >= 5.5 for w in words)

    pool = [t for t in articles() if after.search(t) and capitals_after_colons(t) >= 2
            and not re.search(r"[^\s:\d]: (?!the\b)[a-z]+", t)]
    assert len(pool) >= 2
    right = wrong = 0
    for page in pool:
        damaged = variant_damage(page, "#", ["the"])
        out = mend_page(damaged)
        for got, want in zip([m.group(1) for m in after.finditer(out.text)], [m.group(1) for m in after.finditer(page)]):
            right += got == want == "The"
            wrong += got != want
    assert right >= 3 and wrong <= 1  # the habit is a majority: one page writes 'It', 'You' and 'the' after colons


def test_a_page_alone_is_mended_the_same_the_second_time():
    """A page alone ('rom' for 'from' a few times) whose footer lists a
    related title with 'from' in it: counted with its chrome, the first pass
    saw 'from' standing and no rule; the second pass counts the page again
    once the chrome is gone, so mending the mended page changes nothing."""
    gen = load_gen()
    host = {"keywords": ["and", "or", "union", "where", "order"], "eat_f": True}
    pool = [t for t in articles() if 4 <= len(re.findall(r"\bfrom\b", t)) <= 6][:6]
    related = "Officials from the city say the new bridge will open next spring"
    footer = "\n\nShare this:\n\nFacebook\n\nTwitter\n\n" + related + "\n\nPrivacy Policy\n\nContact us"
    checked = restored = 0
    for page in pool:
        once = mend(text=gen.escape_keywords(page, random.Random(0), host) + footer)
        if related in once.text:
            continue  # the footer was not taken for chrome: nothing to show
        checked += 1
        restored += not re.search(r"\brom\b", once.text)
        twice = mend(text=once.text)
        assert not twice.edits, [(e.kind, e.before, e.after) for e in twice.edits][:5]
    assert checked >= 3 and restored >= 2


def test_the_commonest_words_are_not_capitalised_for_a_titles_sake():
    """A filter glued and lower-cased every 'the': a page whose titles write
    'The' mid-sentence ('‘The Medium is the Message’') keeps its restored
    'the' in lower case elsewhere: one of the language's commonest words
    capitalised mid-sentence is a title's, not the page's habit."""
    page = next(t for t in articles() if "Medium is the Message" in t)
    damaged = variant_damage(page, "#", ["the"])
    out = mend_page(damaged)
    mid = re.compile(r"[a-z,] (The|the) [a-z]")
    assert [m.group(1) for m in mid.finditer(out.text)] == [m.group(1) for m in mid.finditer(page)]


def test_a_word_the_filter_upper_cased_is_not_taken_for_lost():
    """A filter that writes 'and' as '\\AND': the first pass counts 'AND' as
    an acronym, so 'and' looks missing and a page about ads seems to have
    lost the n of it ('ad'). Once the filter's words stand restored, 'and'
    is plainly there: no 'ad' becomes 'and'."""
    page = next(t for t in articles() if "native ad platform" in t)
    assert len(re.findall(r"\bad\b", page)) >= 5
    damaged = variant_damage(page, "\\", ["and", "or", "union", "where", "order"], lower=False).replace(
        "\\and", "\\AND").replace("\\And", "\\AND")
    out = mend_page(damaged)
    assert not [e for e in out.edits if e.kind == "lost_letter"]
    assert len(re.findall(r"\bad\b", out.text)) == len(re.findall(r"\bad\b", page))


def test_the_word_after_a_dateline_starts_a_sentence():
    """'VIENNA — The house', 'BERLIN -- The European Space Agency': a filter
    that glued and lower-cased every 'the' leaves 'the' after the dateline;
    a place in capitals (a region, an agency) and a dash at a line's start
    end no sentence, yet what follows starts one."""
    dateline = re.compile(r"(?m)^[A-Z]{3}[A-Z .]*(?:, [A-Za-z.]+)?(?: \([A-Z]+\))? [—–-]+ (The|the)\b")
    pool = [t for t in articles() if dateline.search(t)]
    assert len(pool) >= 2
    for page in pool:
        out = mend_page(variant_damage(page, "#", ["the"]))
        assert [m.group(1) for m in dateline.finditer(out.text)] == [m.group(1) for m in dateline.finditer(page)]


def _count(word: str, text: str) -> int:
    return len(re.findall(r"\b%s\b" % word, text, re.I))


def _eaten(text: str, *words: str) -> str:
    for w in words:
        text = variant_damage(text, "", [], lost=(w, 0))
    return text


def test_two_words_missing_together_prove_their_lost_letter():
    """A site of twelve pages eats the t of 'this' and 'then'. 'this' is
    missing altogether (47 expected), but its form 'his' is a word of its
    own; 'then', rarer, stands on 3 pages, its form 'hen' too few to prove
    anything alone. Together they show the t lost at the start: 'hen' is
    read as 'then', and 'his' by its neighbours (before, nothing was
    edited). A site that lost only 'this' proves no letter lost, but 'this'
    is gone (47 expected, `LostRule.gone`): 'his' is still read by its
    neighbours, only where they lean to 'this' clearly enough (the fifteenth
    session; before, it was flagged and never edited, 'a site may never say
    a word': `test_a_site_that_never_writes_a_frequent_word_is_not_edited`
    shows such sites keep their text)."""
    pool = ([t for t in articles() if _count("this", t) >= 2 and _count("then", t) == 1][:3]
            + [t for t in articles() if _count("this", t) >= 2 and _count("then", t) == 0][:9])
    damaged = [_eaten(t, "this", "then") for t in pool]
    out = mend_host(damaged)
    before = sum(token_errors(d, c) for d, c in zip(damaged, pool))
    after = sum(token_errors(o.text, c) for o, c in zip(out, pool))
    assert before >= 40 and after <= 0.5 * before, (before, after)
    assert form_readings(pool, damaged, out, "hen", "then")["right"] == 3
    alone = [_eaten(t, "this") for t in pool]
    out = mend_host(alone)
    n = form_readings(pool, alone, out, "his", "this")
    assert n["right"] >= 0.25 * n["lost"] and n["wrong"] <= 0.1 * n["right"], n
    assert all(any("'his' may stand for 'this'" in f and "where its neighbours say so" in f for f in o.flags)
               for o in out)


def test_a_site_that_never_writes_a_frequent_word_is_not_edited():
    """Sites (groups of up to 15 clean benchmark pages) that never write a
    frequent word ('this', 'for', 'was', 'she', 'you', ...), some of them
    expected 20 times or more there: a word no site avoids is gone only
    where a form of it abounds too, and then read by its neighbours; clean
    pages give no such form, and nothing is edited."""
    edits = []
    for word in ("this", "for", "was", "she", "you", "their", "were"):
        pages = [t for t in articles(60) if not re.search(rf"\b{word}\b", t, re.I)]
        for i in range(0, len(pages), 15):
            out = mend_host(pages[i:i + 15], host=f"no-{word}-{i}.example")
            edits += [(e.before, e.after) for o in out for e in o.edits if e.kind == "lost_letter"]
    assert not edits, edits


def test_a_word_missing_altogether_is_read_by_the_odds_where_its_letter_is_proven():
    """A site eats the f of 'for' and 'from'. 'rom' proves the f lost; 'for'
    is never written, so a fifth of 'or' is the site's own and the rest is
    'for': each 'or' is read by the odds its prior and neighbours give
    (before, only where the neighbours leaned to 'for' on their own, and a
    quarter of the 'for' stayed 'or')."""
    pool = [t for t in articles() if _count("or", t) >= 2 and _count("for", t) >= 2][:12]
    damaged = [_eaten(t, "for", "from") for t in pool]
    out = mend_host(damaged)
    n = form_readings(pool, damaged, out, "or", "for")
    assert n["lost"] >= 100 and n["right"] >= 0.85 * n["lost"], n
    before = sum(token_errors(d, c) for d, c in zip(damaged, pool))
    after = sum(token_errors(o.text, c) for o, c in zip(out, pool))
    assert after <= 0.22 * before, (before, after)


def test_a_word_of_its_own_in_overwhelming_surplus_is_read_where_its_letter_is_proven():
    """A news site eats the s of 'said', 'some' and 'such'. 'ome' and 'uch'
    prove the s lost at the start; 'aid' stands dozens of times where
    English would write it once or twice: nearly all of it is 'said', and
    each is read so unless its neighbours speak against it ('Dempsey aid.'
    says nothing either way: before, such an 'aid' stayed)."""
    pool = [t for t in articles() if _count("said", t) >= 3 and _count("aid", t) == 0][:10]
    damaged = [_eaten(t, "said", "some", "such") for t in pool]
    out = mend_host(damaged)
    n = form_readings(pool, damaged, out, "aid", "said")
    assert n["lost"] >= 40 and n["right"] >= 0.95 * n["lost"], n
    assert not re.search(r"\b(ome|uch)\b", " ".join(o.text for o in out))


def test_a_contraction_after_a_form_says_which_word_it_was():
    """A site eats the t of 'there', 'they' and 'their': 'here’ll' is
    'there’ll' (wordfreq knows "there'll", not "here'll"), and 'here’s'
    leans to "there's" by the two words' rates of it; the bigram list has no
    pair for a contraction, so before, such places stayed 'here'."""
    pool = [t for t in articles() if re.search(r"\b[Tt]here[’'](?:s|ll)\b", t)]
    assert len(pool) >= 3
    pool = (pool + [t for t in articles() if _count("there", t) >= 2 and t not in pool])[:12]
    damaged = [_eaten(t, "there", "they", "their") for t in pool]
    out = mend_host(damaged)
    contracted = re.compile(r"\bthere[’'](?:s|ll)\b", re.I)
    assert sum(len(contracted.findall(o.text)) for o in out) >= 0.8 * sum(len(contracted.findall(t)) for t in pool)


def test_a_filter_symbol_written_as_an_entity_is_learned():
    """A site whose filter writes '&#92;' in place of the space before 'and',
    'or' and 'not'. The entities step makes it a backslash in the second
    pass; the first pass now counts the sites in the text as that step will
    leave it, so the backslash's rule is learned (before, the first pass saw
    ';' glued after '92' and the host had no rule: every 'workers\\and' stayed)."""
    from webmend.pipeline import mend_all

    pool = [t for t in articles() if "&" not in t and len(re.findall(r"\b(?:and|or|not)\b", t)) >= 5][:8]
    damaged = [variant_damage(t, "&#92;", ["and", "or", "not"]) for t in pool]
    out = list(mend_all([Document(id=f"p{i}", url=f"https://site.example/{i}", source=d) for i, d in enumerate(damaged)]))
    assert len(out) == len(pool) == 8
    assert not any("\\" in o.text or "&#92;" in o.text for o in out)
    assert sum(token_errors(o.text, t) for o, t in zip(out, pool)) <= 0.05 * sum(
        token_errors(d, t) for d, t in zip(damaged, pool))


def test_a_one_letter_word_the_filter_takes_is_learned_in_an_alphabet_only():
    """A filter that takes 'the' and 'a' (as a prefix: 'an', 'also' too)
    glues the article 'a' alone ('in\\\\a'): a one-letter word is covered by
    itself whole (before, only keys of two letters or more existed, and every
    'in\\\\a' stayed). In Korean, whose letters are syllables, a particle
    glued to a closing bracket ('<숨바꼭질>의') is no filter's word: the
    pages come back unchanged."""
    pool = [t for t in articles(min_words=400) if len(re.findall(r" a\b", t)) >= 5][:6]
    damaged = [variant_damage(t, "\\", ["the", "a"]) for t in pool]
    assert sum(len(re.findall(r"\\a\b", d)) for d in damaged) >= 30
    out = mend_host(damaged)
    assert not any(re.search(r"\\a\b", o.text) for o in out)
    korean = [t for t in articles(min_words=0) if re.search(r">[의은는을를]", t)]
    assert korean
    for o in mend_host(korean):
        assert not o.edits, o.rules


def test_a_backtick_written_for_an_apostrophe_or_a_quote_is_no_filter():
    """Sixty pages of one host that write a backtick for the apostrophe
    ('don`t', 'Sweden`s') and LaTeX-style quotes (``Yes''): a backtick is a
    symbol a filter may use, yet here it makes words written with an
    apostrophe, or opens a quotation after a space. The pages come back
    unchanged (read as a filter's symbol, 're', 'll' and 've' made a rule
    of 400 edits)."""
    pool = [t for t in articles() if len(re.findall(r"\w[’']\w", t)) >= 2][:60]
    assert len(pool) == 60
    typed = [re.sub(r"(?<=\w)[’'](?=\w)", "`", t).replace("“", "``").replace("”", "''") for t in pool]
    assert sum(t.count("`") for t in typed) >= 1000
    for o in mend_host(typed):
        assert not [e for e in o.edits if e.kind == "escape"], o.rules


def test_a_letter_lost_inside_a_word_keeps_its_capital_and_is_read_so():
    """A site loses the h of 'the', keeping the case ('The' -> 'Te', 'the'
    -> 'te'). A first letter lost leaves a word in lower case, so a
    capitalised common form was taken for the real word; a letter lost
    inside leaves the capital as it was: 'Te' is read as 'The' too
    (before, every sentence-initial 'The' stayed 'Te')."""
    pool = [t for t in articles() if len(re.findall(r"\bThe\b", t)) >= 3][:8]
    damaged = [re.sub(r"\b([Tt])he\b", r"\1e", t) for t in pool]
    out = mend_host(damaged)
    capitals = sum(len(re.findall(r"\bThe\b", t)) for t in pool)
    assert capitals >= 30
    assert sum(len(re.findall(r"\bThe\b", o.text)) for o in out) >= 0.9 * capitals
    assert not any(re.search(r"\bte\b", o.text) for o in out)


def test_two_filters_of_one_site_each_have_their_own_case():
    """A site runs two filters: gen.py's, a backslash lower-casing 'and',
    'or', 'union', 'where', and a '#' that writes 'the' and 'of' in title
    case ('workers\\\\and peasants', 'rise#Of#The Soviet\\\\union'). Each
    filter's case is judged apart: the '#' words lose the capital the
    filter gave them (before, judged together, neither filter showed a case
    of its own and every 'The' stayed capitalised mid-sentence)."""
    def title_filter(text: str) -> str:
        return re.sub(r" (the|of)\b", lambda m: "#" + m.group(1).capitalize(), text, flags=re.I)

    pool = [t for t in articles() if len(re.findall(r" the\b", t)) >= 10][:8]
    damaged = [title_filter(variant_damage(t, "\\", ["and", "or", "union", "where"])) for t in pool]
    out = mend_host(damaged)
    mid = re.compile(r"[a-z,] (The|the|Of|of) ")
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.05 * before, (before, after)
    pairs = [(a.group(1), b.group(1)) for o, t in zip(out, pool) for a, b in zip(mid.finditer(o.text), mid.finditer(t))]
    assert len(pairs) >= 100 and sum(a != b for a, b in pairs) <= 0.05 * len(pairs)


def test_the_hosts_reading_of_a_form_outweighs_a_pages_own():
    """A site eats the c of 'can', 'could' and 'company'; the host reads
    'ould' as 'could'. One long page never writes 'would', expected there
    four times: alone, it read its 'ould' as 'would'. The host's evidence,
    pooled over its pages, outweighs the page's: every 'ould' comes back
    as 'could'."""
    long_page = [t for t in articles() if _count("could", t) >= 3 and _count("would", t) == 0
                 and len(t.split()) >= 1200]
    assert long_page
    pool = long_page[:1] + [t for t in articles() if _count("could", t) >= 1 and _count("would", t) >= 1][:10]
    damaged = [_eaten(t, "can", "could", "company") for t in pool]
    n = form_readings(pool, damaged, mend_host(damaged), "ould", "could")
    assert n["lost"] >= 25 and n["right"] == n["lost"], n


_LEGIT_SYMBOLS = [
    "In a Q&A with reporters, AT&T said R&B and M&A deals were fine.",
    "Use std::string and std::vector, or boost::asio in C++ code.",
    "Run `npm install` and then `npm start` to begin.",
    "The #MeToo and #BlackLivesMatter tags, per @jack and @elonmusk.",
    "Languages like C# and F# and a::b::c namespaces.",
    "Perl's Foo::Bar::Baz and Ruby's ActiveRecord::Base modules.",
    "Rust's Option::or and Result::and_then, or Iterator::map and Vec::new.",
    "See the file at src/a/b and the A/B test, 24/7 support, and/or both.",
    "He said ``yes'' and `no' in the old typewriter style.",
    "Rock'n'roll, ma'am, o'clock, y'all and d'Artagnan.",
    "Prices: $5/a month, 3x/a week, a/b testing.",
]


def test_symbols_that_belong_to_the_text_are_kept_on_pages_alone_and_pooled():
    """Benchmark articles with the marks authors glue to words themselves
    (Q&A, C++'s std::vector, Perl's Foo::Bar::Baz, markdown's backticks,
    hashtags, handles, 24/7, and/or, LaTeX quotes, elisions): no edit, on
    a page alone or on a host of forty such pages. ('::' was taken for a
    filter's symbol for a while: a page alone made a rule of 'Foo::Bar',
    'Foo::Baz', 'ActiveRecord::Base'. Since the thirteenth session it is one
    only where its words are missing after spaces: Rust's 'Option::or' and
    'Result::and_then' stay.)"""
    rng = random.Random(3)
    pages = []
    for t in articles()[:40]:
        paras = t.split("\n\n")
        for s in rng.sample(_LEGIT_SYMBOLS, 4):
            paras.insert(rng.randrange(len(paras) + 1), s)
        pages.append("\n\n".join(paras))
    assert not [e for o in mend_host(pages) for e in o.edits]
    for p in pages[:10]:
        assert not mend_page(p + "\n\n" + "\n\n".join(_LEGIT_SYMBOLS)).edits


def test_a_symbol_in_place_of_the_space_after_a_filters_words_is_learned():
    """A filter that puts its symbol in place of the space *after* its words
    ('bread and~butter', 'And~then'), lowercasing them. The glued words after
    the symbol are any words at all, so no key covers them; the words before
    it are few, and never stand before a plain space: they are the keys of
    an `after` rule (before, no rule, and every site stayed). On a host of
    eight pages and on a long page alone."""
    def after_filter(text: str) -> str:
        return re.sub(r"\b(and|but|with) (?=\w)", lambda m: m.group(1).lower() + "~", text, flags=re.I)

    pool = [t for t in articles() if "~" not in t and len(re.findall(r"\b(?:and|but|with) \w", t)) >= 8][:8]
    damaged = [after_filter(t) for t in pool]
    out = mend_host(damaged)
    before, after = errors_before_after(pool, damaged, out)
    assert before >= 150 and after <= 0.05 * before, (before, after)
    assert any("after a word" in r["rule"] for r in out[0].rules)
    edit = next(e for e in out[0].edits if e.kind == "escape")
    assert "~" in edit.before and edit.after == edit.before.replace("~", " ")
    long_page = max(pool, key=len)
    alone = mend_page(after_filter(long_page))
    assert token_errors(alone.text, long_page) <= 0.1 * token_errors(after_filter(long_page), long_page)
    # the spaces before and after taken alike ('bread~and~butter'): both rules, one after the other's word
    both = [re.sub(r" (and|but|with) (?=\w)", lambda m: "~" + m.group(1).lower() + "~", t, flags=re.I) for t in pool]
    out = mend_host(both)
    assert sum(token_errors(o.text, t) for o, t in zip(out, pool)) <= 0.05 * sum(
        token_errors(d, t) for d, t in zip(both, pool))


def test_a_site_that_keeps_the_capital_of_a_first_letter_lost_has_its_capitalised_forms_read():
    """A site that takes the t of 'this' and 'these' but keeps the capital
    ('This' -> 'His', 'These' -> 'Hese'). Its rare form stands capitalised
    ('Hese'), which a filter that lowercases never writes: a capitalised
    'His' may be 'This' too, and is read by its neighbours ('His is' ->
    'This is'; before, every capitalised form was taken for the real word).
    On a site that lowercases ('this' -> 'his' whatever the case), every
    real 'His' stays."""
    def cased(text: str) -> str:
        return re.sub(r"\b([Tt])(his|hese)\b", lambda m: m.group(2)[0].upper() + m.group(2)[1:] if m.group(1) == "T"
                      else m.group(2), text)

    pool = [t for t in articles() if len(re.findall(r"\bThis\b", t)) >= 2 and _count("these", t) >= 1][:10]
    damaged = [cased(t) for t in pool]
    assert sum(len(re.findall(r"\bHese\b", d)) for d in damaged) >= 2
    out = mend_host(damaged)
    capitals = sum(len(re.findall(r"\bThis\b", t)) for t in pool)
    restored = sum(min(len(re.findall(r"\bThis\b", o.text)), len(re.findall(r"\bThis\b", t))) for o, t in zip(out, pool))
    assert capitals >= 30 and restored >= 0.6 * capitals, (capitals, restored)
    assert not any(re.search(r"\b[Hh]ese\b", o.text) for o in out)
    # a lowercasing site: the real 'His' of its pages stays
    pool = [t for t in articles() if len(re.findall(r"\bHis\b", t)) >= 1 and _count("this", t) >= 2][:10]
    damaged = [_eaten(t, "this", "these") for t in pool]
    out = mend_host(damaged)
    real = sum(len(re.findall(r"\bHis\b", t)) for t in pool)
    assert real >= 5 and sum(len(re.findall(r"\bHis\b", o.text)) for o in out) == real


def test_a_form_in_lower_case_at_a_sentence_start_is_read_as_its_word():
    """A site eats the s of 'she', 'since' and 'so', lowercasing them ('ince'
    proves the s lost at the start). 'he' is so common that neither the
    counts nor the neighbours can tell which 'he' was 'she' ('she said' and
    'he said' alike), but a lower-case 'he' right after a sentence's end,
    on a page that writes its sentences with capitals, was lowered by the
    filter: it is read as 'she', and the case step gives it its capital
    back (before, every such 'he' stayed)."""
    pool = [t for t in articles() if len(re.findall(r"[a-z]{3}\. She\b", t)) >= 2][:6]
    pool += [t for t in articles() if _count("since", t) >= 1 and t not in pool][:6]
    damaged = [_eaten(t, "she", "since", "so") for t in pool]
    out = mend_host(damaged)
    starts = re.compile(r"[a-z]{3}\. (She|he|He)\b")
    gold = [m.group(1) for t in pool for m in starts.finditer(t)]
    got = [m.group(1) for o in out for m in starts.finditer(o.text)]
    assert gold.count("She") >= 8 and got.count("She") >= 0.9 * gold.count("She"), (gold.count("She"), got.count("She"))
    assert got.count("He") == gold.count("He")


def test_a_form_that_is_no_word_on_a_few_pages_of_a_host_that_never_writes_its_word_is_damage():
    """A site loses the o of 'people' ('peple'). Of its fourteen pages four
    say 'people', where English would have it on most of them: the form
    stood on too few pages for the host's rule (a page's topic word in
    surplus stands on one or two), and each page alone was too short to
    prove it. A form that is no word, on a host that never writes its word,
    needs a quarter of the pages: every 'peple' comes back."""
    with_word = [t for t in articles() if 2 <= _count("people", t) <= 4][:4]
    pool = with_word + [t for t in articles() if _count("people", t) == 0 and len(t.split()) > 400][:10]
    damaged = [re.sub(r"\b([Pp])eople\b", r"\1eple", t) for t in pool]
    out = mend_host(damaged)
    assert sum(d.count("peple") for d in damaged) >= 8
    assert not any("peple" in o.text for o in out)
    assert sum(_count("people", o.text) for o in out) == sum(_count("people", t) for t in pool)


@pytest.mark.parametrize("space", ["\t", "\u00a0"])
def test_a_tab_or_no_break_space_in_place_of_the_space_before_a_filters_words_is_learned(space):
    """A filter that writes a tab or a no-break space in place of the space
    before its words ('workers\\tand', 'Soviet\\u00a0union'), lowercasing
    them: the text reads as if spaced, but the words' capitals are gone
    ('. and we', 'the San Diego union-Tribune') and 'and', 'or' never follow
    a plain space. The odd space is a symbol of a rule anchored by those
    missing words (before, it was no symbol and no capital came back). The
    no-break spaces HTML leaves between words at random make no rule: the
    pooled crawl pages' test above holds them."""
    pool = [t for t in articles() if len(re.findall(r"\. (?:And|Or)\b", t)) >= 1 and _count("and", t) >= 8][:8]
    damaged = [re.sub(r" (and|or|union)(?![\w-])", lambda m: space + m.group(1).lower(), t, flags=re.I) for t in pool]
    out = mend_host(damaged)
    starts = sum(len(re.findall(r"\. (?:And|Or)\b", t)) for t in pool)
    assert starts >= 8 and sum(len(re.findall(r"\. (?:And|Or)\b", o.text)) for o in out) == starts
    assert not any(re.search(r"[^\W\d]%s(?:and|or|union)\b" % space, o.text) for o in out)  # after a figure it may stay
    edit = next(e for e in out[0].edits if e.kind == "escape")
    assert edit.before.startswith(space) and edit.after == " " + edit.before[1:]
    assert sum(token_errors(o.text, t) for o, t in zip(out, pool)) <= 2


def test_a_name_in_camel_case_gets_its_first_capital_back():
    """A filter of words' starts hits names written in camel case ('Or' of
    'OrbitBeyond', 'You' of 'YouTube') and lowercases only the part it
    matched: the capital inside shows the name ('orbitBeyond' ->
    'OrbitBeyond'); 'iPhone' and 'macOS' are written so."""
    pool = [t for t in articles() if _count("and", t) >= 5 and _count("or", t) >= 2][:8]
    names = ["OrbitBeyond", "YouTube", "AndroidPay"]
    pool = [t.replace(". ", f". Partners include {names[i % 3]} and others. ", 1) for i, t in enumerate(pool)]
    damaged = [variant_damage(t, "\\", ["and", "or", "you"]) for t in pool]
    assert sum(d.count("orbitBeyond") + d.count("youTube") + d.count("androidPay") for d in damaged) >= 8
    out = mend_host(damaged)
    assert all(n in o.text for i, o in enumerate(out) for n in [names[i % 3]])
    assert not any(re.search(r"\b(?:orbitBeyond|youTube|androidPay)\b", o.text) for o in out)


def test_a_space_deleted_before_a_filters_words_is_learned():
    """A filter whose symbol a later pass dropped: the space before 'and',
    'or' and 'union' is gone and the word lowercased ('workersand peasants',
    'the Sovietunion', 'said,and'). A token that is no word splits into two
    words, and the second is missing after the page's spaces and glued to
    its commas: a rule of the empty symbol puts the space back (before, every
    glued word stayed). Compounds and suffixes make no such rule: a German
    page's 'Krankenhausinformationssystem', an Indonesian page's
    'sekadarnya' (the pooled crawl pages' test above)."""
    pool = [t for t in articles() if _count("and", t) >= 8 and len(re.findall(r", (?:and|or)\b", t)) >= 2][:8]
    damaged = [re.sub(r" (and|or|union)", lambda m: m.group(1).lower(), t, flags=re.I) for t in pool]
    before = sum(token_errors(d, t) for d, t in zip(damaged, pool))
    out = mend_host(damaged)
    after = sum(token_errors(o.text, t) for o, t in zip(out, pool))
    assert before >= 300 and after <= 0.1 * before, (before, after)
    assert any(r["rule"] == "the space before certain words deleted" for r in out[0].rules)
    edit = next(e for e in out[0].edits if e.kind == "escape")
    assert edit.before == edit.after.replace(" ", "", 1).lower() or edit.after.startswith(" ")
    # a page alone, long enough to show it
    long_page = max(pool, key=len)
    alone = mend_page(damaged[pool.index(long_page)])
    assert token_errors(alone.text, long_page) <= 0.2 * token_errors(damaged[pool.index(long_page)], long_page)


@pytest.mark.parametrize("form", ["upper", "title"])
def test_words_a_filter_cased_wherever_they_stand_are_lowered(form):
    """A filter that only sets the case of its words ('workers AND
    peasants', 'bread And butter'; no symbol). Common words the host writes
    mid-sentence only so, and never in lower case, on two words or more, are
    lowered, and capitalised where a sentence starts (before, all stayed).
    Names made of rarer words ('United States', 'South Carolina': never in
    lower case on their pages either) and acronyms on one page ('US') stay:
    the clean-pages tests above hold them."""
    case_of = str.upper if form == "upper" else str.capitalize
    pool = [t for t in articles() if _count("and", t) >= 6 and _count("not", t) >= 2][:8]
    damaged = [re.sub(r"\b(and|not|where)\b", lambda m: case_of(m.group(1)), t, flags=re.I) for t in pool]
    before = sum(token_errors(d, t) for d, t in zip(damaged, pool))
    out = mend_host(damaged)
    after = sum(token_errors(o.text, t) for o, t in zip(out, pool))
    assert before >= 100 and after <= 0.05 * before, (before, after)
    assert any(r["rule"] == f"a filter writes certain words in {form} case" for r in out[0].rules)
    assert all(e.before.lower() == e.after.lower() for o in out for e in o.edits if e.kind == "case")


@needs_bench
@pytest.mark.parametrize("mark", ["\u00ac", "=", "~"])
def test_a_mark_that_breaks_words_is_no_space(mark):
    """A host whose print export left a break mark inside long words
    ('cir¬cumstances', 'cir=cumstances'): the mark glues word halves in many
    contexts, yet its two sides join into a word, so no escaping rule puts a
    space there. The not sign is the hyphenation step's to join."""
    rng = random.Random(7)

    def split(m: re.Match) -> str:
        w = m.group()
        if rng.random() > 0.1:
            return w
        k = rng.randint(2, len(w) - 2)
        return w[:k] + mark + w[k:]

    clean = articles()[60:75]
    damaged = [re.sub(r"(?<![\w-])[A-Za-z]{7,}(?![\w-])", split, t) for t in clean]
    assert sum(t.count(mark) - c.count(mark) for t, c in zip(damaged, clean)) >= 100
    out = mend_host(damaged)
    assert not [r for d in out for r in d.rules if r["family"] == "escaping"]
    assert [d.text for d in out] == damaged


def test_a_doubled_colon_for_the_space_is_learned_where_its_words_are_missing():
    """A filter that writes '::' for the space before 'and', 'or', 'where'
    ('workers::and peasants'): a doubled colon is a symbol that needs the
    strongest anchor, each key a word the language expects after spaces and
    that is missing there. A host of eight pages and a long page alone are
    repaired (before, the doubled colon was no symbol at all)."""
    pool = [t for t in articles() if "::" not in t and len(re.findall(r" (?:and|or|where)\b", t, re.I)) >= 12][:8]
    damaged = [variant_damage(t, "::", ["and", "or", "where"]) for t in pool]
    out = mend_host(damaged)
    before, after = errors_before_after(pool, damaged, out)
    assert before >= 200 and after <= 0.05 * before, (before, after)
    alone = mend_page(damaged[0])
    assert token_errors(alone.text, pool[0]) <= 0.05 * token_errors(damaged[0], pool[0])


def test_escapes_read_as_control_characters_take_the_space_with_the_letter():
    """gen.py's filter, then its backslashes read as C escapes ('\\n', '\\f',
    '\\a', '\\t'): 'could\\not' becomes 'could' + a line break + 'ot', and
    'and\\from' 'and' + a form feed + 'rom'. The line break before a form no
    plain space precedes stands for the space the damage took with the
    letter: 'could not', not a new line starting 'Not' (before, the case
    step capitalised it as a line's first word, and a word two steps
    rewrote, 'nd' -> ' nd' -> ' and', failed the case step on the page)."""
    from damage_variants import PROBE_SETS

    channel = next(c for c in PROBE_SETS[15][0] if c.__name__ == "esc_read_c")
    pool = [t for t in articles() if _count("not", t) >= 3 and _count("and", t) >= 5][:10]
    damaged = [channel(t, None, {}) for t in pool]
    assert sum(d.count("\not ") for d in damaged) >= 20 and all("\x07nd " in d for d in damaged)
    out = mend_host(damaged)
    assert all(o.error is None for o in out), [o.error for o in out if o.error]
    assert not any(re.search(r"\bNot\b", o.text) for o, t in zip(out, pool) if not re.search(r"\bNot\b", t))
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.05 * before, (before, after)
    edit = next(e for o in out for e in o.edits if e.kind == "lost_letter" and e.before.startswith("\n"))
    assert edit.after == " not" and "in place of the space" in edit.evidence


def test_a_line_break_before_a_form_the_site_also_writes_after_spaces_is_kept():
    """A site that loses the f of 'from' and keeps the space ('came rom')
    loses it at a line's start too: after a heading that runs on without a
    mark ('Light as a medium, and remarkable stories about Amsterdam' + a
    line break + 'rom hundreds'), the line break is the page's, and stays."""
    gen = load_gen()
    host = {"keywords": ["and", "or", "union", "where", "order"], "eat_f": True}
    pool = [t for t in articles() if _count("from", t) >= 3][:6]
    heading = "Remarkable stories about the festival and the people of the old city"
    pages = [t.replace("\n", f"\n{heading}\nFrom the start, ", 1) for t in pool]
    damaged = [gen.escape_keywords(p, None, host) for p in pages]
    assert all(f"city\nrom the start" in d for d in damaged)
    out = mend_host(damaged)
    assert all(f"city\nFrom the start" in o.text for o in out), [o.text[:300] for o in out]


def test_a_filter_that_closes_its_words_with_its_symbol_too():
    """A filter that wraps each of its words in its symbol, upper-casing
    them ('workers\\AND\\ peasants', 'Tom\\OR\\, then'): the closing symbol
    goes with the opening one (before, 'and\\ peasants' kept it: a third of
    the damage left)."""
    from damage_variants import PROBE_SETS

    channel = next(c for c in PROBE_SETS[15][0] if c.__name__ == "esc_wrap_upper")
    pool = [t for t in articles() if _count("and", t) >= 5][:8]
    damaged = [channel(t, None, {}) for t in pool]
    assert sum(d.count("\\AND\\ ") for d in damaged) >= 30
    out = mend_host(damaged)
    assert not any(re.search(r"\w\\[ ,.]", o.text) for o in out)
    assert sum(token_errors(o.text, t) for o, t in zip(out, pool)) <= 2
    edit = next(e for e in out[0].edits if e.kind == "escape")
    assert edit.before == "\\AND\\" and edit.after == " AND" and "closed the word" in edit.evidence


def test_a_form_of_its_own_that_overwhelms_where_its_word_is_gone_is_read_by_its_neighbours():
    """A site eats the w of 'will' and of nothing else: 'ill' stands dozens
    of times on a host that never writes 'will', where English would write
    'ill' once in a thousand pages. A word of its own needs its word missing
    beyond doubt (10 nats) unless another rule proves the letter lost; one
    that overwhelms this far (50 times its expectation, 'will' not once) is
    taken too, but read only where its neighbours lean to the word, on a page
    where they lean clearly: 'ill be' is 'will be', 'mentally ill people'
    stays, and so does a host's topic word ('the rally', the test above).
    Before, nothing was read: the host kept every 'ill'."""
    pool = [t for t in articles() if _count("will", t) >= 2 and _count("ill", t) == 0 and len(t.split()) < 700][:5]
    assert sum(len(t.split()) for t in pool) * 10 ** (lexicon("en").zipf("will") - 9) < 10  # 'will' expected < 10 times
    pool[0] = pool[0].replace(". ", ". It pays for the care of mentally ill people. ", 1)
    damaged = [_eaten(t, "will") for t in pool]
    out = mend_host(damaged)
    n = form_readings(pool, damaged, out, "ill", "will")
    assert n["lost"] >= 10 and n["right"] >= 0.75 * n["lost"] and n["wrong"] == 0, n
    assert "care of mentally ill people" in out[0].text
    rules = [r for o in out for r in o.rules if r.get("rule") == "'ill' -> 'will'"]
    assert rules and all(r["counterexamples"] == 0 for r in rules) and sum(r["applied"] for r in rules) >= 3


def test_a_filter_that_capitalises_its_words_is_known_by_its_host_where_a_page_shows_too_few():
    """A filter that capitalises the words it glues ('payment/Or timing',
    'relationship/Between the'): a page with three common words among them
    shows it alone; pages with one or two are read by their host's pooled
    sites, where the filter's common words are capitalised every time
    (before, such a page kept 'Or' and 'Between' mid-sentence)."""
    from damage_variants import escape_variant

    channel = escape_variant("x", "/", ["select", "union", "between", "or"], case=str.capitalize)
    pool = [t for t in articles() if 1 <= _count("or", t) <= 2 and _count("between", t) >= 1][:8]
    damaged = [channel(t, None, {}) for t in pool]
    assert sum(len(re.findall(r"/Or\b", d)) for d in damaged) >= 6
    assert all(len(re.findall(r"/Or\b", d)) <= 2 for d in damaged)
    out = mend_host(damaged)
    left = [m.group() for o, t in zip(out, pool) for m in re.finditer(r"[a-z,] (?:Or|Between)\b", o.text)
            if m.group() not in t]
    assert not left, left
    assert any(r.get("rule") == "the filter wrote its words in title case" and r["scope"] == "host"
               for o in out for r in o.rules)
    assert sum(token_errors(o.text, t) for o, t in zip(out, pool)) <= 2


@pytest.mark.parametrize("symbol, case", [("`", None), ("{", str.upper)])
def test_a_filter_that_inserts_a_quote_or_brace_nothing_closes_is_learned(symbol, case):
    """A filter that inserts a backtick or an opening brace before its words,
    after the space (' `in', ' {WHERE'): a backtick after a space opens a
    quotation and a brace a template or code, but a quotation is closed after
    its words (' `in time'') and a brace too (' {name}'); the filter's marks
    never are. Before, a backtick after a space was never a site and a brace
    no symbol: such hosts kept all their damage (a randomised probe's: 272
    and 156 token errors, none repaired)."""
    from damage_variants import escape_variant

    channel = escape_variant("x", symbol, ["or", "in", "table", "where", "as"], mode="insert", case=case)
    pool = [t for t in articles() if _count("in", t) >= 5][:8]
    pool[0] = pool[0].replace(". ", ". Hello {name} and {{ page.title }}, he said `in good time' and left. ", 1)
    damaged = [channel(t, None, {}) for t in pool]
    assert sum(d.count(" " + symbol) for d in damaged) >= 40
    out = mend_host(damaged)
    assert "Hello {name} and {{ page.title }}" in out[0].text
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.1 * before, (before, after)


def test_the_first_part_of_a_compound_is_no_counterexample_of_a_filters_word():
    """A filter that takes the spaces on both sides of 'in', 'on' and 'by',
    upper-cased ('reduction!IN!the'), on a site whose pages write 'in-feed'
    and 'in-ad' (real benchmark pages): the filter needs a space after its
    word, so ' in-feed' is not a plain-space 'in' it missed. Before, 17 such
    compounds made the key 'in' inconsistent and nearly all of the site's
    '!IN' stayed (a randomised probe's host: 151 token errors of 408 left)."""
    from damage_variants import escape_variant

    channel = escape_variant("x", "!", ["in", "on", "union", "by"], mode="both", case=str.upper)
    compounds = [t for t in articles() if len(re.findall(r"(?i) in-[a-z]", t)) >= 3]
    pool = compounds + [t for t in articles() if _count("in", t) >= 4 and t not in compounds][:5]
    damaged = [channel(t, None, {}) for t in pool]
    assert sum(len(re.findall(r"(?i) in-[a-z]", d)) for d in damaged) >= 15
    out = mend_host(damaged)
    assert not [m.group() for o in out for m in re.finditer(r"\w*!IN!?[^\W\d_]+", o.text)]
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.1 * before, (before, after)


def test_a_filter_of_the_space_after_its_words_is_known_before_figures_and_marks():
    """A filter that takes the space after 'in', 'from' and 'on' ('from/the
    city'), on benchmark pages that write years and figures after them ('in
    2016', 'from 6.2 percent'): the filter needs a letter after the space, so
    'from $5' and 'from “the' are no counterexamples of its word (before,
    they made 'from' inconsistent on a randomised probe's host: 58 token
    errors left of 481, 22 now), and where its rule stands, the symbol
    between such a word and a figure is the same filter's ('in/2016' -> 'in
    2016'; `figure_sites`)."""
    from damage_variants import escape_variant

    channel = escape_variant("x", "/", ["in", "from", "on"], mode="after")
    pool = [t for t in articles() if re.search(r"\b(?:in|from|on) (?:\d|[$“\"])", t) and _count("from", t) >= 2][:8]
    damaged = [channel(t, None, {}) for t in pool]
    assert sum(len(re.findall(r"\b(?:in|from|on) [^\W\d_]", t)) for t in pool) >= 60
    out = mend_host(damaged)
    figures = [m.group() for o in out for m in re.finditer(r"\b(?:in|from|on)/\d", o.text)]
    assert not figures, figures
    assert not [m.group() for o in out for m in re.finditer(r"\bfrom/\w+", o.text)]
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.05 * before, (before, after)


def test_a_doubled_backslash_inserted_before_a_filters_words_is_no_path():
    """A filter that inserts a doubled backslash after the space before its
    words (' \\\\in premarket', ' \\\\investors'): a chunk that starts with two
    separators looked like a path ('\\\\server\\share'), so no such place was
    a site and nothing was repaired (three hosts of randomised probe sets,
    458, 175 and 212 token errors, none repaired). A path has a name between
    its separators; real paths on the same pages stay."""
    from damage_variants import escape_variant

    channel = escape_variant("x", "\\\\", ["in", "when", "set", "null"], mode="insert", lower=False)
    pool = [t for t in articles() if _count("in", t) >= 5][:8]
    paths = " See \\\\server\\share\\in and /usr/bin/in for the files."
    pool[0] = pool[0] + paths
    damaged = [channel(t, None, {}) for t in pool]
    assert sum(d.count(" \\\\") for d in damaged) >= 40
    out = mend_host(damaged)
    assert "\\\\server\\share\\in and /usr/bin/in" in out[0].text
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.05 * before, (before, after)


def test_a_form_far_beyond_its_words_expected_count_is_read_by_its_neighbours():
    """News pages that lost the s of every 'said' (and two pages about
    military aid, whose real 'aid' stays): 'aid' stands 57 times where 0.2
    are expected, 'said' not once where English would have 5.5, and news
    writes 'said' ten times as often as English does, so the surplus is far
    beyond the word's deficit. Before, that ratio dismissed the rule and no
    'said' came back; now the form overwhelms and is read where its
    neighbours lean to the word ('he aid that' -> 'he said that'). Its
    evidence proves no lost letter with another missing word: this host
    never writes 'she' either, and when that made the s proven lost, every
    real 'aid' became 'said'."""
    aid = [t for t in articles() if re.search(r"\baid\b", t)][:2]
    pool = [t for t in articles() if _count("said", t) >= 3][:5] + aid
    damaged = [variant_damage(t, "", [], lost=("said", 0)) for t in pool]
    n = form_readings(pool, damaged, mend_host(damaged), "aid", "said")
    assert n["lost"] >= 40 and n["real"] >= 4, n
    assert n["right"] >= 0.35 * n["lost"] and n["wrong"] == 0, n


def test_the_word_before_a_percent_encoded_symbol_is_the_word_not_its_hex_digits():
    """A filter that writes '%5C' on both sides of its words
    ('dealings%5Cwith%5CUkraine'): the word before the second site is
    'with', not '5cwith' (the escape's hex digits are letters and digits
    too), so the `after` rule has its key. Before, a randomised probe's host
    kept 74 of its 144 token errors, every 'with%5C' among them."""
    from damage_variants import escape_variant

    channel = escape_variant("x", "%5C", ["with", "values", "like"], mode="both")
    pool = [t for t in articles() if _count("with", t) >= 4][:6]
    damaged = [channel(t, None, {}) for t in pool]
    out = mend_host(damaged)
    assert not [m.group() for o in out for m in re.finditer(r"\w+%5C\w+", o.text)]
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.05 * before, (before, after)


def test_a_word_gone_that_loses_its_first_letter_where_the_site_takes_others_is_read():
    """A site takes the first letter of 'only', 'for' and 'more', whatever
    the letter: 'nly' is no word, and its rule proves that words lose their
    first letter here. 'for', gone where dozens are expected, and 'more',
    missing where 'ore' overwhelms, lose theirs at the same place, so they
    are proven too (`LostRule.placed`): read where their neighbours lean to
    the word, on any page. Before, each letter needed its own proof: 'or'
    and 'ore' were read only on pages where the neighbours leaned clearly,
    and a randomised probe's host kept 43 of 56 token errors."""
    from damage_variants import eat_letter

    channel = eat_letter("x", ["only", "for", "more"])
    pool = [t for t in articles() if _count("for", t) >= 4 and _count("more", t) >= 1 and _count("only", t) >= 1][:6]
    damaged = [channel(t, None, {}) for t in pool]
    out = mend_host(damaged)
    n = form_readings(pool, damaged, out, "ore", "more")
    assert n["lost"] >= 5 and n["right"] == n["lost"] and n["wrong"] == 0, n
    # 'or' is a word as common as 'for': where the neighbours lean to 'for' it is read so; some real
    # 'or' lean so too ('debt or the'), names and figures ('uber or lyft') say nothing and stay
    n = form_readings(pool, damaged, out, "or", "for")
    assert n["lost"] >= 30 and n["right"] >= 0.75 * n["lost"] and n["right"] >= 4 * n["wrong"], n
    rules = [r for o in out for r in o.rules if r.get("rule") == "'or' -> 'for'"]
    assert rules and all(r["counterexamples"] == 0 for r in rules)
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.2 * before, (before, after)


def test_a_site_that_takes_one_words_first_letter_proves_no_other_words_loss():
    """The place where a letter is lost proves a common form only for a word
    gone or missing altogether: clean benchmark pages on a host that also
    lost the f of every 'from' ('rom', proven) keep their real 'or', 'he',
    'our' and 'as' untouched."""
    pool = [t for t in articles() if _count("from", t) >= 3][:8]
    damaged = [variant_damage(t, "", [], lost=("from", 0)) for t in pool]
    out = mend_host(damaged)
    assert all(not re.search(r"\brom\b", o.text) for o in out)
    edits = [e for o in out for e in o.edits if e.kind == "lost_letter" and e.before.lower() != "rom"]
    assert not edits, edits[:5]


def test_a_sites_voice_is_no_lost_letter_where_the_site_takes_other_words_letters():
    """Fourteen benchmark pages that write 'our' and never 'your' (36
    expected: a company's voice), on a host that lost the w of 'with'
    ('ith', proven: words lose their first letter here). 'your' is gone
    and 'our' in surplus, but the neighbours of 'our' never lean to 'your'
    across the host (`leaning`: 0 clearly, 39 against), so the place of the
    lost letter proves nothing and no 'our' is touched. (Before that check,
    13 became 'your'.)"""
    pool = [t for t in articles() if _count("our", t) >= 2 and _count("your", t) == 0 and _count("with", t) >= 2][:14]
    assert sum(len(t.split()) for t in pool) * 10 ** (lexicon("en").zipf("your") - 9) >= 20  # 'your' gone
    damaged = [variant_damage(t, "", [], lost=("with", 0)) for t in pool]
    out = mend_host(damaged)
    assert not any(re.search(r"\bith\b", o.text) for o in out)
    assert not [e for o in out for e in o.edits if e.kind == "lost_letter" and e.before.lower() == "our"]
    assert sum(token_errors(o.text, t) for o, t in zip(out, pool)) <= 2


def test_a_site_that_keeps_the_capital_of_a_common_word_it_shortens_shows_it_by_the_neighbours():
    """A site takes the first letter of 'the' and 'for' and passes its
    capital on ('The president' -> 'He president'). No rare form shows the
    capital kept (`first_capital_kept`), but the neighbours of the
    capitalised 'He' lean to 'The' across the host ('He president', 'He
    demand': `observe_leans`' capital counts), where a real 'He' stands
    before a verb: the capitalised forms are read too. Before, every 'He'
    stayed (66 token errors left of 290 on these pages, 25 now), and no
    real 'He' is changed."""
    from damage_variants import eat_first_cased

    channel = eat_first_cased("x", ["the", "for"])
    pool = [t for t in articles() if len(re.findall(r"\bThe\b", t)) >= 3 and _count("for", t) >= 2][:6]
    damaged = [channel(t, None, {}) for t in pool]
    out = mend_host(damaged)
    n = form_readings(pool, damaged, out, "he", "the")  # (lower-cased: 'He' and 'he')
    capital = [(was, mended) for o, t, d in zip(out, pool, damaged)
               for was, bad, mended in zip(*(re.findall(r"\w+", x) for x in (t, d, o.text))) if bad == "He"]
    lost = [m for w, m in capital if w == "The"]
    assert len(lost) >= 30 and lost.count("The") >= 0.9 * len(lost), capital
    assert all(m == "He" for w, m in capital if w == "He") and n["wrong"] <= 1, n
    before, after = errors_before_after(pool, damaged, out)
    assert after <= 0.1 * before, (before, after)


def test_a_rare_word_far_beyond_its_words_expected_count_is_read_where_it_overwhelms():
    """News pages that lost the d of every 'said': 'sai', a rare word of its
    own (wordfreq knows it at 3.3), stands 58 times where 3.4 'said' are
    expected, the news voice's rate being ten times English's. A rare form
    beyond eight times its word's deficit was dismissed as a topic's word;
    where it overwhelms (8+ times, 50 times its own expectation, its word
    not once) it is the damage. Before, every 'sai' stayed."""
    from damage_variants import eat_inside

    channel = eat_inside("x", ["said"], -1)
    pool = [t for t in articles() if _count("said", t) >= max(4, 0.012 * len(t.split()))][:7]
    damaged = [channel(t, None, {}) for t in pool]
    out = mend_host(damaged)
    n = form_readings(pool, damaged, out, "sai", "said")
    assert n["lost"] >= 40 and n["right"] == n["lost"], n


def random_probe_host(out: Path, seed: int, variant: str) -> tuple[list[str], list[str]]:
    """The clean and damaged pages of the host of one variant in a random
    probe set (`benchmarks/damage_variants.py --random --seed S`), written to `out`."""
    from damage_variants import write_probe_corpus

    write_probe_corpus(json.loads(TRUTH.read_text(encoding="utf-8")), out, 0, seed=seed)
    gold = {r["id"]: r for r in map(json.loads, (out / "gold.jsonl").open(encoding="utf-8"))}
    rows = [json.loads(line) for line in (out / "corpus.jsonl").open(encoding="utf-8")]
    host = next(r["url"].split("/")[2] for r in rows if gold[r["id"]]["channels"] == [variant])
    pages = [r for r in rows if r["url"].split("/")[2] == host]
    return [gold[r["id"]]["text"] for r in pages], [r["text"] for r in pages]


def test_a_common_form_only_flagged_is_read_where_the_hosts_neighbours_lean_to_its_word(tmp_path):
    """A randomised probe's host (seed 42) that lost the last letter of 'not'
    and 'would': 'no' stands 27 times where 17.5 'not' are expected and none
    written, but a third of it is real, too much to edit by the counts, and
    nothing proves the letter lost ('woul' too rare for a rule): the rule
    was only flagged. Across the host, the neighbours of 'no' lean to 'not'
    ('is no going' -> 'is not going'; `leaning`), so it is read where they
    lean to it, and no real 'no' is changed."""
    clean, damaged = random_probe_host(tmp_path, 42, "eat5_last_not+would")
    out = mend_host(damaged)
    n = form_readings(clean, damaged, out, "no", "not")
    assert n["lost"] >= 15 and n["right"] >= 0.8 * n["lost"] and n["wrong"] == 0, n


def test_a_form_read_as_one_word_proves_no_other_words_lost_letter(tmp_path):
    """A randomised probe's host (seed 56) that lost the last letter of
    'that', 'than' and 'only': 'tha' stands for 'that' and 'than' alike and
    is read as 'that', the likelier. Its rule for 'than' proves no n lost at
    the end, so 'the' (a common form of 'then', absent) is never read as
    'then' ('and the HDMI port'); when it did, 26 real 'the' changed."""
    clean, damaged = random_probe_host(tmp_path, 56, "eat7_last_that+than+only")
    out = mend_host(damaged)
    assert not [e for o in out for e in o.edits if e.kind == "lost_letter" and e.before.lower() == "the"]
    before, after = errors_before_after(clean, damaged, out)
    assert after <= 0.2 * before, (before, after)
