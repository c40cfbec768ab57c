"""The steps in order, and the per-host two-pass job.

A step is a function `run(doc, res)` that changes one Document, given shared
read-only `Resources` (word statistics, the statistics of the page's host,
options). Adding a capability means writing one module and listing its Step in
`STEPS` below; `webmend steps` prints this list.

A step may also `observe(doc, stats)`: in a first pass over a corpus, each
page is prepared (read, extracted, normalised) and observed, adding counts to
the `HostStats` of its host. The second pass runs every step with those
statistics, so a site's damage and templates are learned from all its pages.
A single page is simply its own host (see `mend`).

What an observer finds about the page itself (its language, the rules its own
words support) it may leave in `doc.notes`; the notes travel with the host's
statistics (`HostStats.notes`, keyed by the page's id and prepared text) and
are handed back to the same page in the second pass (the `first_pass_notes`
step), so the second pass applies what the first found instead of finding it
again.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from webmend.document import Document


class HostStats:
    """Counts pooled over the pages of one host, in named Counters.

    Steps keep what they add bounded (hashes, capped vocabularies), so the
    statistics of a host never grow with its number of pages beyond a limit.
    Mergeable, so workers and cluster nodes can each count a share.

    >>> a, b = HostStats(), HostStats()
    >>> a.add("tokens", ["rom", "the"]); b.add("tokens", ["rom"]); a.pages = b.pages = 1
    >>> a.merge(b).counter("tokens")["rom"], a.pages
    (2, 2)
    """

    # Most entries a named counter keeps; past it the rarest are dropped (steps set
    # theirs, by name or by prefix: "lost_letters.words.*" caps every language's).
    caps: dict[str, int] = {}

    # Pages a host keeps first-pass notes for; past it, a page's steps find again what they need.
    NOTES_CAP = 4096

    def __init__(self) -> None:
        self.pages = 0
        self.counters: dict[str, Counter] = {}
        self.notes: dict[str, dict[str, Any]] = {}  # page key -> what the first pass found on it
        # Who these counts are: kept by pickling and by merging others into them, so a
        # copy read back from a HostStore is known for the same host (see HostCache).
        self.uid = uuid.uuid4().hex

    @staticmethod
    def cap_of(name: str) -> int | None:
        """The cap of a named counter: its own, or its prefix's ('a.b.*' for 'a.b.c').

        >>> HostStats.caps["demo.*"] = 10; HostStats.cap_of("demo.en"), HostStats.cap_of("other")
        (10, None)
        >>> del HostStats.caps["demo.*"]
        """
        cap = HostStats.caps.get(name)
        while cap is None and "." in name:
            name = name.rsplit(".", 1)[0]
            cap = HostStats.caps.get(name + ".*")
        return cap

    def _cap(self, name: str) -> None:
        cap, c = self.cap_of(name), self.counters.get(name)
        if cap and c is not None and len(c) > cap:
            self.counters[name] = Counter(dict(c.most_common(cap // 2)))

    def counter(self, name: str) -> Counter:
        c = self.counters.get(name)
        if c is None:
            c = self.counters[name] = Counter()
        return c

    def add(self, name: str, items: Iterable[Any]) -> None:
        self.counter(name).update(items)
        self._cap(name)

    def merge(self, other: "HostStats") -> "HostStats":
        self.pages += other.pages
        for name, c in other.counters.items():
            self.counter(name).update(c)
            self._cap(name)
        for key, note in getattr(other, "notes", {}).items():
            if len(self.notes) >= self.NOTES_CAP:
                break
            self.notes[key] = note
        return self

    def entries(self) -> int:
        """Entries held in its counters and notes: what its memory grows with.

        >>> s = HostStats(); s.add("a", ["x", "y"]); s.add("b", ["x"]); s.entries()
        3
        """
        return sum(map(len, self.counters.values())) + len(self.notes)

    def keep_notes(self, doc: Document) -> None:
        """Keep what the first pass noted about a page (while there is room)."""
        if doc.notes and len(self.notes) < self.NOTES_CAP:
            self.notes[page_key(doc)] = doc.notes


def page_key(doc: Document) -> str:
    """A page's identity across the two passes: its id and a checksum of its
    prepared text (so a note never reaches another page of the same id)."""
    import zlib

    return f"{doc.id}\x1f{len(doc.text)}\x1f{zlib.crc32(doc.text.encode('utf-8', 'surrogatepass')):08x}"


def restore_notes(doc: Document, res: "Resources") -> None:
    """Second pass: hand the page what the first pass noted about it."""
    stats = res.host_stats(doc)
    if stats is not None and getattr(stats, "notes", None):
        doc.notes = stats.notes.get(page_key(doc)) or {}
        if doc.notes:
            doc.meta[_OBSERVED_TEXT] = doc.text  # the very text the notes were taken on


_OBSERVED_TEXT = "_observed_text"


def observed(doc: Document, key: str, default: Any = None) -> Any:
    """What the first pass noted under `key` about the page's text, while the
    page still has that text (no step has changed it since the notes were
    handed back): a step may use it instead of finding it again. Else `default`.

    >>> d = Document(id="p", source="Some text."); d.notes = {"ending": "closed"}
    >>> observed(d, "ending"), (d.meta.update({_OBSERVED_TEXT: d.text}) or observed(d, "ending"))
    (None, 'closed')
    >>> d.text = "Other text."; observed(d, "ending", "unknown")
    'unknown'
    """
    if doc.meta.get(_OBSERVED_TEXT) is doc.text:
        return doc.notes.get(key, default)
    return default


@dataclass
class Options:
    """What the user asked for on the command line (or the API)."""

    skip: frozenset[str] = frozenset()  # step names or families to leave out
    explain: bool = False
    with_input: bool = False
    quality_filter: str = ""  # --filter: presets/expressions of annotate/quality.py; "" filters nothing


@dataclass
class Resources:
    """Shared, read-only inputs of the steps. `hosts` maps a host name to its
    pooled statistics (a dict, or a `HostStore` on disk for a corpus with
    more hosts than memory should hold); a page whose host has none is judged
    on its own."""

    options: Options = field(default_factory=Options)
    hosts: Mapping[str, HostStats] = field(default_factory=dict)
    # The first pass left out the hosts of one page (a census counted them): a
    # page whose host is not in `hosts` is observed on its own by `mend_page`.
    alone_if_unseen: bool = False

    def host_stats(self, doc: Document) -> HostStats | None:
        return self.hosts.get(doc.host_key)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Document, Resources], None]
    summary: str
    family: str = "core"  # what --skip FAMILY leaves out; "core" steps always run
    prepare: bool = False  # also run in the first (observation) pass
    observe: Callable[[Document, HostStats], None] | None = None


FIRST_PASS_NOTES = Step("first_pass_notes", restore_notes,
                        "hand each page what the first pass noted about it (language, its own repair rules)")


def _learned_repairs() -> list[Step]:
    """The learned repair steps (family "repair"): escaping, lost letters, words a filter cased, case."""
    from webmend.repair import case, cased_words, escaping, lost_letters

    return [escaping.STEP, lost_letters.STEP, cased_words.STEP, case.STEP]


def _encoding_repairs() -> list[Step]:
    """The mechanical encoding repairs (family "repair"), before page structure is read."""
    from webmend.repair import backslashes, doubled_quotes, encoding, entities

    return [backslashes.LITERAL_ESCAPES, backslashes.SLASH_QUOTES, entities.STEP, doubled_quotes.STEP,
            encoding.MOJIBAKE, encoding.INVISIBLE, encoding.LOSSY]


def _line_repairs() -> list[Step]:
    """The mechanical line repairs (family "repair"), after chrome and the learned repairs."""
    from webmend.repair import hyphenation, lines, truncation

    return [lines.HARD_WRAPS, lines.PAGE_BREAKS, hyphenation.STEP, truncation.STEP]


def _page_structure() -> list[Step]:
    """Page structure from text (family "structure"): site templates, chrome, then
    the title, author and date read from what they left."""
    from webmend.annotate import metadata
    from webmend.boilerplate import chrome, templates

    return [templates.STEP, chrome.STEP, metadata.STEP]


def _layout_step() -> Step:
    from webmend.boilerplate import layout

    return layout.STEP


def _build_steps() -> list[Step]:
    # Imported here so each module stays importable on its own.
    # Order matters; each block below is owned by one family of modules.
    from webmend.annotate import basic_signals, dedup, language, quality
    from webmend.extract import text_input

    return [
        text_input.STEP,       # bytes/HTML -> the page's input text, metadata from HTML
        text_input.NORMALIZE,  # line endings, trailing spaces, runs of blank lines
        FIRST_PASS_NOTES,      # what the first pass found on this page, for the steps below
        # -- encoding repairs (repair/: entities, mojibake, escapes, invisible chars, lossy flag)
        *_encoding_repairs(),  # escapes, entities, mojibake, invisible chars, lossy flag
        # -- page structure (boilerplate/: chrome, site templates; annotate/: title, author, date)
        *_page_structure(),    # site templates, chrome, title/author/date (family "structure")
        # -- learned repairs (repair/: escaping, lost letters, case)
        *_learned_repairs(),   # escaping, lost letters, case (learned per page and host)
        # -- line repairs (repair/: hyphenation, hard wraps, page-break splits, truncation)
        *_line_repairs(),      # hard wraps, page-break splits, hyphenation, truncation
        _layout_step(),        # paragraphs apart, headings and list items on their own lines
        language.STEP,         # language of the page's own text
        # -- quality signals and dedup signatures (annotate/)
        basic_signals.STEP,    # counts every later filter can use
        quality.STEP,          # Gopher, C4, FineWeb signals; --filter marks failing pages
        dedup.SIGNATURE,       # text hash and MinHash for the dedup corpus step (family "dedup")
    ]


STEPS: list[Step] = _build_steps()


@dataclass(frozen=True)
class CorpusStep:
    """A step that must see the pages before it (near-duplicate detection): the
    engine runs it in one place (the parent process), in output order, so its
    result is the same whatever engine or number of workers ran the pages.
    `start(options)` returns the function applied to each finished page."""

    name: str
    start: Callable[[Options], Callable[[Document], None]]
    summary: str
    family: str = "core"


def _build_corpus_steps() -> list[CorpusStep]:
    from webmend.annotate import dedup

    return [
        # -- dedup (annotate/): exact and near-duplicate clusters
        dedup.corpus_step(),   # MinHash LSH over the representatives so far; first page of a cluster kept
    ]


CORPUS_STEPS: list[CorpusStep] = _build_corpus_steps()


def corpus_stage(options: Options) -> Callable[[Document], None]:
    """The corpus steps, started for one run, as one function over finished pages."""
    fns = [c.start(options) for c in CORPUS_STEPS
           if c.family == "core" or (c.name not in options.skip and c.family not in options.skip)]

    def apply(doc: Document) -> None:
        if doc.error:
            return
        for fn in fns:
            fn(doc)

    return apply


def active_steps(options: Options) -> list[Step]:
    return [s for s in STEPS if s.family == "core" or (s.name not in options.skip and s.family not in options.skip)]


def needs_first_pass(options: Options) -> bool:
    """Whether any active step learns from its host's pages (a first pass pays)."""
    return any(s.observe is not None for s in active_steps(options))


def run_steps(doc: Document, res: Resources, steps: list[Step] | None = None) -> Document:
    """Run steps over one document; an exception in a step becomes the page's error."""
    for step in steps if steps is not None else active_steps(res.options):
        if doc.error:
            break
        try:
            step.run(doc, res)
        except Exception as exc:  # a bad page must not stop a corpus
            doc.error = f"{step.name}: {type(exc).__name__}: {exc}"
    return doc


def observe(doc: Document, stats: HostStats, options: Options = Options()) -> None:
    """First pass for one page: prepare it and add its counts to its host's stats."""
    prepare(doc, options)
    observe_prepared(doc, stats, options)


def prepare(doc: Document, options: Options = Options()) -> Document:
    """The `prepare` steps (input, layout), which read no host statistics:
    the page is the same prepared in either pass."""
    return run_steps(doc, Resources(options=options), [s for s in active_steps(options) if s.prepare])


def observe_prepared(doc: Document, stats: HostStats, options: Options = Options()) -> None:
    """First pass for a prepared page: add its counts to its host's stats."""
    if not doc.error:
        _observe_prepared(doc, stats, active_steps(options))


def _observe_prepared(doc: Document, stats: HostStats, steps: list[Step]) -> None:
    stats.pages += 1
    for s in steps:
        if s.observe is not None:
            try:
                s.observe(doc, stats)
            except Exception:  # observation is best effort; pass 2 reports errors
                pass
    stats.keep_notes(doc)


def mend_page(doc: Document, res: Resources) -> Document:
    """Second pass for one page: its steps with its host's statistics; a page
    the first pass left out as its host's only page is mended on its own."""
    if res.alone_if_unseen and res.host_stats(doc) is None and needs_first_pass(res.options):
        return mend_alone(doc, res.options)
    return run_steps(doc, res)


def mend_prepared(doc: Document, res: Resources) -> Document:
    """Second pass for a page the first pass prepared already (`prepare`):
    its other steps, as `mend_page` would run them."""
    return run_steps(doc, res, [s for s in active_steps(res.options) if not s.prepare])


def mend_alone(doc: Document, options: Options) -> Document:
    """Mend a page that is its own host, preparing it once: a copy of the
    prepared page is observed as the first pass would observe it, then the
    page goes on with those statistics. The same output as both passes
    (`collect_host_stats` then `run_steps`), for one preparation instead of two."""
    import copy

    prepare(doc, options)
    hosts = {}
    if not doc.error:
        observe_prepared(copy.deepcopy(doc), hosts.setdefault(doc.host_key, HostStats()), options)
    return mend_prepared(doc, Resources(options=options, hosts=hosts))


def collect_host_stats(docs: Iterable[Document], options: Options = Options()) -> dict[str, HostStats]:
    """First pass over a corpus: pooled statistics per host (bounded per host)."""
    hosts: dict[str, HostStats] = {}
    for doc in docs:
        observe(doc, hosts.setdefault(doc.host_key, HostStats()), options)
    return hosts


def mend_all(docs: Iterable[Document], options: Options | None = None) -> Iterator[Document]:
    """Mend documents in this process: a first pass pools the statistics of
    hosts with several pages, a second mends each page (a page alone on its
    host is observed there, `mend_alone`). The documents are read three
    times (their hosts counted, then the two passes), so pass a re-iterable
    (a list, or an object whose __iter__ reads the source again)."""
    options = options or Options()
    res = Resources(options=options)
    if needs_first_pass(options):
        pages = Counter(doc.host_key for doc in docs)
        hosts = collect_host_stats((doc for doc in docs if pages[doc.host_key] > 1), options)
        res = Resources(options=options, hosts=hosts, alone_if_unseen=True)
    finish = corpus_stage(options)
    for doc in docs:
        doc = mend_page(doc, res)
        finish(doc)
        yield doc


def mend(text: str | None = None, html: str | None = None, url: str | None = None,
         id: str = "page", options: Options | None = None) -> Document:
    """Mend one page given as text or HTML; the page is its own host.

    >>> mend(text="Hello world.\\r\\n\\r\\n\\r\\nBye.  ").text
    'Hello world.\\n\\nBye.'
    """
    if (text is None) == (html is None):
        raise ValueError("give exactly one of text= or html=")
    options = options or Options()
    if html is not None:
        doc = Document(id=id, url=url, source=html, source_kind="html")
    else:
        doc = Document(id=id, url=url, source=text)
    doc = mend_alone(doc, options)
    corpus_stage(options)(doc)
    return doc
