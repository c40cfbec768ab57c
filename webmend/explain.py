"""What `webmend clean --explain` prints on stderr: each page's learned
rules, edits, removed blocks and flags as the page is written, and at the
end of the run a summary per host of what its pages were found to suffer
from (the rules learned from the host's pooled pages once, not once a page).

>>> from webmend.document import Document
>>> doc = Document(id="p1", url="https://site.example/a", source="x")
>>> doc.rules.append({"family": "lost_letters", "rule": "'rom' -> 'from'", "scope": "host", "hits": 40})
>>> report = HostReport(); report.add(doc); report.add(doc)
>>> print("\\n".join(report.lines()))
== host site.example: 2 pages
  rule [lost_letters] 'rom' -> 'from': scope=host, hits=40 (on 2 pages)
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from webmend.document import Document

_PAGE_FIELDS = ("applied", "by_context")  # what a host's rule did on one page: summed, not shown per page
MAX_HOSTS = 100_000  # hosts the summary keeps; later ones are only counted (memory stays bounded)


def page_lines(doc: Document) -> list[str]:
    """A page's rules, edits, removed blocks and flags, one line each."""
    out = [f"== {doc.id}" + (f"  {doc.url}" if doc.url else "") + (f"  ERROR: {doc.error}" if doc.error else "")]
    for r in doc.rules:
        out.append(f"  rule [{r.get('family', '?')}] {r.get('rule')}: {_evidence(r)}")
    for e in doc.edits:
        out.append(f"  edit {e.kind} @{e.start}-{e.end}: {e.before!r} -> {e.after!r}"
                   + (f"  ({e.evidence})" if e.evidence else ""))
    for r in doc.removed:
        snippet = r.text if len(r.text) <= 70 else r.text[:67] + "..."
        out.append(f"  removed ({r.reason}): {snippet!r}")
    out.extend(f"  flag: {f}" for f in doc.flags)
    return out


def _count(n: int, noun: str) -> str:
    """A number and its noun.

    >>> _count(1, "page"), _count(3, "hit")
    ('1 page', '3 hits')
    """
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _evidence(rule: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in rule.items() if k not in ("rule", "family"))


@dataclass
class _Host:
    pages: int = 0
    errors: int = 0
    edits: Counter = field(default_factory=Counter)        # edit kind -> edits
    rules: dict = field(default_factory=dict)              # (family, rule, scope) -> the first entry seen
    rule_pages: Counter = field(default_factory=Counter)   # (family, rule, scope) -> pages that carry it
    rule_hits: Counter = field(default_factory=Counter)    # (family, rule, scope) -> hits summed over them
    rule_read: Counter = field(default_factory=Counter)    # (family, rule, scope) -> places read by context, summed
    flags: Counter = field(default_factory=Counter)        # flag's kind (its text up to ':') -> pages


class HostReport:
    """Per host, in the order hosts were first seen: its pages, their edits
    by kind, the rules its pages carry (a host-scope rule, learned from the
    host's pooled pages, with its evidence once; a page-scope rule with the
    number of pages that learned it) and the kinds of flags raised."""

    def __init__(self, max_hosts: int = MAX_HOSTS):
        self.max_hosts = max_hosts
        self.hosts: dict[str, _Host] = {}
        self.pages_past = 0  # pages of the hosts past max_hosts: counted, not summarised

    def add(self, doc: Document) -> None:
        host = self.hosts.get(doc.host_key)
        if host is None:
            if len(self.hosts) >= self.max_hosts:
                self.pages_past += 1
                return
            host = self.hosts[doc.host_key] = _Host()
        host.pages += 1
        host.errors += bool(doc.error)
        host.edits.update(e.kind for e in doc.edits)
        for r in doc.rules:
            key = (r.get("family", "?"), str(r.get("rule")), r.get("scope", "page"))
            host.rules.setdefault(key, r)
            host.rule_pages[key] += 1
            if isinstance(r.get("hits"), int):
                host.rule_hits[key] += r["hits"]
            if isinstance(r.get("by_context"), int):
                host.rule_read[key] += r["by_context"]
        host.flags.update({f.split(":", 1)[0] if ":" in f[:40] else f for f in doc.flags})

    def lines(self) -> list[str]:
        """The summary: a block per host that has rules, edits or flags."""
        out = []
        for name, h in self.hosts.items():
            if not (h.rules or h.edits or h.flags or h.errors):
                continue
            head = f"== host {name}: {_count(h.pages, 'page')}"
            if h.errors:
                head += f", {h.errors} with errors"
            if h.edits:
                head += "; edits: " + ", ".join(f"{k} {n}" for k, n in h.edits.most_common())
            out.append(head)
            # the host's own rules first, then those of single pages, the most widespread first
            for key in sorted(h.rules, key=lambda k: (k[2] != "host", -h.rule_pages[k])):
                pages = _count(h.rule_pages[key], "page")
                if key[2] == "host":  # learned from the host's pooled pages: the same evidence on each
                    pooled = {k: v for k, v in h.rules[key].items() if k not in _PAGE_FIELDS}
                    read = f", {h.rule_read[key]} read by their neighbours" if key in h.rule_read else ""
                    out.append(f"  rule [{key[0]}] {key[1]}: {_evidence(pooled)} (on {pages}{read})")
                else:  # each page's own evidence
                    hits = f", {_count(h.rule_hits[key], 'hit')} in all" if key in h.rule_hits else ""
                    out.append(f"  rule [{key[0]}] {key[1]}: scope={key[2]}, learned on {pages}{hits}")
            for flag, n in h.flags.most_common():
                out.append(f"  flag: {flag} (on {_count(n, 'page')})")
        if self.pages_past:
            out.append(f"== {self.pages_past} more pages, of hosts past the {self.max_hosts:,} this summary keeps")
        return out
