"""Word statistics per language: wordfreq lexicons (`words`), spelling dictionaries (`spelling`)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, TypeVar

T = TypeVar("T")


def hold(held: "OrderedDict[str, T | None]", key: str, make: Callable[[], T | None], size: Callable[[T], int],
         budget: int, most: int | None = None) -> T | None:
    """What `held` keeps under `key`, made (and kept) on first use. The least
    recently used entries are dropped while those held exceed `budget` in
    `size` or `most` in number; the newest always stays.

    >>> held = OrderedDict()
    >>> hold(held, "a", lambda: "aa", len, 5), hold(held, "b", lambda: "bb", len, 5), list(held)
    ('aa', 'bb', ['a', 'b'])
    >>> hold(held, "c", lambda: "ccc", len, 5), list(held)  # 7 > 5: 'a', the least recently used, goes
    ('ccc', ['b', 'c'])
    """
    if key in held:
        held.move_to_end(key)
        return held[key]
    value = held[key] = make()
    while len(held) > 1 and ((most is not None and len(held) > most)
                             or sum(size(v) for v in held.values() if v is not None) > budget):
        held.popitem(last=False)
    return value
