"""The analysis on a real store: sample PDFs read by pdfplumber into SQLite, views, CLI.

The store is filled from three of the bundled FICTIONAL sample reviews. Mentions
come from the samples' manifest (the sentences written to carry each theme, and
decoy sentences stored as negated mentions), located in the text read back from
the PDFs, so the expected counts are known without running the tagger.
"""

from __future__ import annotations

import atexit
import json
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from alembic import command
from scrthemes.analysis.national import add_figure, ensure_shipped, import_figures, list_figures
from scrthemes.analysis.source import load_evidence, load_matrix
from scrthemes.corpus.migrations import alembic_config
from scrthemes.corpus.reader import file_sha256, read_review
from scrthemes.corpus.records import MentionRecord, ReviewMeta
from scrthemes.flows.cli import app
from scrthemes.flows.resources import open_store
from typer.testing import CliRunner

SAMPLES = ("hampshire-2003-child-a.pdf", "kent-2009-child-t.pdf", "kent-2012-child-h.pdf")
TRIO = ("domestic_abuse", "parental_mental_health", "substance_misuse")


def _locate(text: str, sentence: str) -> re.Match[str] | None:
    pattern = r"\s+".join(re.escape(word) for word in sentence.split())
    return re.search(pattern, text)


@cache
def sample_store() -> tuple[str, Path, dict]:
    """(database URL, samples folder, manifest) of a store built once per test session."""
    from scrthemes.corpus.samples import generate_samples

    root = Path(tempfile.mkdtemp(prefix="scrthemes-analysis-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    generate_samples(root / "samples")
    manifest = json.loads((root / "samples" / "manifest.json").read_text(encoding="utf-8"))
    url = f"sqlite:///{root / 'store.db'}"
    store = open_store(url)
    wanted = {s["file"]: s for s in manifest["samples"] if s["file"] in SAMPLES}
    for name in SAMPLES:
        info, path = wanted[name], root / "samples" / name
        doc = read_review(path)
        added = store.add_review(
            sha256=file_sha256(path), source_path=str(path), doc=doc,
            meta=ReviewMeta(info["title"], info["year"], info["area"], info["child"]))
        mentions = []
        for negated, groups in ((False, info["evidence"]), (True, info.get("decoys", {}))):
            for theme, items in groups.items():
                for item in items:
                    found = _locate(doc.text, item["sentence"])
                    assert found, f"{name}: sentence not found in the extracted text"
                    mentions.append(MentionRecord(
                        theme=theme, start=found.start(), end=found.end(), text=found.group(0),
                        sentence=found.group(0), sentence_start=found.start(),
                        sentence_end=found.end(), negated=negated, method="rule",
                        score=0.9 if not negated else 0.5))
        store.set_mentions(added.review_id, mentions, pipeline_version="test")
    store.close()
    return url, root / "samples", {"samples": list(wanted.values())}


@pytest.fixture(scope="module")
def built():
    return sample_store()


def test_matrix_matches_the_manifest(built):
    url, _, manifest = built
    matrix = load_matrix(open_store(url))
    assert matrix.n == 3 and matrix.areas == ["Hampshire", "Kent"]
    by_title = {r.title: r.id for r in matrix.reviews}
    for info in manifest["samples"]:
        rid = by_title[info["title"]]
        assert sorted(matrix.present.get(rid, ())) == sorted(info["themes"])
        # Decoy-only themes were stored as negated mentions and must not count.
        for theme in info["negated_only"] + info["agency_only"]:
            if theme not in info["themes"]:
                assert not matrix.has(rid, theme)


def test_views_agree_with_the_python_counts(built):
    url, _, _ = built
    store = open_store(url)
    matrix = load_matrix(store)
    _, rows = store.query("SELECT factors, reviews, total_reviews FROM toxic_trio_cooccurrence "
                          "ORDER BY factors")
    expected = [sum(1 for f in matrix.trio_factors() if f == i) for i in range(4)]
    assert [r[1] for r in rows] == expected and {r[2] for r in rows} == {3}
    columns, rows = store.query("SELECT * FROM theme_shares_by_area WHERE area = 'Kent'")
    kent, rest = matrix.in_area("Kent"), matrix.outside_area("Kent")
    for row in (dict(zip(columns, r, strict=True)) for r in rows):
        assert row["reviews_featuring"] == kent.count(row["theme"])
        assert row["other_featuring"] == rest.count(row["theme"])
        assert (row["total_reviews"], row["other_total"]) == (kent.n, rest.n)
    _, rows = store.query("SELECT review_id, factors FROM review_trio_factors ORDER BY review_id")
    assert [r[1] for r in rows] == matrix.trio_factors()


def test_evidence_is_affirmed_and_spread_over_reviews(built):
    url, _, manifest = built
    evidence = load_evidence(open_store(url), per_theme=3)
    decoys = {d["sentence"].split()[0] + d["sentence"][-20:] for s in manifest["samples"]
              for items in s.get("decoys", {}).values() for d in items}
    for theme, items in evidence.items():
        assert 1 <= len(items) <= 3
        for item in items:
            assert item.page is not None and item.page >= 1
            assert item.sentence.split()[0] + item.sentence[-20:] not in decoys
        ids = [i.review_id for i in items]
        # The first picks come from different reviews where more than one review has the theme.
        if len({i.review_id for i in evidence[theme]}) > 1:
            assert ids[0] != ids[1]


def test_shipped_figures_load_idempotently(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'figures.db'}")
    first = ensure_shipped(store)
    assert first["added"] >= 30 and first["removed"] == 0
    assert ensure_shipped(store) == {"added": 0, "updated": 0, "removed": 0}
    figures = list_figures(store)
    assert len(figures) == first["added"] and {f.origin for f in figures} == {"shipped"}
    bound = [f for f in figures if f.prevalence_text == ">50"]
    assert bound and all(f.prevalence_pct is None and f.is_approximate for f in bound)
    # An analyst's figure is added once, however often the same row is imported.
    add_figure(store, theme="housing", source="Our audit", period="2023", base="40 reviews",
               prevalence="35")
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text("theme,source,period,base,prevalence\n"
                        "housing,Our audit,2023,40 reviews,35\n"
                        "risk_adults,Our audit,2023,40 reviews,~20\n", encoding="utf-8")
    assert import_figures(store, csv_path) == {"added": 1, "updated": 0}
    assert import_figures(store, csv_path) == {"added": 0, "updated": 0}
    mine = [f for f in list_figures(store) if f.origin == "user"]
    assert sorted((f.theme, f.prevalence_text, f.prevalence_pct) for f in mine) == [
        ("housing", "35", 35.0), ("risk_adults", "~20", 20.0)]
    assert ensure_shipped(store) == {"added": 0, "updated": 0, "removed": 0}


def test_migration_0002_downgrades_and_upgrades(db_url):
    store = open_store(db_url)
    _, rows = store.query("SELECT COUNT(*) FROM toxic_trio_cooccurrence")
    assert rows[0][0] == 4
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001_initial")
    with pytest.raises(Exception, match="toxic_trio_cooccurrence"):
        store.query("SELECT * FROM toxic_trio_cooccurrence")
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "heads")
    columns, rows = store.query("SELECT * FROM toxic_trio_cooccurrence ORDER BY factors")
    assert columns == ["factors", "reviews", "total_reviews", "share"]
    assert [r[0] for r in rows] == [0, 1, 2, 3] and all(r[1] == 0 for r in rows)
    columns, _ = store.query("SELECT * FROM theme_shares_by_area")
    assert "other_share" in columns
    store.close()


runner = CliRunner()


def expected_counts(manifest: dict, theme: str, area: str | None = None) -> tuple[int, int]:
    """(reviews with the theme, reviews) among the samples of ``area``, from the manifest."""
    chosen = [s for s in manifest["samples"] if area is None or s["area"] == area]
    return sum(theme in s["themes"] for s in chosen), len(chosen)


def _cli(url: str, *args: str):
    return runner.invoke(app, ["--db", url, *args], catch_exceptions=False)


def test_cli_compare_published_json(built):
    url, _, manifest = built
    result = _cli(url, "compare", "--area", "Kent", "--against", "published", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["theme"]: r for r in json.loads(result.stdout)}
    pmh = rows["parental_mental_health"]
    assert (pmh["k"], pmh["n"]) == expected_counts(manifest, "parental_mental_health", "Kent")
    assert pmh["source"].startswith("DfE 2022") and pmh["national_share"] == pytest.approx(0.55)
    assert 0 <= pmh["p_value"] <= 1 and f"{pmh['n']} reviews" in pmh["caveat"]
    assert any(key.startswith("toxic trio") for key in rows)


def test_cli_compare_area_rest_csv(built):
    url, _, manifest = built
    result = _cli(url, "compare", "--area", "Kent", "--against", "area:REST", "--format", "csv")
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.strip().splitlines()
    assert header.startswith("theme,local,other,k,n,other_k,other_n")
    info = next(line for line in lines if line.startswith("info_sharing,"))
    k, n = expected_counts(manifest, "info_sharing", "Kent")
    other_k, other_n = expected_counts(manifest, "info_sharing", "Hampshire")
    assert f",{k},{n},{other_k},{other_n}," in info


def test_cli_errors_are_one_line(built, tmp_path):
    url, _, _ = built
    result = runner.invoke(app, ["--db", url, "compare", "--area", "Atlantis"])
    assert result.exit_code == 1
    assert "no reviews from area 'Atlantis'" in result.output and "Kent" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("theme,source,period,base,prevalence\nhousng,X,2020,10,5\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["--db", db, "baseline", "import", str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "bad.csv, line 2: unknown theme 'housng'" in lines[0]


def test_cli_baseline_add_and_list(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = _cli(db, "baseline", "add", "--theme", "housing", "--source", "Our audit",
                  "--period", "2023", "--base", "40 reviews", "--pct", ">30")
    assert result.exit_code == 0, result.output
    assert "approximate, no single value" in result.stdout
    result = _cli(db, "baseline", "list", "--theme", "housing", "--format", "json")
    rows = json.loads(result.stdout)
    assert [(r["source"], r["prevalence_pct"], r["origin"]) for r in rows] == [
        ("Our audit", None, "user")]


def test_analysis_reads_sqlite_and_postgres_alike(db_url):
    """Matrix, evidence, figures and views on both backends (two invented one-line reviews)."""
    from scrthemes.corpus.document import Page, Passage, ReviewText

    store = open_store(db_url)
    text = "Fictional: the family were placed in bed and breakfast. Mother was not depressed."
    doc = ReviewText(text, [Page(1, 0, len(text))], [Passage(0, 1, 0, len(text), text)], [], 1)
    ids = []
    for i, area in enumerate(("Northshire", "Southvale")):
        added = store.add_review(sha256=f"{i:064x}", source_path=f"/nowhere/{i}.pdf",
                                 meta=ReviewMeta(f"Invented review {i}", 2020 + i, area, None),
                                 doc=doc)
        ids.append(added.review_id)
    cut = text.index(" Mother")
    housing = MentionRecord("housing", 12, cut, text[12:cut], text[:cut], 0, cut, score=0.8)
    negated = MentionRecord("parental_mental_health", cut + 1, len(text), text[cut + 1:],
                            text[cut + 1:], cut + 1, len(text), negated=True)
    store.set_mentions(ids[0], [housing, negated], pipeline_version="test")
    matrix = load_matrix(store)
    assert matrix.n == 2 and matrix.count("housing") == 1
    assert matrix.count("parental_mental_health") == 0
    evidence = load_evidence(store)
    assert list(evidence) == ["housing"] and evidence["housing"][0].page == 1
    assert ensure_shipped(store)["added"] >= 30
    assert any(f.prevalence_text == "~67" and f.prevalence_pct == 67.0 for f in list_figures(store))
    _, rows = store.query("SELECT area, reviews_featuring, other_featuring FROM "
                          "theme_shares_by_area WHERE theme = 'housing' ORDER BY area")
    assert [tuple(r) for r in rows] == [("Northshire", 1, 0), ("Southvale", 0, 1)]
    _, rows = store.query("SELECT factors, reviews FROM toxic_trio_cooccurrence ORDER BY factors")
    assert [tuple(r) for r in rows] == [(0, 2), (1, 0), (2, 0), (3, 0)]
    store.close()
