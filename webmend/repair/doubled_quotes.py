"""Doubled quotes: a site that escaped text for an SQL string literal wrote
every straight apostrophe twice and stored it so (`it''s`, `O''Brien`,
`''quoted''`).

Learned from the page's own apostrophes, as magic quotes are (backslashes.py):
an apostrophe between two letters is the evidence, since no author doubles
one inside a word, while a quotation mark (`''` closing a double quote, a
wiki's `''italics''`) stands at a word's edge. A page whose apostrophes
inside words are doubled (one is enough), hardly any single, is undone: as many rounds of
doubling as its shortest run inside a word shows, each halving every run of
straight quotes. A page with a doubled quote at a word's edge only
(`Edmunds'' view`) is undone when its host shows the damage (the
first pass counts the doubled and single apostrophes inside words of each
page with a doubled quote).
"""
from __future__ import annotations

import re

from webmend.document import Change, Document
from webmend.pipeline import HostStats, Resources, Step

MIN_DOUBLED = 1       # doubled apostrophes inside words a page needs on its own (no author doubles one)...
SINGLE_SHARE = 0.25   # ...with at most this many single ones per doubled one
MIN_HOST_DOUBLED = 3  # a host's pages together, for a page with none inside a word

_INSIDE = re.compile(r"(?<=[^\W\d_])'+(?=[^\W\d_])")  # straight apostrophes between two letters
_RUN = re.compile(r"'{2,}")
KEY = "doubled_quotes"


def apostrophes(text: str) -> tuple[list[int], int]:
    """The lengths of the runs of two straight apostrophes or more between
    two letters, and how many single ones stand so.

    >>> apostrophes("It''s O''''Brien''s, ''quoted'' and it's")
    ([2, 4, 2], 1)
    """
    if "'" not in text:
        return [], 0
    runs = [m.end() - m.start() for m in _INSIDE.finditer(text)]
    return [n for n in runs if n > 1], runs.count(1)


def consistent(doubled: int, single: int, least: int) -> bool:
    """Whether `doubled` apostrophes inside words, against `single` ones, show the damage."""
    return doubled >= least and single <= SINGLE_SHARE * doubled


def find_doubled_quotes(text: str, host: tuple[int, int] = (0, 0)) -> tuple[list[Change], dict | None]:
    """Changes undoing the doubling of straight quotes, when the page's
    apostrophes inside words are doubled consistently (or, for a page with
    none inside a word, its `host`'s (doubled, single) counts show it): as many rounds
    as the shortest run inside a word shows (a run of four is two rounds),
    every run of quotes whose length they divide cut down accordingly.

    >>> ch, rule = find_doubled_quotes("It''s O''Brien''s ''best'' work; don''t ask.")
    >>> [c.after for c in ch], rule["hits"]
    (["'", "'", "'", "'", "'", "'"], 4)
    >>> [c.after for c in find_doubled_quotes("It''''s and don''''t, ''''so''''.")[0]]
    ["'", "'", "'", "'"]
    >>> find_doubled_quotes("the ``Times'' and the ''Herald'' said it's so")[0]
    []
    >>> len(find_doubled_quotes("It''s late.")[0]), len(find_doubled_quotes("It''s late, it's said.")[0])
    (1, 0)
    >>> len(find_doubled_quotes("Edmunds'' view")[0]), len(find_doubled_quotes("Edmunds'' view", host=(9, 0))[0])
    (0, 1)
    """
    if "''" not in text:
        return [], None
    runs, single = apostrophes(text)
    doubled = len(runs)
    if not (consistent(doubled, single, MIN_DOUBLED)
            or single <= SINGLE_SHARE * doubled and consistent(*host, MIN_HOST_DOUBLED)):
        return [], None
    least = min(runs, default=2)
    rounds = least.bit_length() - 1
    if least != 2 ** rounds:
        return [], None  # no number of rounds of doubling makes such a run
    why = f"{doubled} doubled apostrophes inside words, {single} single" + (
        f" (host: {host[0]} doubled, {host[1]} single)" if doubled < MIN_DOUBLED else "")
    changes = [Change(m.start(), m.end(), "'" * (len(m.group()) // least), kind="doubled_quote", evidence=why)
               for m in _RUN.finditer(text) if len(m.group()) % least == 0]
    rule = {"family": "escaping", "rule": f"quotes doubled for an SQL string x{rounds}: '' -> '",
            "hits": doubled, "counterexamples": single, "rounds": rounds}
    return changes, rule


def observe_doubled_quotes(doc: Document, stats: HostStats) -> None:
    """First pass: a page's doubled and single apostrophes inside words, if it has a doubled quote."""
    if "''" in doc.text:
        runs, single = apostrophes(doc.text)
        stats.add(KEY, {"doubled": len(runs), "single": single})


def repair_doubled_quotes(doc: Document, res: Resources) -> None:
    if "''" not in doc.text:
        return
    stats = res.host_stats(doc) if res is not None else None
    c = stats.counters.get(KEY) if stats is not None else None
    changes, rule = find_doubled_quotes(doc.text, (c["doubled"], c["single"]) if c else (0, 0))
    if changes:
        doc.replace(changes)
        doc.rules.append(rule)


STEP = Step("doubled_quotes", repair_doubled_quotes,
            "quotes doubled for an SQL string (it''s): undone on pages doubling their apostrophes consistently",
            family="repair", observe=observe_doubled_quotes)
