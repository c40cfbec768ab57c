"""The `metadata` step: a text page's title, author and date, from its text.

It runs after `chrome`, which left the page's heading and by-line among the
removed blocks; this step reads them there (and in the first lines of the
text), nearest to the article first:

- title: the heading that the text repeats above the article (the cleanest
  occurrence: not cut with '…'), else the nearest title-like block above the
  article, else the page's first line; without the site name around
  separators (`Title | Site`, `Title > Board`);
- author: a by-line (`By Jane Doe`, `Posted by`, `Autor:`, `Von`, `Por`,
  `Par`, `Автор:`, `작성자`, `글쓴이`, `홍길동 기자` ...);
- date: the date of the by-line or of a dated line nearest the article, as
  ISO 8601 (`2020-09-18T19:23`, `2021-01-03`), see `dates.find_date`.

Values already known (from an HTML page's metadata) are kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from webmend.annotate.dates import find_date
from webmend.document import Document, Removed
from webmend.pipeline import Resources, Step

LOOK_BACK = 15      # removed blocks above the article searched for a by-line or title
LOOK_AFTER = 6      # ... and below it ("Posted on ... by ..." footers)
MAX_BYLINE_CHARS = 160
MAX_TITLE_WORDS = 40
BYLINE_REASON = "by-line"


# "By NAME", "Posted by NAME", "Autor: NAME", "작성자 NAME" ...
_BY_PREFIX = re.compile(
    r"^(?:(?:posted|written|published|reported|edited|photos?|text|story)\s+by|by|von|por|par|di|door|av|от|"
    r"publicado por|publié par|veröffentlicht von|geschrieben von|escrito por|scritto da|опубликовал[аи]?|"
    r"(?:author|authors|autor|autorin|autores|auteur|autore|autori|автор|авторы|writer|reporter|redakteur|"
    r"작성자|글쓴이|기자명|글|著者|作者|投稿者|筆者)\s*[:：]?)\s*[:：]?\s*", re.I)
_BY_LABEL_ALONE = re.compile(
    r"^(?:by|von|por|par|author|authors|autor|autorin|auteur|autore|автор|작성자|글쓴이|著者|作者)\s*[:：]?$", re.I)
_BY_LATER = re.compile(r"(?:^|[\s|·•])(?:by|von|por|par)\s+", re.I)
_KO_ROLES = ("기자", "특파원", "논설위원", "편집위원")
_KO_REPORTER = re.compile(r"(?:^|[\s/=])(?P<name>[가-힣]{2,4})\s*(?:" + "|".join(_KO_ROLES) + r")(?![가-힣])")
# where a name ends: a separator, a date label, a digit, a role
_NAME_STOP = re.compile(
    r"\s*(?:[|·•/,;(\[–—]|\s-\s|\s--|\d|\bon\b|\bam\b|\bau\b|\bel\b|\ble\b|\bthe\b|\bat\b|\bin\b|\bfor\b|\bupdated\b|"
    r"\bpublished\b|\bposted\b|\bpubliziert\b|\bveröffentlicht\b|\bpublicado\b|\bpublié\b|\bstaff\b|\bcontributor\b|"
    r"\bcorrespondent\b|\beditor\b|\bcolumnist\b|\bwriter\b|\breporter\b|\bemail\b|\S+@\S+|"
    r"작성일|등록일|입력|수정|날짜|조회|댓글|추천|기자|특파원|"
    r"\bdate\b|\bdatum\b|\bfecha\b|\bдата\b)", re.I)
_JOIN = re.compile(r"^(?:and|und|y|e|et|и|&)$", re.I)
_DATE_LABEL = re.compile(
    r"(?:posted|published|publiziert|veröffentlicht|publicado|publié|pubblicato|опубликовано|date|datum|fecha|"
    r"дата|작성일|등록일|입력|날짜|投稿日|公開日|发布)", re.I)
_UPDATED = re.compile(r"(?:updated|aktualisiert|actualizado|mis à jour|aggiornato|обновлено|수정)", re.I)
_NOT_ALNUM = re.compile(r"[\W_]+")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|>|»|::|·|/|:)\s+")
_END_SENTENCE = re.compile(r"[.!?。]['\"”’»)]*$")


@dataclass
class Candidate:
    text: str
    removed: Removed | None  # the removed block it is, None for a kept line
    distance: int            # blocks from the article (0 = adjacent)
    before: bool             # above the article


def normalize_space(text: str) -> str:
    """Single spaces (no-break spaces too), no edge spaces.

    >>> normalize_space(" Chapter\\u00a021  6. ")
    'Chapter 21 6.'
    """
    return " ".join(text.split())  # str.split's whitespace is the regex \s, no-break space included


_HANGUL = re.compile(r"[가-힣]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def line_language(text: str, page_lang: str | None) -> str | None:
    """The language a short line's dates are written in: its script's when the
    script tells (a Korean by-line on an English page), else the page's.

    >>> line_language("작성일20-09-18 19:23", "en"), line_language("Jan 3, 2021", "de")
    ('ko', 'de')
    """
    if text.isascii() or max(text) < "\u3040":  # no kana, han or hangul
        return page_lang
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return "zh" if page_lang not in ("ja", "zh") else page_lang
    return page_lang


def _name_from(rest: str) -> str | None:
    """The person or desk named at the start of `rest` (a by-line after 'By')."""
    m = _NAME_STOP.search(rest)
    name = rest[:m.start()] if m else rest
    words = name.split()
    if not words or len(words) > 8:
        return None
    cased = [w for w in words if w[:1].isalpha() and (w[0].isupper() or w[0].islower()) and not _JOIN.match(w)]
    if any(w[0].islower() for w in cased if not w.startswith(("van", "von", "de", "da", "del", "di", "la", "le"))):
        return None  # "by the way", "by clicking": a phrase, not a name
    name = " ".join(words).strip(" :：-–—,")
    return name if len(name) >= 2 and any(ch.isalpha() for ch in name) else None


def author_in(text: str) -> str | None:
    """The author a by-line names, or None.

    >>> author_in("By Jane Doe | Jan 3, 2021"), author_in("작성자 편집국 작성일20-09-18 19:23 댓글0건")
    ('Jane Doe', '편집국')
    >>> author_in("Autor: Hans Müller"), author_in("Posted by Michael David Smith on November 19, 2019")
    ('Hans Müller', 'Michael David Smith')
    >>> author_in("By clicking Confirm Account, I agree to the terms."), author_in("홍길동 기자 hong@news.kr")
    (None, '홍길동')
    """
    t = normalize_space(text)
    if len(t) > MAX_BYLINE_CHARS:
        return None
    m = _BY_PREFIX.match(t)
    if m and m.end() < len(t):
        name = _name_from(t[m.end():])
        if name:
            return name
    if m is None and any(w in t.lower() for w in ("by", "von", "por", "par")):
        # "... | By NAME" or "Posted on DATE by NAME" further on
        for m2 in _BY_LATER.finditer(t):
            name = _name_from(t[m2.end():])
            if name:
                return name
    k = _KO_REPORTER.search(t) if any(w in t for w in _KO_ROLES) else None
    if k:
        return k.group("name")
    return None


def title_without_site(title: str, page_lines: set[str], host: str) -> str:
    """The heading without a site or section name joined to it by a separator
    (`Title | Site`, `Site > Title`): a part is the site's when it names the
    host or is a line of its own elsewhere on the page.

    >>> title_without_site("Let Us Defend > 회고록 《세기와 더불어》", {"회고록 《세기와 더불어》"}, "kancc.org")
    'Let Us Defend'
    >>> title_without_site("Volcano erupts - Example News", set(), "examplenews.com")
    'Volcano erupts'
    >>> title_without_site("Pride - and Prejudice", set(), "books.org")
    'Pride - and Prejudice'
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    host_key = _NOT_ALNUM.sub("", host.lower().split(".")[0]) if host else ""

    def is_site(part: str) -> bool:
        key = _NOT_ALNUM.sub("", part.lower())
        return bool(key) and (part in page_lines or (len(host_key) >= 3 and (host_key in key or key in host_key)))

    seps = _TITLE_SEPARATORS.findall(title)
    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
        seps.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
        seps.pop(0)
    out = parts[0]
    for sep, part in zip(seps, parts[1:]):
        out += sep + part
    return out


def _is_title_like(text: str) -> bool:
    words = text.split()
    return (1 <= len(words) <= MAX_TITLE_WORDS and not _END_SENTENCE.search(text.rstrip("…"))
            and find_date(text) is None and author_in(text) is None and not text.endswith("…"))


def _around_article(doc: Document) -> tuple[list[Candidate], list[Candidate]]:
    """Removed blocks above the article (nearest first) and below it, as lines."""
    if doc.text.strip():
        first, last = doc.to_input(0, 1)[0], doc.to_input(len(doc.text) - 1, len(doc.text))[1]
    else:
        first = last = len(doc.input_text)
    above = [r for r in doc.removed if 0 <= r.end <= first]
    below = [r for r in doc.removed if r.start >= last]
    above.sort(key=lambda r: r.start, reverse=True)
    below.sort(key=lambda r: r.start)

    def lines(rs: list[Removed], before: bool, limit: int) -> list[Candidate]:
        out: list[Candidate] = []
        for r in rs:
            ls = [x for x in r.text.split("\n") if x.strip()]
            for x in (reversed(ls) if before else ls):
                out.append(Candidate(x.strip(), r, len(out), before))
                if len(out) >= limit:
                    return out
        return out

    return lines(above, True, LOOK_BACK), lines(below, False, LOOK_AFTER)


def find_title(doc: Document, above: list[Candidate]) -> str | None:
    for r in doc.removed:
        if r.reason == "title":
            return normalize_space(r.text)
    def without_site(t: str) -> str:
        if not _TITLE_SEPARATORS.search(t):
            return t
        page_lines = {normalize_space(x) for r in doc.removed for x in r.text.split("\n")}
        return title_without_site(t, page_lines - {t}, doc.host)

    for c in above:
        if c.removed is not None and c.removed.reason in ("title-like line", "short text outside the article",
                                                           "repeated on the page", "navigation"):
            t = normalize_space(c.text)
            if _is_title_like(t) and len(t.split()) >= 3:
                return without_site(t)
    if above:
        first = normalize_space(above[-1].text)
        if _is_title_like(first):
            return without_site(first)
    return None


def _mark_byline(c: Candidate) -> None:
    if c.removed is not None and c.removed.reason != "title":
        c.removed.reason = BYLINE_REASON


def find_byline(doc: Document, above: list[Candidate], below: list[Candidate], lang: str | None
                ) -> tuple[str | None, str | None]:
    """(author, ISO date) from the by-line and dated lines nearest the article."""
    author = date = None
    dated: list[tuple[int, str]] = []
    ordered = above + below
    for i, c in enumerate(ordered):
        t = normalize_space(c.text)
        if len(t) > MAX_BYLINE_CHARS:
            continue
        a = author_in(t)
        if a is None and _BY_LABEL_ALONE.match(t) and c.before and i > 0:
            nxt = ordered[i - 1]  # the line below the label, nearer the article
            a = _name_from(normalize_space(nxt.text))
        d = find_date(t, line_language(t, lang))
        if a and author is None:
            author = a
            _mark_byline(c)
            if d:
                date = d.iso
                if author:
                    break
        if d and date is None:
            labelled = _DATE_LABEL.search(t) and not _UPDATED.search(t[:d.start])
            rank = 0 if labelled else 1 if c.before else 2
            dated.append((rank * 100 + c.distance, d.iso))
            if labelled or len(t) - (d.end - d.start) < 30:
                _mark_byline(c)
    if date is None and dated:
        date = min(dated)[1]
    return author, date


def extract_metadata(doc: Document, res: Resources) -> None:
    """Title, author, date of a text page (an HTML page's come from its markup)."""
    if doc.source_kind == "html":
        return
    above, below = _around_article(doc)
    lang = doc.language
    author, date = find_byline(doc, above, below, lang)
    if doc.title is None:
        doc.title = find_title(doc, above)
    if doc.author is None:
        doc.author = author
    if doc.date is None:
        doc.date = date


STEP = Step("metadata", extract_metadata,
            "title, author and date of a text page from its heading and by-line", family="structure")
