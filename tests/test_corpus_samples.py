"""The bundled FICTIONAL sample reviews: real PDFs, a truthful manifest, a sound design."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from scrthemes.corpus.samples import (
    DECOY_FORMS,
    SampleInfo,
    generate_samples,
    load_manifest,
    main,
)

THEME_IDS = (  # the codebook's ids; corpus must not import nlp, so they are listed here
    "parental_mental_health", "housing", "volatile_relationships", "domestic_abuse",
    "substance_misuse", "threshold_disputes", "non_compliant_parents", "info_sharing",
    "risk_adults",
)


def normalise(text: str) -> str:
    """Join words hyphenated at line ends and collapse whitespace."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> tuple[Path, list[SampleInfo]]:
    out = tmp_path_factory.mktemp("samples")
    return out, generate_samples(out)


@pytest.fixture(scope="module")
def page_texts(samples) -> dict[str, dict[int, str]]:
    """Extracted text of the pages the tests look at (1, 2, 3, the last, and every
    page the manifest cites), keyed by file and 1-based page number."""
    out, infos = samples
    texts = {}
    for info in infos:
        wanted = {1, 2, 3, info.pages}
        for entries in [*info.evidence.values(), *info.decoys.values()]:
            wanted |= {e["page"] for e in entries}
        with pdfplumber.open(out / info.file) as pdf:
            assert len(pdf.pages) == info.pages, info.file
            texts[info.file] = {n: pdf.pages[n - 1].extract_text() or "" for n in sorted(wanted)}
    return texts


def test_generation_is_deterministic_and_the_cli_writes_it(samples, tmp_path, capsys):
    out, infos = samples
    main([str(tmp_path)])
    assert "wrote 13 fictional reviews" in capsys.readouterr().out
    again = load_manifest(tmp_path)
    assert [i.file for i in again] == [i.file for i in infos]
    for first, second in zip(infos, again, strict=True):
        assert (tmp_path / second.file).read_bytes() == (out / first.file).read_bytes()
        assert first == second
    assert (tmp_path / "manifest.json").read_bytes() == (out / "manifest.json").read_bytes()


def test_manifest_round_trips(samples):
    out, infos = samples
    assert load_manifest(out) == infos
    raw = json.loads((out / "manifest.json").read_text())
    assert {"file", "title", "area", "year", "child", "pages", "themes", "evidence",
            "negated_only", "agency_only", "hypothetical_only"} <= set(raw["samples"][0])


def test_load_manifest_names_the_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"manifest\.json"):
        load_manifest(tmp_path)


def test_the_set_has_the_intended_spread(samples):
    _, infos = samples
    assert len(infos) >= 12
    areas = Counter(i.area for i in infos)
    assert areas["Kent"] >= 5 and len(areas) >= 6
    assert min(i.year for i in infos) <= 2005 and max(i.year for i in infos) >= 2021
    pages = sorted(i.pages for i in infos)
    assert pages[0] >= 10 and pages[-1] <= 40 and pages[-1] >= 35
    assert sum(15 <= p <= 25 for p in pages) >= len(pages) // 2
    assert len({i.child for i in infos}) == len(infos)


def test_every_pdf_opens_with_the_stated_pages_and_says_fictional(samples, page_texts):
    _, infos = samples
    for info in infos:  # the page count itself is checked as the pages are read
        pages = page_texts[info.file]
        assert "FICTIONAL" in pages[1], info.file
        assert "no real child, family or agency is described" in normalise(pages[1])
        assert f"Page {info.pages} of {info.pages}" in pages[info.pages], info.file
        assert f"{info.child} - {info.board}" in pages[3], info.file  # running header
        assert "Contents" in pages[2] and "1. Introduction" in pages[2], info.file


def test_evidence_and_decoys_are_printed_on_their_stated_pages(samples, page_texts):
    _, infos = samples
    checked = 0
    for info in infos:
        pages = {n: normalise(t) for n, t in page_texts[info.file].items()}
        entries = [e for es in info.evidence.values() for e in es]
        entries += [e for es in info.decoys.values() for e in es]
        for entry in entries:
            assert entry["sentence"] in pages[entry["page"]], (info.file, entry)
            # and it is printed nowhere else in the review, so the page is the only answer
            others = [n for n, text in pages.items() if n != entry["page"]]
            assert not any(entry["sentence"] in pages[n] for n in others), (info.file, entry)
            checked += 1
    assert checked >= 100


def test_pdfs_look_like_real_reviews(samples, page_texts):
    _, infos = samples
    body = "\n".join(t for info in infos for n, t in page_texts[info.file].items() if n > 2)
    assert re.search(r"^\d+\.\d+ [A-Z]", body, re.M), "numbered paragraphs"
    assert re.search(r"[a-z]-\n[a-z]", body), "words hyphenated at line end"
    assert re.search(r"^1 Working Together", body, re.M), "footnote at a page bottom"
    assert re.search(r"\.1 [A-Z]", body), "footnote mark after a sentence"


def test_theme_sets_follow_the_design(samples):
    _, infos = samples
    for theme in THEME_IDS:
        present = sum(theme in i.themes for i in infos)
        assert present >= 2 and len(infos) - present >= 2, theme
    for info in infos:
        assert set(info.themes) <= set(THEME_IDS), info.file
        assert set(info.evidence) == set(info.themes), info.file
        for form in DECOY_FORMS:
            # a theme listed only in a decoy form must not be among the featured ones
            assert not set(getattr(info, form)) & set(info.themes), (info.file, form)
    for form in ("negated_only", "agency_only", "hypothetical_only", "general_only"):
        assert any(getattr(i, form) for i in infos), form




def test_an_annotated_sentence_missing_from_the_text_is_refused(tmp_path):
    """The manifest is derived from the text, so a sentence the text lacks is an error."""
    from scrthemes.corpus.samples import _load_specs, render_sample

    _, templates = _load_specs()
    spec = {  # a tiny fictional review
        "file": "tiny.pdf", "kind": "Serious Case Review", "board": "Nowhere Board",
        "area": "Nowhere", "year": 2010, "published": "May", "child": "Child Z",
        "author": "A. Writer (fictional)", "period": [2009, 2009],
        "family": {}, "sections": [{"heading": "Introduction", "paragraphs": [
            "This fictional review has one paragraph. The weather was fine."]}],
        "themes": {"housing": ["The flat was overcrowded."]},
    }
    with pytest.raises(ValueError, match=r"tiny\.pdf: annotated sentence not in the text"):
        render_sample(spec, templates, tmp_path)
    spec["sections"][0]["paragraphs"].append("The flat was overcrowded.")
    info = render_sample(spec, templates, tmp_path)
    assert info.themes == ["housing"] and info.evidence["housing"][0]["page"] == 3
    assert info.pages == 3
