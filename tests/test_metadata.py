"""Title, author and date from a text page's heading and by-line, in many languages."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from webmend.annotate.dates import find_date
from webmend.annotate.metadata import author_in, title_without_site
from webmend.document import Document
from webmend.pipeline import Options, mend, mend_all

from conftest import BENCH

PAGES = Path(__file__).parent / "data" / "structure"
NO_REPAIR = Options(skip=frozenset({"repair"}))


@pytest.mark.parametrize("line, author", [
    ("By Jane Doe | Jan 3, 2021", "Jane Doe"),
    ("by Jeff Foust — November 18, 2019", "Jeff Foust"),
    ("Posted by Michael David Smith on November 19, 2019, 6:21 AM EST", "Michael David Smith"),
    ("Written by Rachael Link, MS, RD on November 14, 2019", "Rachael Link"),
    ("By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER", "LISA MASCARO"),
    ("Autor: Hans Müller", "Hans Müller"),
    ("Von Moritz Bachmann publiziert am 25. September 2018", "Moritz Bachmann"),
    ("Por María López", "María López"),
    ("Publié le 3 janvier 2021 par Jean Dupont", "Jean Dupont"),
    ("Автор: Иван Петров", "Иван Петров"),
    ("작성자 편집국 작성일20-09-18 19:23 댓글0건", "편집국"),
    ("기자명 김민수 기자", "김민수"),
    ("김민수 기자 kim@news.example", "김민수"),
])
def test_author_from_by_lines(line, author):
    assert author_in(line) == author


@pytest.mark.parametrize("line", [
    "By clicking Confirm Account, I agree to the terms of service.",
    "By choosing I Accept, you consent to our use of cookies.",
    "The soldiers crossed the river by night.",
])
def test_sentences_starting_like_a_by_line_name_nobody(line):
    assert author_in(line) is None


@pytest.mark.parametrize("line, lang, iso", [
    ("작성일20-09-18 19:23", "ko", "2020-09-18T19:23"),
    ("By Jane Doe | Jan 3, 2021", "en", "2021-01-03"),
    ("Posted on 3 January 2021", "en", "2021-01-03"),
    ("Publié le 3 janvier 2021 à 10h05", "fr", "2021-01-03T10:05"),
    ("Veröffentlicht am 3. Februar 2021, 14:20 Uhr", "de", "2021-02-03T14:20"),
    ("Publicado el 12 de abril de 2021", "es", "2021-04-12"),
    ("Опубликовано 5 марта 2021 г. в 10:15", "ru", "2021-03-05T10:15"),
    ("2021-01-03T19:23:00Z", None, "2021-01-03T19:23"),
    ("03.01.2021", "de", "2021-01-03"),
    ("1/3/2021", "en", "2021-01-03"),
    ("2021년 1월 3일 오후 3:20", "ko", "2021-01-03T15:20"),
    ("2021年1月3日", "ja", "2021-01-03"),
    ("Nov. 19, 2019 8:03 am ET", "en", "2019-11-19T08:03"),
    ("2021.01.03 10:05", "ko", "2021-01-03T10:05"),   # a CJK-ordered date with dots
    ("Posted 2021/01/03", "en", "2021-01-03"),
])
def test_dates_in_many_forms(line, lang, iso):
    assert find_date(line, lang).iso == iso


@pytest.mark.parametrize("text", ["Call 555-1234 now", "Rooms 12-14", "Version 2.3.1", "99/100 people agree"])
def test_numbers_that_are_not_dates(text):
    assert find_date(text, "en") is None


def test_spaces_normalised_like_the_regex(sample_text):
    """normalize_space folds every whitespace the regex \\s knows (no-break,
    em and thin spaces, tabs) into one space."""
    from webmend.annotate.metadata import normalize_space
    lines = sample_text.splitlines() + ["\u00a0By\u2003Jane\tDoe \u2009| 3\u00a0Jan 2021\u3000"]
    for line in lines:
        assert normalize_space(line) == re.sub(r"\s+", " ", line).strip()


def test_title_loses_the_site_name():
    assert title_without_site("Volcano erupts | Example News", set(), "examplenews.com") == "Volcano erupts"
    assert title_without_site("Board > The heading", {"Board"}, "") == "The heading"
    assert title_without_site("War and Peace - a review", set(), "books.example") == "War and Peace - a review"


@pytest.mark.parametrize("lang, title, author, date", [
    ("en", "Volunteers count a record number of swifts", "Jane Doe", "2021-01-03"),
    ("ko", "서울 도심 하천 복원 사업 10년, 무엇이 달라졌나", "김민수", "2021-03-15T09:30"),
    ("de", "Stadtwerke setzen auf Wärmepumpen", "Anna Becker", "2021-02-03T14:20"),
    ("es", "La biblioteca municipal amplía su horario", "María López", "2021-04-12"),
    ("ru", "В городе запустят новый трамвайный маршрут", "Иван Петров", "2021-03-05T10:15"),
])
def test_page_metadata_in_five_languages(lang, title, author, date):
    d = mend(text=(PAGES / f"{lang}.txt").read_text(encoding="utf-8"), options=NO_REPAIR)
    assert (d.title, d.author, d.date, d.language) == (title, author, date, lang)


def test_sample_metadata_with_the_site_name_in_the_first_line(sample_text):
    d = mend(text=sample_text, options=NO_REPAIR)
    assert "회고록" not in d.title and "…" not in d.title
    assert (d.author, d.date) == ("편집국", "2020-09-18T19:23")


_URL_DATE = re.compile(r"/(20\d\d)/(\d\d)/(\d\d)/")


def test_dates_of_benchmark_pages_agree_with_their_urls():
    """Pages whose URL carries a date (/2019/11/19/): the date read from the text
    is that day, or the day after (time zones), for most of them."""
    with gzip.open(BENCH / "wet.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    dated = [r for r in rows if _URL_DATE.search(r["url"])][:30]
    docs = list(mend_all([Document(id=r["id"], url=r["url"], source=r["text"]) for r in dated], NO_REPAIR))
    agree = found = 0
    for r, d in zip(dated, docs):
        if d.date:
            found += 1
            y, m, day = map(int, _URL_DATE.search(r["url"]).groups())
            got = tuple(map(int, d.date[:10].split("-")))
            agree += got[:2] == (y, m) and abs(got[2] - day) <= 1
    assert found >= 0.7 * len(dated) and agree >= 0.8 * found, (found, agree, len(dated))
