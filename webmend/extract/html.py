"""HTML -> the page's main text and metadata.

For now the main text comes from trafilatura (favouring precision off, as its
defaults), with title, author and date from its metadata extraction. The
corpus issue replaces this with a faster extractor of our own.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None


def extract_html(html: str, url: str | None = None) -> Extracted:
    """Main text and metadata of an HTML page (empty text if none is found)."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=True, deduplicate=False)
    if doc is None:
        return Extracted(text="")
    get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
    return Extracted(text=get("text") or "", title=get("title") or None, author=get("author") or None,
                     date=get("date") or None, language=get("language") or None)
