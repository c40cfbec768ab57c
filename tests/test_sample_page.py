"""The page webmend exists for, through the whole pipeline: the acceptance
facts of the repair and structure issues on the bundled sample page."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT, score_module

import webmend

HAND_REPAIR = (ROOT / "tests" / "data" / "kancc-hand-repair.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def mended(sample_text):
    return webmend.mend(text=sample_text, id="kancc")


def test_no_damage_mark_is_left(mended):
    text = mended.text
    assert not re.search(r"\\[A-Za-z]", text), "a backslash before a letter"
    assert not re.search(r"(?<!\w)rom\b", text), "'rom' for 'from'"
    assert "cir-cumstances" not in text and "circumstances" in text
    assert "Soviet Union" in text and "Soviet union" not in text


def test_body_is_within_a_tenth_of_a_percent_of_the_hand_repair(mended):
    score = score_module()
    gold = score.tokens(HAND_REPAIR)
    errors = score.edit_distance(score.tokens(mended.text), gold)
    assert errors / len(gold) <= 0.001, f"{errors} token errors in {len(gold)} tokens"


def test_metadata_and_flags(mended):
    assert mended.title == "[Reminiscences]Chapter 21 6. “Let Us Defend the Soviet Union with Arms!”"
    assert mended.author == "편집국"
    assert mended.date == "2020-09-18T19:23"
    assert mended.language == "en"
    assert mended.truncated is True
    assert mended.error is None


def test_exactly_its_own_text_is_kept(mended):
    paragraphs = mended.text.split("\n\n")
    assert paragraphs[0] == "6. “Let Us Defend the Soviet Union with Arms!”"
    assert paragraphs[-1].endswith("The warmongers got what they deserved.")
    for chrome in ("본문 바로가기", "페이지 정보", "추천 0", "페이스북으로 보내기", "등록된 댓글이 없습니다",
                   "Copyright", "webmaster@kancc.org", "사랑의 길"):
        assert chrome not in mended.text
    reasons = {r.reason for r in mended.removed}
    assert any("trunc" in r for r in reasons)


def test_every_edit_is_located_in_the_input(mended, sample_text):
    assert mended.edits
    for e in mended.edits:
        assert 0 <= e.start <= e.end <= len(sample_text)
        if e.before == sample_text[e.start:e.end]:
            continue
        # an edit on text an earlier edit changed: its span still covers that text's origin
        assert e.end > e.start


def test_mending_is_idempotent(mended):
    again = webmend.mend(text=mended.text, id="again")
    assert again.text == mended.text
    assert not again.edits
