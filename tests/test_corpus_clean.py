"""Cleaning and segmentation rules, plain-text reading, and metadata guessing.

All review-like text in this file is FICTIONAL, written for these tests.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from scrthemes.corpus.clean import (
    join_lines,
    keep_hyphen,
    split_footnotes,
    strip_running_lines,
    word_counts,
)
from scrthemes.corpus.document import ReviewText
from scrthemes.corpus.errors import EmptyFile, ReviewFileError
from scrthemes.corpus.extract import Line, PageLines, normalise_glyphs
from scrthemes.corpus.metadata import guess_area, guess_child, guess_metadata, guess_year
from scrthemes.corpus.reader import file_sha256, read_review, read_text_file


def _line(
    text: str, top: float, size: float = 10.5, x0: float = 72.0, mark: str | None = None
) -> Line:
    return Line(text, x0, x0 + 5.0 * len(text), top, top + size, size, False, mark)


def _page(number: int, *lines: Line) -> PageLines:
    return PageLines(number, 595.0, 842.0, tuple(lines))


TOPICS = ["visits", "school", "housing", "health", "meetings", "records", "plans"]


def _pages_with_furniture(n: int) -> list[PageLines]:
    return [
        _page(
            i,
            _line("Fictional Review of Child Z", 30),
            _line(f"Body text of the invented review, about {TOPICS[i]}.", 90),
            _line(f"A second line that also differs: {TOPICS[-i]}.", 104),
            _line(f"Page {i} of {n}", 815, size=9),
        )
        for i in range(1, n + 1)
    ]


def test_running_lines_found_by_position_with_digits_varying():
    cleaned = strip_running_lines(_pages_with_furniture(5))
    for page in cleaned:
        assert [ln.text[:9] for ln in page.lines] == ["Body text", "A second "]


def test_repeated_text_away_from_the_bands_is_kept():
    pages = [
        _page(i, _line("Recommendation accepted.", 400), _line(f"Note {i}.", 420))
        for i in (1, 2, 3)
    ]
    assert strip_running_lines(pages) == pages


def test_repeated_line_at_a_different_height_is_kept():
    """Same text in the top band, but 40pt lower on one page: that one is body text."""
    pages = _pages_with_furniture(3)
    moved = _page(4, _line("Fictional Review of Child Z", 70), _line("Other text here.", 90))
    cleaned = strip_running_lines([*pages, moved])
    assert cleaned[-1].lines[0].text == "Fictional Review of Child Z"


def test_lone_page_number_removed_even_on_one_page():
    page = _page(1, _line("Some invented body text.", 90), _line("- 7 -", 815, size=9))
    assert [ln.text for ln in strip_running_lines([page])[0].lines] == ["Some invented body text."]


def test_footnotes_split_from_small_font_block():
    page = _page(
        3,
        _line("Body text of the invented page.", 90),
        _line("The last body line.", 104),
        _line("An invented source, page 4.", 760, size=8, mark="1"),
        _line("2 Another invented source that", 772, size=8),
        _line("wraps onto a second line.", 782, size=8),
    )
    body, notes = split_footnotes(page, 10.5)
    assert [ln.text for ln in body.lines] == [
        "Body text of the invented page.",
        "The last body line.",
    ]
    assert [(n.page, n.mark, n.text) for n in notes] == [
        (3, "1", "An invented source, page 4."),
        (3, "2", "Another invented source that wraps onto a second line."),
    ]


def test_footnotes_without_size_difference_stay_in_body():
    page = _page(1, _line("Body.", 90), _line("1 Looks like a note but is body size.", 760))
    assert split_footnotes(page, 10.5) == (page, [])


@pytest.mark.parametrize(
    ("left", "right", "text", "keep"),
    [
        ("safe", "guarding", "", False),  # no evidence: an ordinary word break
        ("multi", "agency", "the multi-agency meeting", True),  # the compound is printed elsewhere
        ("inter", "agency", "an agency", True),  # a hyphenating prefix and a real second word
        ("inter", "vention", "an agency", False),
        ("co", "ordinate", "they coordinate", False),  # the solid form is printed elsewhere
        ("self", "harm", "", True),
        ("mid", "January", "", True),  # a capital after the hyphen
    ],
)
def test_keep_hyphen(left, right, text, keep):
    assert keep_hyphen(left, right, word_counts([text])) is keep


def test_join_lines():
    vocab = word_counts(["a multi-agency plan"])
    assert join_lines(["the safe-", "guarding plan"], vocab) == "the safeguarding plan"
    assert join_lines(["the multi-", "agency plan"], vocab) == "the multi-agency plan"
    assert join_lines(["the multi\u2010", "agency plan"], vocab) == "the multi-agency plan"
    assert join_lines(["an inter-agency", "meeting"], vocab) == "an inter-agency meeting"
    assert join_lines(["the co\u00ad", "operation", "", "ended"]) == "the cooperation ended"
    assert join_lines(["dated 3 -", "4 May"]) == "dated 3 - 4 May"


def test_ligatures_and_unmapped_bullets_normalised():
    assert normalise_glyphs("\ufb01nding the \ufb02at") == "finding the flat"
    assert normalise_glyphs("(cid:127) a bullet (cid:3)") == "\u2022 a bullet (cid:3)"


def test_read_text_file_keeps_text_byte_for_byte(tmp_path):
    raw = "Fictional Review\r\n\r\n1.1 The invented family  moved.\nTwice.\n\n\n  2.3 Later.  \n"
    path = tmp_path / "review.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = read_text_file(path)
    assert doc.text == raw and doc.pages == [] and doc.page_count is None
    assert [p.text for p in doc.passages] == [
        "Fictional Review",
        "1.1 The invented family  moved.\nTwice.",
        "2.3 Later.",
    ]
    for p in doc.passages:
        assert raw[p.start : p.end] == p.text and p.page is None
    assert [p.number for p in doc.passages] == [None, "1.1", "2.3"]
    assert doc.passages[0].is_heading and doc.passages[1].heading == "Fictional Review"
    assert doc.page_at(5) is None


def test_read_text_file_errors(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile, match="empty.txt"):
        read_text_file(empty)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\u00e9".encode("latin-1"))
    with pytest.raises(ReviewFileError, match=r"latin.txt: .*not UTF-8 text \(byte 3\)"):
        read_text_file(latin)


def test_file_sha256(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"fictional" * 100_000)
    assert file_sha256(path) == hashlib.sha256(b"fictional" * 100_000).hexdigest()


def _doc(text: str, tmp: Path) -> ReviewText:
    path = tmp / "opening.txt"
    path.write_text(text, encoding="utf-8")
    return read_text_file(path)


def test_guess_metadata_from_a_fictional_title_page(tmp_path):
    text = (
        "Westmarsh Safeguarding Children Partnership\n\nSerious Case Review\n\nChild L\n\n"
        "Published: June 2020\n\n1.1 Child L was born in 2016. Working Together 2018 applies."
    )
    assert guess_metadata(_doc(text, tmp_path)).__dict__ == {
        "title": "Serious Case Review: Child L",
        "year": 2020,
        "area": "Westmarsh",
        "child": "Child L",
    }


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("THE NORTH FENLAND SAFEGUARDING CHILDREN BOARD", "North Fenland"),
        (
            "on behalf of Upper and Lower Marsh Local Safeguarding Children Board (ULMLSCB)",
            "Upper and Lower Marsh",
        ),
        ("Report to the Brackwater Child Protection Committee", "Brackwater"),
        ("Serious Case Review Westmarsh's Safeguarding Partnership", "Westmarsh"),
        ("no board is named here", None),
    ],
)
def test_guess_area(text, area):
    assert guess_area(text) == area


def test_guess_year_and_child():
    assert guess_year("D.O.B: 01/01/2012\nDate: July 2013\nPost on 29-Sep-2020") == 2013
    assert guess_year("no year at all") is None
    assert guess_child("SERIOUS CASE REVIEW - BABY F\nChild Protection plan") == "Baby F"
    assert guess_child("a Child Safeguarding Practice Review; Family Court") is None


def _simple(name: str) -> str:
    return " ".join(name.lower().replace("&", "and").replace(",", " ").split())


def test_metadata_on_gold_openings(gold_dir):
    """Real openings (read at run time, never copied): area and year against the gold labels."""
    area_right = area_wrong = year_right = year_wrong = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((gold_dir / "docs").glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            meta = guess_metadata(_doc(gold["text"], Path(tmp)))
            if meta.area is not None:
                right = _simple(meta.area) in _simple(gold.get("board") or "")
                area_right, area_wrong = area_right + right, area_wrong + (not right)
            if meta.year is not None and gold.get("year"):
                right = meta.year == gold["year"]
                year_right, year_wrong = year_right + right, year_wrong + (not right)
    print(
        f"area {area_right}/{area_right + area_wrong}, year {year_right}/{year_right + year_wrong}"
    )
    assert area_right >= 50 and area_right / (area_right + area_wrong) >= 0.85
    assert year_right >= 45 and year_right / (year_right + year_wrong) >= 0.55


SAMPLES_CHECKED = 4  # the shortest few keep this test quick


def test_bundled_samples_read_as_written(tmp_path):
    """Tracked sentences of the fictional samples are found verbatim, on their printed page.

    benchmarks/bench_extract.py --samples checks every sample the same way.
    """
    samples = pytest.importorskip("scrthemes.corpus.samples")
    samples.generate_samples(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    checked: Counter[str] = Counter()
    chosen = sorted(manifest["samples"], key=lambda s: (s["pages"], s["file"]))
    for sample in chosen[:SAMPLES_CHECKED]:
        doc = read_review(tmp_path / sample["file"])
        meta = guess_metadata(doc)
        assert (meta.title, meta.year, meta.area, meta.child) == (
            sample["title"],
            sample["year"],
            sample["area"],
            sample["child"],
        ), sample["file"]
        groups = [*sample["evidence"].values(), *sample.get("decoys", {}).values()]
        for item in (item for group in groups for item in group):
            at = doc.text.find(item["sentence"])
            assert at >= 0, (sample["file"], item["sentence"])
            assert doc.page_at(at) == item["page"], (sample["file"], item["sentence"])
            checked["sentences"] += 1
    assert checked["sentences"] >= 30
