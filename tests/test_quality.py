"""Quality signals against values computed by hand on a real paragraph (the
opening of a benchmark article), and the --filter rules."""
from __future__ import annotations

import json

import pytest

from webmend.annotate.quality import FilterError, failed_rules, parse_filter, quality_signals
from webmend.pipeline import Options, mend

from conftest import run_cli

WSJ = "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856"


@pytest.fixture(scope="module")
def opening(ground_truth) -> str:
    """'Gaming used to be so simple. We’d buy a game, sit down in front of a
    console or PC, grind our way to the end, then repeat.' (a WSJ article's
    first paragraph, from the benchmark's ground truth)."""
    text = ground_truth[WSJ]["articleBody"].split("\n\n")[0]
    assert text.startswith("Gaming used to be so simple.") and text.endswith("then repeat.")
    return text


def test_gopher_quality_by_hand(opening):
    s = quality_signals(opening)
    # Words (edge punctuation stripped): Gaming used to be so simple We’d buy a game
    # sit down in front of a console or PC grind our way to the end then repeat = 27,
    # letters 6+4+2+2+2+6+4+3+1+4+3+4+2+5+2+1+7+2+2+5+3+3+2+3+3+4+6 = 91.
    assert s["gopher_words"] == 27
    assert s["gopher_mean_word_length"] == round(91 / 27, 4)
    # Stop words: to, be, of, to, the.
    assert s["gopher_stop_words"] == 5
    assert s["gopher_alpha_word_share"] == 1.0
    assert s["gopher_hash_word_ratio"] == s["gopher_ellipsis_word_ratio"] == 0.0
    assert s["gopher_bullet_line_share"] == s["gopher_ellipsis_line_share"] == 0.0


def test_c4_and_fineweb_by_hand(opening):
    s = quality_signals(opening)
    # One line, ending in '.', 27 words: C4 keeps it; two sentences ("simple." and "repeat.").
    assert (s["c4_lines"], s["c4_kept_lines"], s["c4_kept_sentences"]) == (1, 1, 2)
    assert s["c4_terminal_punct_line_share"] == 1.0 and s["c4_short_line_share"] == 0.0
    assert (s["c4_javascript_lines"], s["c4_policy_lines"], s["c4_lorem_ipsum"], s["c4_curly_bracket"]) == (0, 0, 0, 0)
    assert s["fineweb_line_punct_share"] == 1.0
    assert s["fineweb_short_line_share"] == 0.0  # the line is far longer than 30 characters
    assert s["fineweb_dup_line_char_share"] == 0.0 and s["fineweb_newline_word_ratio"] == 0.0


def test_repetition_by_hand(opening):
    assert quality_signals(opening)["gopher_top_2gram_char_share"] == 0.0  # no bigram repeats
    text = opening + "\n\n" + opening
    size = len(text)  # 2 L + 2
    s = quality_signals(text)
    assert s["gopher_dup_para_share"] == 0.5 and s["gopher_dup_line_share"] == 0.5
    assert s["gopher_dup_para_char_share"] == round(len(opening) / size, 4)
    assert s["gopher_dup_line_char_share"] == round(len(opening) / size, 4)
    # Every bigram now occurs twice; the first, "Gaming used", covers (6+1+4) x 2 chars.
    assert s["gopher_top_2gram_char_share"] == round(22 / size, 4)
    # Duplicate 5-grams, scanning the 54 words: from the second "Gaming" the 5-grams
    # repeat; jumps of 5 cover "Gaming used to be so" (20 chars with spaces), "simple
    # We’d buy a game" (22), "sit down in front of" (20), "a console or PC grind"
    # (21), "our way to the end" (18); the last two words are left: 101 chars.
    assert s["gopher_dup_5gram_char_share"] == round(101 / size, 4)
    assert s["fineweb_dup_line_char_share"] == 0.5


def test_filter_presets_and_expressions(opening):
    s = quality_signals(opening)
    assert failed_rules(s, parse_filter("gopher_quality")) == ["gopher_words>=50"]
    assert failed_rules(s, parse_filter("c4")) == ["c4_kept_sentences>=5"]
    assert failed_rules(s, parse_filter("gopher_words>=20, gopher_stop_words>5")) == ["gopher_stop_words>5"]
    with pytest.raises(FilterError):
        parse_filter("gopher_wrods>=3")
    with pytest.raises(FilterError):
        parse_filter("nonsense")


def test_signals_on_awkward_text():
    for text in ("", "!!! ### ...", "x" * 2_000_000, "\n\n\n", "{ lorem ipsum }"):
        s = quality_signals(text)
        assert s["gopher_words"] >= 0 and 0 <= s["fineweb_short_line_share"] <= 1
    assert quality_signals("{ lorem ipsum }")["c4_curly_bracket"] == 1


def test_pipeline_marks_filtered_pages(sample_text):
    doc = mend(text=sample_text, options=Options(quality_filter="gopher_words>=1000000"))
    assert doc.signals["filtered"] == ["gopher_words>=1e+06"]
    assert "gopher_words" in mend(text=sample_text).signals


def test_cli_filter_leaves_pages_out(tmp_path, ground_truth):
    rows = [{"id": k, "text": v["articleBody"]} for k, v in sorted(ground_truth.items())[:6]]
    rows.append({"id": "short", "text": "Too short to keep."})
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", inp, "-o", out, "--workers", "1", "--skip", "repair", "--filter", "gopher_words>=50")
    kept = [json.loads(x)["id"] for x in out.read_text().splitlines()]
    assert "short" not in kept and len(kept) == 6
    assert "1 filtered out" in proc.stderr.splitlines()[-1]
    # sharded (resumable) output leaves the same page out
    shards = tmp_path / "shards"
    proc = run_cli("clean", inp, "-o", f"{shards}/", "--workers", "1", "--skip", "repair",
                   "--filter", "gopher_words>=50", "--shard-pages", "3", "--shard-format", "jsonl")
    kept_sharded = [json.loads(x)["id"] for p in sorted(shards.glob("part-*.jsonl")) for x in p.read_text().splitlines()]
    assert kept_sharded == kept
    assert "1 filtered out" in proc.stderr.splitlines()[-1]
    run_cli("clean", inp, "-o", out, "--workers", "1", "--skip", "repair", "--filter", "gopher_words>=50",
            "--keep-filtered")
    recs = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert recs["short"]["signals"]["filtered"] == ["gopher_words>=50"] and len(recs) == 7


def _repetition_by_definition(words: list[str]) -> tuple[dict, dict]:
    """Gopher's n-gram measures written plainly: every n-gram counted."""
    from collections import Counter

    top, dup = {}, {}
    for n in (2, 3, 4):
        grams = Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
        gram, k = grams.most_common(1)[0] if grams else ((), 0)
        top[n] = (sum(map(len, gram)) + n - 1) * k if k > 1 else 0
    for n in range(5, 11):
        seen, total, i = set(), 0, 0
        while i <= len(words) - n:
            gram = tuple(words[i:i + n])
            if gram in seen:
                total += sum(map(len, gram)) + n - 1
                i += n
            else:
                seen.add(gram)
                i += 1
        dup[n] = total
    return top, dup


def test_ngram_repetition_matches_its_definition_on_real_pages(ground_truth):
    """The numpy n-gram numbering gives what counting every n-gram gives, on
    the benchmark's articles, on each article doubled and on each with a
    paragraph repeated (repeats of every length)."""
    from webmend.annotate.quality import ngram_repetition, words_of

    bodies = [r["articleBody"] for r in ground_truth.values()][:60]
    texts = bodies + [b + "\n\n" + b for b in bodies[:20]]
    texts += [b + "\n\n" + b.split("\n\n")[0] + "\n\n" + b[: len(b) // 3] for b in bodies[20:40]]
    repeating = 0
    for text in texts:
        words = words_of(text)
        got, want = ngram_repetition(words), _repetition_by_definition(words)
        assert got == want, text[:80]
        repeating += want[1][10] > 0
    assert repeating >= 40  # the doubled pages repeat 10-grams: the test saw long repeats
