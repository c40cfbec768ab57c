"""The one data model: a `Document` flows through the pipeline's steps; each
change a step makes to its text is an `Edit` located in the page's input text.

A step never assigns `doc.text` directly when it changes words: it calls
`doc.replace(changes)`, which applies the changes, records them as Edits with
offsets into `doc.input_text`, and keeps the map from the working text back to
the input up to date. So however many steps touched a page, every edit can be
shown in, or undone against, the text the page arrived with.

>>> d = Document(id="p", source="workers\\\\and peasants")
>>> d.replace([Change(7, 11, " and", kind="escape", evidence="'\\\\' before 'and' on 40 lines")])
1
>>> d.text
'workers and peasants'
>>> e = d.edits[0]; (e.kind, e.start, e.end, e.before, e.after)
('escape', 7, 11, '\\\\and', ' and')
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple


class Change(NamedTuple):
    """A change a step asks for, in working-text coordinates (what the step sees)."""

    start: int
    end: int
    after: str
    kind: str = "edit"
    evidence: str = ""


@dataclass
class Edit:
    """One recorded change. `start`/`end` index `Document.input_text`; `before`
    is the text the step replaced (equal to `input_text[start:end]` unless an
    earlier edit already touched that span), `after` what it put there. Edits are
    listed in the order they were applied, so undoing them in reverse order
    restores the input."""

    kind: str
    start: int
    end: int
    before: str
    after: str
    evidence: str = ""

    def to_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end,
                "before": self.before, "after": self.after, "evidence": self.evidence}


@dataclass
class Removed:
    """A block taken out of the text (page chrome, a dangling fragment ...)."""

    text: str
    reason: str
    start: int = -1  # offsets into input_text
    end: int = -1

    def to_dict(self) -> dict:
        return {"text": self.text, "reason": self.reason, "start": self.start, "end": self.end}


class _Segment(NamedTuple):
    """A run of working text [work, work+wlen) that came from input [inp, inp+ilen).
    A verbatim run is an unchanged copy (wlen == ilen, maps position by position);
    any other run is replacement text and maps as a whole to its input span."""

    work: int
    wlen: int
    inp: int
    ilen: int
    verbatim: bool


class OffsetMap:
    """Maps working-text positions back to input-text positions.

    >>> m = OffsetMap(10)
    >>> m.apply([(2, 4, 1)])       # 2 chars at 2..4 replaced by 1 char
    >>> m.to_input(0, 2), m.to_input(2, 3), m.to_input(3, 9)
    ((0, 2), (2, 4), (4, 10))
    """

    def __init__(self, length: int):
        self.segments: list[_Segment] = [_Segment(0, length, 0, length, True)] if length else []
        self._starts = [s.work for s in self.segments]
        self._identity = length  # while nothing is changed, positions map to themselves (up to the length)

    def _locate(self, pos: int, *, end: bool) -> int:
        """Input position of working position `pos` (as a span start or span end)."""
        if not self.segments:
            return 0
        # For an end position a segment starting exactly at pos is not the one.
        i = bisect.bisect_left(self._starts, pos) - 1 if end else bisect.bisect_right(self._starts, pos) - 1
        i = max(i, 0)
        seg = self.segments[i]
        off = pos - seg.work
        if off >= seg.wlen:  # past the last segment
            return seg.inp + seg.ilen
        if seg.verbatim:
            return seg.inp + max(off, 0)
        if end:
            return seg.inp + seg.ilen if off > 0 else seg.inp
        return seg.inp

    def to_input(self, start: int, end: int) -> tuple[int, int]:
        """The input span a working span [start, end) came from."""
        if self._identity is not None and 0 <= start <= end <= self._identity:
            return start, end
        return self._locate(start, end=False), self._locate(end, end=True) if end > start else self._locate(start, end=False)

    def apply(self, changes: list[tuple[int, int, int]], spans: list[tuple[int, int]] | None = None) -> None:
        """Rebuild after replacing each working span [start, end) by `newlen`
        characters; `changes` sorted and non-overlapping, in old coordinates
        (`spans`: their input spans, when the caller has them already)."""
        out: list[_Segment] = []
        shift = 0
        ci = 0
        pending = changes if spans is not None else sorted(changes)

        def emit(seg: _Segment) -> None:
            if seg.wlen or seg.ilen:
                out.append(seg)

        def cut(seg: _Segment, a: int, b: int) -> _Segment:
            """The part of `seg` covering old working positions [a, b)."""
            if seg.verbatim:
                return _Segment(a + shift, b - a, seg.inp + (a - seg.work), b - a, True)
            return _Segment(a + shift, b - a, seg.inp, seg.ilen, False)

        segs = self.segments
        si = 0
        pos = 0  # old working position processed so far
        total = segs[-1].work + segs[-1].wlen if segs else 0
        while pos < total or ci < len(pending):
            nxt = pending[ci] if ci < len(pending) else None
            stop = nxt[0] if nxt else total
            # copy segments (or their parts) in [pos, stop)
            while pos < stop and si < len(segs):
                seg = segs[si]
                seg_end = seg.work + seg.wlen
                if seg_end <= pos:
                    si += 1
                    continue
                b = min(seg_end, stop)
                if seg.verbatim or (pos == seg.work and b == seg_end):
                    emit(cut(seg, pos, b))
                else:  # a piece of replacement text keeps its whole input span
                    emit(_Segment(pos + shift, b - pos, seg.inp, seg.ilen, False))
                pos = b
                if b == seg_end:
                    si += 1
            if nxt is None:
                break
            start, end_, newlen = nxt
            istart, iend = spans[ci] if spans is not None else self.to_input(start, end_)
            out.append(_Segment(start + shift, newlen, istart, iend - istart, False))
            shift += newlen - (end_ - start)
            pos = end_
            ci += 1
            # skip segments fully inside the replaced span
            while si < len(segs) and segs[si].work + segs[si].wlen <= pos:
                si += 1
        # merge zero-width insertions that share a spot with neighbours is not needed
        self.segments = [s for s in out if s.wlen or s.ilen]
        self._starts = [s.work for s in self.segments]
        self._identity = None


def _host_of(url: str | None) -> str:
    from urllib.parse import urlsplit

    if not url:
        return ""
    try:
        netloc = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return netloc.lower().removeprefix("www.")


@dataclass
class Document:
    """A page on its way through webmend.

    `source` is the raw input (plain text or HTML, as read); `input_text` is the
    text that Edit offsets index: the source itself for a text page, the text
    extracted from the HTML for an HTML page. `text` is the working text, the
    page's own text when the pipeline is done."""

    id: str
    source: str = ""
    url: str | None = None
    source_kind: str = "text"  # "text" or "html"
    input_text: str = ""
    text: str = ""
    title: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None
    truncated: bool = False
    lossy_encoding: bool = False
    edits: list[Edit] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    signals: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # things noticed but not edited
    rules: list[dict[str, Any]] = field(default_factory=list)  # learned repair rules applied, with evidence
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # reader details (file, line, record type)
    # What the first pass found on this page, for the second (see pipeline.restore_notes); not output.
    notes: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _map: OffsetMap | None = field(default=None, repr=False, compare=False)
    _host: tuple[str | None, str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.source_kind == "text" and not self.input_text:
            self.set_input_text(self.source)

    @property
    def host(self) -> str:
        """The page's host from its URL (lowercased, without 'www.'), or '' if none."""
        if self._host is None or self._host[0] != self.url:  # asked by every step: parsed once
            self._host = (self.url, _host_of(self.url))
        return self._host[1]

    @property
    def host_key(self) -> str:
        """What pages are pooled by: the host, or the page itself when it has no URL."""
        return self.host or f"#page:{self.id}"

    def set_input_text(self, text: str) -> None:
        """Declare the text that edits are located in (once, when it is known)."""
        self.input_text = text
        self.text = text
        self._map = OffsetMap(len(text))
        self.edits = []

    def to_input(self, start: int, end: int) -> tuple[int, int]:
        """The input-text span that working-text span [start, end) came from."""
        if self._map is None:
            self._map = OffsetMap(len(self.text))
        return self._map.to_input(start, end)

    def replace(self, changes: Iterable[Change], *, record: bool = True) -> int:
        """Apply non-overlapping changes given in working-text coordinates.

        Records each as an Edit (unless `record` is False, for pure layout such as
        trailing spaces) and returns how many were applied. Overlapping changes
        are an error of the calling step."""
        todo = sorted((c for c in changes if self.text[c.start:c.end] != c.after), key=lambda c: (c.start, c.end))
        if not todo:
            return 0
        if self._map is None:
            self._map = OffsetMap(len(self.text))
        prev_end = -1
        for c in todo:
            if c.start < prev_end or c.start > c.end or c.end > len(self.text):
                raise ValueError(f"overlapping or out-of-range change {c!r}")
            prev_end = c.end
        to_input = self._map.to_input
        spans = [to_input(c.start, c.end) for c in todo]
        if record:
            text, edits = self.text, self.edits
            for c, (s, e) in zip(todo, spans):
                edits.append(Edit(c.kind, s, e, text[c.start:c.end], c.after, c.evidence))
        parts, pos = [], 0
        for c in todo:
            parts.append(self.text[pos:c.start])
            parts.append(c.after)
            pos = c.end
        parts.append(self.text[pos:])
        self._map.apply([(c.start, c.end, len(c.after)) for c in todo], spans)
        self.text = "".join(parts)
        return len(todo)

    def remove(self, start: int, end: int, reason: str) -> None:
        """Take working-text span [start, end) out of the text as a removed block."""
        s, e = self.to_input(start, end)
        self.removed.append(Removed(self.text[start:end].strip(), reason, s, e))
        self.replace([Change(start, end, "", kind="remove")], record=False)

    def to_record(self, *, with_input: bool = False, with_evidence: bool = False) -> dict[str, Any]:
        """The output record (schema in docs/schema.md)."""
        edits = [e.to_dict() for e in self.edits]
        if not with_evidence:
            for e in edits:
                e.pop("evidence")
        rec = {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "language": self.language,
            "text": self.text,
            "truncated": self.truncated,
            "lossy_encoding": self.lossy_encoding,
            "edits": edits,
            "removed": [{"text": r.text, "reason": r.reason} for r in self.removed],
            "signals": self.signals,
            "flags": self.flags,
            "rules": self.rules,
            "error": self.error,
        }
        if with_input:
            rec["input_text"] = self.input_text
        return rec
