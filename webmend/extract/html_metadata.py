"""Title, author, date and language of an HTML page, from its metadata.

Read from the parsed tree (before scripts are dropped, since JSON-LD lives in
<script> elements), in the order publishers fill them most reliably:
Open Graph / article meta tags, JSON-LD, schema.org microdata, then the
visible page (<title>, <h1>, <time>, rel=author). When no date is declared,
htmldate's fast (non-extensive) search looks for one in the page and its URL.

>>> from selectolax.lexbor import LexborHTMLParser
>>> t = LexborHTMLParser('<html lang="es-ES"><head><meta property="og:title" content="Escopete">'
...     '<meta name="author" content="Ana Pérez"><meta property="article:published_time" '
...     'content="2024-05-21T10:00:00Z"></head><body></body></html>')
>>> page_metadata(t)
PageMetadata(title='Escopete', author='Ana Pérez', date='2024-05-21', language='es')
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from htmldate import find_date  # imported once with the module (0.3 s), not inside a page's time

_SPACES = re.compile(r"\s+")
_ISO_DATE = re.compile(r"((?:19|20)\d\d)-([01]\d)-([0-3]\d)")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?:/|[-_]|$)")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?=$|[-_])")
_TITLE_SEP = re.compile(r"\s+[|\-–—·»:]\s+")

TITLE_META = ("og:title", "twitter:title", "title", "dc.title", "sailthru.title", "parsely-title")
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl",
               "citation_author", "twitter:creator")
DATE_META = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
             "publish-date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
             "article.published", "citation_publication_date", "published_time", "release_date",
             "article:modified_time", "og:updated_time", "datemodified", "last-modified")


@dataclass
class PageMetadata:
    title: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None


def _clean(s: str | None, limit: int = 300) -> str | None:
    if not s:
        return None
    s = _SPACES.sub(" ", s).strip()
    return s[:limit] if s else None


_SELECTOR = ('meta, script[type="application/ld+json"], title, h1, time[datetime], [itemprop="author"], '
             '[rel="author"]')
METADATA_SELECTOR = _SELECTOR


def _scan(tree, found=None) -> tuple[list, list, dict]:
    """One pass over the tree (one CSS query): the <meta> elements, the JSON-LD
    scripts, and the first <title>, <h1>, <time datetime> and author element.
    `found`: the matches of a query that included METADATA_SELECTOR (and maybe
    others: they are passed over), instead of querying again."""
    metas, scripts, first = [], [], {}
    for node in (tree.css(_SELECTOR) if found is None else found):
        tag = node.tag
        if tag == "meta":
            metas.append(node)
        elif tag == "script":
            if (node.attributes.get("type") or "").lower() == "application/ld+json":
                scripts.append(node)
        else:
            a = node.attributes
            if tag == "time" and "datetime" in a:
                first.setdefault("time", node)
            elif tag in ("title", "h1"):
                first.setdefault(tag, node)
            if a.get("itemprop") == "author":
                first.setdefault("itemprop_author", node)
            if a.get("rel") == "author":
                first.setdefault("rel_author", node)
    return metas, scripts, first


def _meta_tags(metas) -> dict[str, str]:
    """name/property/itemprop (lowercased) -> content of the first such <meta>."""
    out: dict[str, str] = {}
    for m in metas:
        a = m.attributes
        content = a.get("content")
        if not content:
            continue
        for key in ("property", "name", "itemprop", "http-equiv"):
            k = a.get(key)
            if k:
                out.setdefault(k.strip().lower(), content)
    return out


def _json_ld(scripts) -> list[dict]:
    """The JSON-LD objects of the page (flattened @graph lists); bad JSON skipped."""
    objs: list[dict] = []
    for s in scripts:
        raw = s.text(deep=True) or ""
        if len(raw) > 500_000:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack and len(objs) < 50:
            d = stack.pop()
            if isinstance(d, list):
                stack.extend(reversed(d))
            elif isinstance(d, dict):
                objs.append(d)
                if isinstance(d.get("@graph"), list):
                    stack.extend(reversed(d["@graph"]))
    return objs


def _ld_name(v) -> str | None:
    """A JSON-LD author value (string, object, or list of them) as names."""
    if isinstance(v, str):
        return v if not v.startswith("http") else None
    if isinstance(v, dict):
        return _ld_name(v.get("name"))
    if isinstance(v, list):
        names = [n for n in (_ld_name(x) for x in v[:5]) if n]
        return ", ".join(names) or None
    return None


def normalise_date(s: str | None) -> str | None:
    """YYYY-MM-DD from an ISO-like date string, or None.

    >>> normalise_date("2019-11-19T12:00:00+01:00"), normalise_date("yesterday")
    ('2019-11-19', None)
    """
    if not s:
        return None
    m = _ISO_DATE.search(s)
    if not m:
        return None
    y, mo, d = m.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    return f"{y}-{mo}-{d}"


def date_from_url(url: str | None) -> str | None:
    """A date written in a URL's path.

    >>> date_from_url("https://www.nytimes.com/2019/11/19/opinion/x.html")
    '2019-11-19'
    """
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _title(first: dict, meta: dict[str, str], ld: list[dict]) -> str | None:
    for k in TITLE_META:
        if meta.get(k):
            return _clean(meta[k])
    for d in ld:
        if isinstance(d.get("headline"), str):
            return _clean(d["headline"])
    node = first.get("title")
    title = _clean(node.text()) if node is not None else None
    if title:
        parts = _TITLE_SEP.split(title)
        if len(parts) > 1:  # "Article title | Site" -> the longest part
            return max(parts, key=len)
        return title
    h1 = first.get("h1")
    return _clean(h1.text()) if h1 is not None else None


def _author(first: dict, meta: dict[str, str], ld: list[dict]) -> str | None:
    for k in AUTHOR_META:
        v = meta.get(k)
        if v and not v.startswith("http") and not v.startswith("@"):
            return _clean(v, 200)
    for d in ld:
        name = _ld_name(d.get("author"))
        if name:
            return _clean(name, 200)
    for key in ("itemprop_author", "rel_author"):
        node = first.get(key)
        if node is not None:
            name = _clean(node.text(), 200)
            if name and len(name) < 100:
                return name
    return None


def _date(first: dict, meta: dict[str, str], ld: list[dict], html: str | None, url: str | None) -> str | None:
    for k in DATE_META:
        d = normalise_date(meta.get(k))
        if d:
            return d
    for d in ld:
        for k in ("datePublished", "dateCreated", "dateModified"):
            v = d.get(k)
            if isinstance(v, str) and normalise_date(v):
                return normalise_date(v)
    node = first.get("time")
    if node is not None:
        d = normalise_date(node.attributes.get("datetime"))
        if d:
            return d
    d = date_from_url(url)
    if d:
        return d
    if html:
        return date_by_htmldate(html, url)
    return None


def date_by_htmldate(html: str, url: str | None = None) -> str | None:
    """htmldate's fast (non-extensive) search of a page's source for its date
    (the whole source: without its scripts htmldate finds a quarter fewer)."""
    try:
        return normalise_date(find_date(html[:2_000_000], url=url, extensive_search=False))
    except Exception:  # htmldate on broken markup: no date rather than no page
        return None


def _language(tree, meta: dict[str, str]) -> str | None:
    node = tree.root
    for v in ((node.attributes.get("lang") if node is not None else None),
              (node.attributes.get("xml:lang") if node is not None else None),
              meta.get("content-language"), meta.get("og:locale"), meta.get("language")):
        if v:
            m = _LANG.match(v.strip())
            if m:
                return m.group(0).lower()
    return None


def page_metadata(tree, url: str | None = None, html: str | None = None, found=None) -> PageMetadata:
    """Metadata of a parsed page (a selectolax Lexbor tree, scripts still in).

    `html` is the page's source, for htmldate's fallback search for a date
    (None: no fallback); `found` as for `_scan`."""
    metas, scripts, first = _scan(tree, found)
    meta = _meta_tags(metas)
    ld = _json_ld(scripts)
    return PageMetadata(_title(first, meta, ld), _author(first, meta, ld), _date(first, meta, ld, html, url),
                        _language(tree, meta))
