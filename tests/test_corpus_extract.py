"""Real PDFs through pdfplumber: golden layout cases and friendly errors for bad inputs.

The PDFs are generated (fictional text) by tests/fixtures/layout/make_layout_pdfs.py.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from scrthemes.corpus import errors
from scrthemes.corpus.reader import read_document, read_review

LAYOUT = Path(__file__).parent / "fixtures" / "layout"
CASES = ("furniture", "hyphenation", "numbered", "footnotes", "page-break", "two-column")


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_layout_pdfs", LAYOUT / "make_layout_pdfs.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    return _generator().write_all(tmp_path_factory.mktemp("layout"))


@pytest.mark.parametrize("case", CASES)
def test_golden_text(pdfs, case):
    expected = (LAYOUT / "expected" / f"{case}.txt").read_text(encoding="utf-8")
    assert read_review(pdfs[case]).text + "\n" == expected


@pytest.mark.parametrize("case", CASES)
def test_offsets_are_consistent(pdfs, case):
    doc = read_review(pdfs[case])
    assert doc.text == "\n\n".join(p.text for p in doc.passages)
    for passage in doc.passages:
        assert doc.text[passage.start : passage.end] == passage.text
        assert doc.page_at(passage.start) == passage.page
        assert doc.passage_at(passage.start) is passage
    assert [p.number for p in doc.pages] == list(range(1, doc.page_count + 1))
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)
    for before, after in zip(doc.pages, doc.pages[1:], strict=False):
        assert before.end == after.start


def test_running_header_footer_and_page_numbers_removed(pdfs):
    """'Page N of 3' and the header differ only in digits or not at all; none may survive."""
    doc = read_review(pdfs["furniture"])
    assert "Page" not in doc.text and "for testing only" not in doc.text
    assert doc.page_count == 3 and len(doc.pages) == 3


def test_headings_attach_to_passages(pdfs):
    doc = read_review(pdfs["numbered"])
    by_number = {p.number: p for p in doc.passages if p.number}
    assert by_number["3.1"].heading == "3. Findings"
    assert by_number["3.2"].text == "3.2 The second finding is shorter and sits on a single line."
    assert by_number["4.1"].heading == "4. Recommendations"
    assert [p.text for p in doc.passages if p.is_heading] == [
        "3. Findings",
        "4. Recommendations",
        "5. Lessons for the partnership",  # set in the body font, no space below
    ]
    assert doc.passages[-1].heading == "5. Lessons for the partnership"


def test_footnotes_kept_out_of_body(pdfs):
    doc = read_review(pdfs["footnotes"])
    assert [(n.page, n.mark) for n in doc.footnotes] == [(1, "1"), (1, "2")]
    assert doc.footnotes[1].text.startswith("A second fictional note that is long enough to wrap")
    assert doc.footnotes[1].text.endswith("where it is printed.")
    assert "invented guidance and met" in doc.text  # the raised mark is gone from the prose
    assert "fictional note" not in doc.text


def test_paragraph_across_page_break_is_one_passage(pdfs):
    doc = read_review(pdfs["page-break"])
    second = doc.pages[1]
    cut = doc.passage_at(second.start)
    assert cut.text.startswith("This paragraph is the one cut by the page break.")
    assert cut.page == 1 and cut.start < second.start < cut.end
    assert doc.page_at(second.start - 2) == 1 and doc.page_at(second.start) == 2
    assert doc.text[second.start - 1] == " " and doc.text[second.start].isalpha()


BAD = [
    ("encrypted.pdf", errors.EncryptedPDF),
    ("truncated.pdf", errors.CorruptPDF),
    ("garbage.pdf", errors.CorruptPDF),
    ("html.pdf", errors.NotAPDF),
    ("text.pdf", errors.NotAPDF),
    ("scanned.pdf", errors.NoTextLayer),
    ("empty.pdf", errors.EmptyFile),
]


@pytest.mark.parametrize(("name", "kind"), BAD)
def test_bad_input_raises_one_line_naming_file(pdfs, name, kind):
    with pytest.raises(kind) as caught:
        read_review(pdfs[name])
    message = str(caught.value)
    assert str(pdfs[name]) in message and "\n" not in message
    assert message.startswith(f"{pdfs[name]}: {kind.cause}")


def test_scanned_message_gives_page_count(pdfs):
    with pytest.raises(errors.NoTextLayer, match=r"\(2 pages\)"):
        read_review(pdfs["scanned.pdf"])


@pytest.mark.parametrize("limits", [{"max_pages": 2}, {"max_bytes": 1000}])
def test_too_large(pdfs, limits):
    with pytest.raises(errors.TooLarge) as caught:
        read_review(pdfs["furniture"], **limits)
    assert str(pdfs["furniture"]) in str(caught.value)
    assert ("3 pages, limit 2" if "max_pages" in limits else "limit 1,000 bytes") in str(
        caught.value
    )


def test_missing_file(tmp_path):
    with pytest.raises(errors.ReviewFileError, match="no such file"):
        read_review(tmp_path / "absent.pdf")


def test_every_truncation_is_a_review_file_error(pdfs, tmp_path):
    """Cut a good PDF at many points: each read succeeds or raises a ReviewFileError, never more."""
    data = pdfs["furniture"].read_bytes()
    target = tmp_path / "cut.pdf"
    for end in range(0, len(data), max(1, len(data) // 40)):
        target.write_bytes(data[:end])
        try:
            read_review(target)
        except errors.ReviewFileError as err:
            assert str(target) in str(err) and "\n" not in str(err)


def test_read_document_dispatches_on_suffix(pdfs, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("A fictional note.\n", encoding="utf-8")
    assert read_document(note).pages == []
    assert read_document(pdfs["footnotes"]).page_count == 1
