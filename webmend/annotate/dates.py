"""Dates written in text, in many languages and forms, as ISO 8601.

Forms: ISO (`2021-01-03`, `2021-01-03T19:23`), numeric with the language's
day/month order (`03.01.2021`, `1/3/2021`, the Korean boards' `20-09-18 19:23`),
CJK (`2021년 1월 3일`, `2021年1月3日`), and month names (`Jan 3, 2021`,
`3 January 2021`, `3. Januar 2021`, `3 de enero de 2021`, `3 января 2021`);
a time of day right after a date is kept (`19:23`, `8:03 am`, `오후 3:20`).
Month names and each language's usual order come from dateparser's locale
data, copied into `data/months.json` (`python -m webmend.annotate.dates`
rebuilds it), so nothing is parsed with a library at run time.

>>> find_date("작성일20-09-18 19:23", "ko").iso
'2020-09-18T19:23'
>>> find_date("By Jane Doe | Jan 3, 2021", "en").iso
'2021-01-03'
>>> find_date("Publié le 3 janvier 2021 à 10h05", "fr").iso
'2021-01-03T10:05'
>>> find_date("Posted on 3 January 2021").iso, find_date("Nov. 19, 2019 8:03 pm ET").iso
('2021-01-03', '2019-11-19T20:03')
>>> find_date("Опубликовано 5 марта 2021 г. в 10:15", "ru").iso
'2021-03-05T10:15'

>>> find_date("Call 555-1234 now") is None
True
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("data") / "months.json"
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    iso: str


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    try:
        return json.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"orders": {}, "months": {}, "shared": {}}


def date_order(lang: str | None) -> str:
    """The usual order of a numeric date in `lang` ('DMY', 'MDY' or 'YMD').

    >>> date_order("en"), date_order("de"), date_order("ko")
    ('MDY', 'DMY', 'YMD')
    """
    return _table()["orders"].get(lang or "", "DMY" if lang else "YMD")


@functools.lru_cache(maxsize=None)
def _month_names(lang: str | None) -> dict[str, int]:
    t = _table()
    names = dict(t["shared"])
    names.update(t["months"].get(lang or "", {}))
    return names


# A month name is any word here; whether it is one is a dictionary look-up.
_DAY_FIRST = re.compile(
    r"(?<![\w\d])(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|\.)?(?:\s+de)?\s+(?P<m>[^\W\d_]{3,})\.?,?"
    r"(?:\s+de)?\s+(?P<y>\d{4})(?!\d)")
_MONTH_FIRST = re.compile(
    r"(?<!\w)(?P<m>[^\W\d_]{3,})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)")
_DIGIT = re.compile(r"\d")
_YEAR4 = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<![\d.\-/])(?P<a>\d{1,4})(?P<sep>[./-])\s?(?P<b>\d{1,2})(?P=sep)\s?(?P<c>\d{2,4})(?![\d/-]|\.\d)")
_CJK = re.compile(r"(?P<y>\d{4})\s*[년年.]\s*(?P<m>\d{1,2})\s*[월月.]\s*(?P<d>\d{1,2})\s*[일日]?")
_TIME = re.compile(
    r"[\s,|·T@()\-]*(?:г\.\s*)?(?:at\s+|um\s+|à\s+|a las\s+|в\s+|alle\s+|às\s+)?(?P<pre>오전|오후|午前|午後|上午|下午)?\s*"
    r"(?P<h>\d{1,2})(?:[:h](?P<min>\d{2}))(?::\d{2})?\s*(?P<ampm>[ap]\.?\s?m\.?(?!\w))?", re.I)


def _year(y: int) -> int:
    if y < 100:
        return 2000 + y if y < 70 else 1900 + y
    return y


def _valid(y: int, m: int, d: int) -> bool:
    if not (MIN_YEAR <= y <= MAX_YEAR and 1 <= m <= 12 and 1 <= d <= 31):
        return False
    return d <= (29 if m == 2 else 30 if m in (4, 6, 9, 11) else 31)


def _with_time(text: str, end: int, y: int, m: int, d: int) -> tuple[str, int]:
    iso = f"{y:04d}-{m:02d}-{d:02d}"
    t = _TIME.match(text, end)
    if t:
        h, mi = int(t["h"]), int(t["min"])
        pm = (t["ampm"] or "").lower().startswith("p") or t["pre"] in ("오후", "午後", "下午")
        am = (t["ampm"] or "").lower().startswith("a") or t["pre"] in ("오전", "午前", "上午")
        if pm and h < 12:
            h += 12
        elif am and h == 12:
            h = 0
        if h < 24 and mi < 60:
            return f"{iso}T{h:02d}:{mi:02d}", t.end()
    return iso, end


def _numeric(a: str, b: str, c: str, lang: str | None) -> tuple[int, int, int] | None:
    """(y, m, d) of a numeric date a-b-c, read in the order `lang` writes dates."""
    x, y_, z = int(a), int(b), int(c)
    if len(a) == 4:
        return x, y_, z
    if len(c) == 4 or len(c) == 2 and len(a) <= 2:
        order = date_order(lang)
        if len(c) == 4 or order != "YMD":
            if order == "MDY" and x <= 12:
                return _year(z), x, y_
            if x > 12 >= y_ or order != "MDY":
                return _year(z), y_, x
            return _year(z), x, y_
        return _year(x), y_, z  # YY-MM-DD
    return None


def find_dates(text: str, lang: str | None = None) -> list[DateMatch]:
    """Every date in `text` (first 2,000 characters), in order of position."""
    t = text[:2000]
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, ymd: tuple[int, int, int] | None) -> None:
        if ymd is None or any(s < end and start < e for s, e in taken):
            return
        y, m, d = ymd
        if not _valid(y, m, d):
            return
        iso, end = _with_time(t, end, y, m, d)
        taken.append((start, end))
        found.append(DateMatch(start, end, iso))

    # each pattern only where the separator it needs is there
    if "-" in t:
        for mt in _ISO.finditer(t):
            add(mt.start(), mt.end(), (int(mt["y"]), int(mt["m"]), int(mt["d"])))
    if "." in t or "년" in t or "年" in t:
        for mt in _CJK.finditer(t):
            add(mt.start(), mt.end(), (int(mt["y"]), int(mt["m"]), int(mt["d"])))
    if _YEAR4.search(t):
        names = _month_names(lang)
        for pat in (_DAY_FIRST, _MONTH_FIRST):
            for mt in pat.finditer(t):
                name = mt["m"].lower()
                month = names.get(name)
                if month:
                    add(mt.start(), mt.end(), (int(mt["y"]), month, int(mt["d"])))
    if "." in t or "/" in t or "-" in t:
        for mt in _NUMERIC.finditer(t):
            add(mt.start(), mt.end(), _numeric(mt["a"], mt["b"], mt["c"], lang))
    found.sort(key=lambda m: m.start)
    return found


def find_date(text: str, lang: str | None = None) -> DateMatch | None:
    """The first date in `text`, or None."""
    if not _DIGIT.search(text, 0, 2000):
        return None
    dates = find_dates(text, lang)
    return dates[0] if dates else None


# ---------------------------------------------------------------- data build
def build() -> dict:
    """Month names (letters only, lowercase) and date orders from dateparser's
    locale data; `shared` holds names that mean the same month in every
    language that has them, usable when the page's language is unknown."""
    import importlib
    import pkgutil

    import dateparser.data.date_translation_data as pkg

    keys = ["january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december"]
    orders, months, meaning = {}, {}, {}
    for mod in pkgutil.iter_modules(pkg.__path__):
        lang = mod.name
        if "-" in lang or "_" in lang or len(lang) != 2:
            continue
        info = importlib.import_module(f"{pkg.__name__}.{lang}").info
        orders[lang] = info.get("date_order", "DMY")
        names = {}
        for i, key in enumerate(keys, 1):
            for n in info.get(key, []):
                n = n.lower().rstrip(".")
                if len(n) >= 3 and all(ch.isalpha() or ch == " " for ch in n):
                    names[n] = i
                    meaning.setdefault(n, set()).add(i)
        if names:
            months[lang] = names
    shared = {n: next(iter(ms)) for n, ms in meaning.items() if len(ms) == 1 and len(n) >= 3}
    orders["en"] = "MDY"
    return {"orders": orders, "months": months, "shared": shared}


if __name__ == "__main__":
    DATA.parent.mkdir(exist_ok=True)
    DATA.write_text(json.dumps(build(), ensure_ascii=False, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    print(f"wrote {DATA}")
