"""End to end: the fictional sample PDFs through the real Prefect flows into a real SQLite file.

The samples are generated (fictional, see ``scrthemes.corpus.samples``) into a
temporary folder beside three bad files, and ingested ONCE per module with
``ingest_folder``; the tests then check that database against the manifest.
The last tests re-ingest (idempotency) and add a modified copy (new version).
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrthemes.corpus.samples import SampleInfo, generate_samples
from scrthemes.flows.ingest import IngestSummary, ingest_folder, ingest_review
from scrthemes.nlp.themes import THEME_IDS

BAD_FILES = {
    "not-a-pdf.pdf": "not a PDF",
    "corrupt.pdf": "corrupt",
    "encrypted.pdf": "encrypted",
}


def make_bad_files(folder: Path, good_pdf: Path) -> dict[str, Path]:
    """Write a text file named .pdf, a truncated PDF and a password-protected PDF (all fictional)."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    paths = {name: folder / name for name in BAD_FILES}
    paths["not-a-pdf.pdf"].write_text("Fictional notes, saved with the wrong name.\n")
    data = good_pdf.read_bytes()
    paths["corrupt.pdf"].write_bytes(data[: len(data) // 3])
    canvas = Canvas(str(paths["encrypted.pdf"]), encrypt=StandardEncryption("secret"))
    canvas.drawString(72, 720, "A fictional review behind a password.")
    canvas.showPage()
    canvas.save()
    return paths


@dataclass
class Batch:
    folder: Path
    db_path: Path
    infos: list[SampleInfo]
    summary: IngestSummary

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def rows(self, sql: str, *params: object) -> list[tuple]:
        """Read the database file directly, as any SQLite client would."""
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()

    def review_id(self, info: SampleInfo) -> int:
        (row,) = self.rows(
            "SELECT id FROM reviews WHERE file_name = ? AND is_latest", info.file
        )
        return row[0]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Batch:
    root = tmp_path_factory.mktemp("e2e")
    folder = root / "samples"
    infos = generate_samples(folder)
    make_bad_files(folder, folder / infos[0].file)
    db_path = root / "scrthemes.db"
    summary = ingest_folder(folder, f"sqlite:///{db_path}")
    return Batch(folder, db_path, infos, summary)


def test_batch_stores_good_files_and_reports_bad_ones(batch: Batch) -> None:
    assert sorted(Path(o.path).name for o in batch.summary.added) == sorted(
        i.file for i in batch.infos
    )
    failed = {Path(o.path).name: o.error for o in batch.summary.failed}
    assert set(failed) == set(BAD_FILES)
    for name, cause in BAD_FILES.items():
        reason = failed[name]
        assert "\n" not in reason
        assert name in reason and cause.lower() in reason.lower()
    # Nothing half-written for the bad files.
    assert batch.rows("SELECT COUNT(*) FROM reviews") == [(len(batch.infos),)]
    for info in batch.infos:
        rid = batch.review_id(info)
        assert batch.rows("SELECT COUNT(*) FROM pages WHERE review_id = ?", rid) == [
            (info.pages,)
        ]


def test_each_sample_features_exactly_its_manifest_themes(batch: Batch) -> None:
    wrong = {}
    for info in batch.infos:
        found = {
            t for (t,) in batch.rows(
                "SELECT DISTINCT theme FROM mentions WHERE review_id = ? AND NOT negated",
                batch.review_id(info),
            )
        }
        if found != set(info.themes):
            wrong[info.file] = {
                "missed": sorted(set(info.themes) - found),
                "extra": sorted(found - set(info.themes)),
            }
    assert not wrong, "\n".join(f"{file}: {diff}" for file, diff in wrong.items())


def test_metadata_is_guessed_from_the_first_page(batch: Batch) -> None:
    stored = {
        name: (area, year, child)
        for name, area, year, child in batch.rows("SELECT file_name, area, year, child FROM reviews")
    }
    assert stored == {i.file: (i.area, i.year, i.child) for i in batch.infos}


def test_look_alike_themes_are_not_counted(batch: Batch) -> None:
    checked = 0
    for info in batch.infos:
        decoys = set(info.negated_only + info.agency_only + info.hypothetical_only
                     + info.general_only) - set(info.themes)
        rid = batch.review_id(info)
        for theme in decoys:
            checked += 1
            assert batch.rows(
                "SELECT COUNT(*) FROM mentions WHERE review_id = ? AND theme = ? AND NOT negated",
                rid, theme,
            ) == [(0,)], f"{info.file}: {theme} counted"
    assert checked > 0, "the samples carry negated-only / agency-only themes"


def _locate(text: str, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` sits in the cleaned text, whatever line breaks the PDF added."""
    pattern = r"\s+".join(re.escape(word) for word in sentence.split())
    found = re.search(pattern, text)
    return found.span() if found else None


def test_evidence_pages_match_the_manifest(batch: Batch) -> None:
    problems = []
    for info in batch.infos:
        rid = batch.review_id(info)
        (text,) = batch.rows("SELECT text FROM review_texts WHERE review_id = ?", rid)[0]
        pages = batch.rows(
            "SELECT number, start_char FROM pages WHERE review_id = ? ORDER BY start_char", rid
        )
        for theme, entries in info.evidence.items():
            tagged = 0
            for entry in entries:
                span = _locate(text, entry["sentence"])
                if span is None:
                    problems.append(f"{info.file}: evidence not in stored text: {theme}")
                    continue
                page = max(n for n, start in pages if start <= span[0])
                if page != entry["page"]:
                    problems.append(f"{info.file}: {theme} on p.{page}, manifest p.{entry['page']}")
                for (mention_page,) in batch.rows(
                    "SELECT page FROM mentions WHERE review_id = ? AND theme = ? AND NOT negated"
                    " AND start_char >= ? AND end_char <= ?",
                    rid, theme, span[0], span[1],
                ):
                    tagged += 1
                    if mention_page != entry["page"]:
                        problems.append(
                            f"{info.file}: {theme} mention on p.{mention_page}, "
                            f"manifest p.{entry['page']}"
                        )
            if not tagged:
                problems.append(f"{info.file}: no {theme} mention in its evidence sentences")
    assert not problems, "\n".join(problems)


def test_views_count_what_was_stored(batch: Batch) -> None:
    """The views agree with counts made here from the raw mentions table.

    (Whether those mentions are the manifest's themes is the business of
    test_each_sample_features_exactly_its_manifest_themes.)
    """
    featured = {
        rid: {t for (t,) in batch.rows(
            "SELECT DISTINCT theme FROM mentions WHERE review_id = ? AND NOT negated", rid
        )}
        for rid in (batch.review_id(info) for info in batch.infos)
    }
    year_of = dict(batch.rows("SELECT id, year FROM reviews"))
    expected = Counter(t for themes in featured.values() for t in themes)
    rows = batch.rows("SELECT theme, reviews_featuring, total_reviews FROM theme_frequencies")
    assert {t: n for t, n, _ in rows} == {t: expected.get(t, 0) for t in THEME_IDS}
    assert {total for _, _, total in rows} == {len(batch.infos)}
    by_year = Counter((year_of[rid], t) for rid, themes in featured.items() for t in themes)
    rows = batch.rows(
        "SELECT year, theme, reviews_featuring FROM theme_frequencies_by_year"
        " WHERE reviews_featuring > 0"
    )
    assert {(y, t): n for y, t, n in rows} == dict(by_year)
    assert batch.rows("SELECT COUNT(*) FROM latest_reviews") == [(len(batch.infos),)]
    evidence = batch.rows("SELECT COUNT(DISTINCT review_id) FROM theme_evidence WHERE NOT negated")
    assert evidence == [(sum(1 for themes in featured.values() if themes),)]


def test_ingest_run_is_recorded(batch: Batch) -> None:
    rows = batch.rows("SELECT kind, status, counts FROM runs WHERE kind = 'ingest'")
    assert rows, "ingest_folder records a run"
    kind, status, counts = rows[0]
    assert status == "completed_with_errors"
    assert f'"added": {len(batch.infos)}' in counts and '"failed": 3' in counts


TABLES = ("reviews", "pages", "passages", "review_texts", "mentions")


def _counts(batch: Batch) -> dict[str, int]:
    return {t: batch.rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES}


def test_re_adding_is_idempotent(batch: Batch) -> None:
    before = _counts(batch)
    mention_ids = batch.rows("SELECT id FROM mentions ORDER BY id")
    again = ingest_folder(batch.folder, batch.db_url)
    assert len(again.unchanged) == len(batch.infos)
    assert not again.added and not again.new_versions
    assert len(again.failed) == len(BAD_FILES)
    assert _counts(batch) == before
    assert batch.rows("SELECT id FROM mentions ORDER BY id") == mention_ids  # not re-tagged


def test_modified_file_becomes_a_new_version_counted_once(batch: Batch) -> None:
    info = batch.infos[0]
    old_id = batch.review_id(info)
    frequencies = batch.rows("SELECT theme, reviews_featuring FROM theme_frequencies")
    themes = batch.rows(
        "SELECT DISTINCT theme FROM mentions WHERE review_id = ? AND NOT negated", old_id
    )
    path = batch.folder / info.file
    # An edit that changes the bytes, not the content: a fictional trailing comment.
    path.write_bytes(path.read_bytes() + b"\n% fictional re-export\n")
    outcome = ingest_review(path, batch.db_url)
    assert outcome.status == "new_version"
    assert outcome.previous_id == old_id
    assert set(outcome.themes) == {t for (t,) in themes}  # same content, same themes
    assert batch.review_id(info) == outcome.review_id != old_id
    assert batch.rows("SELECT COUNT(*) FROM reviews") == [(len(batch.infos) + 1,)]
    assert batch.rows("SELECT COUNT(*) FROM latest_reviews") == [(len(batch.infos),)]
    assert batch.rows("SELECT theme, reviews_featuring FROM theme_frequencies") == frequencies
    again = ingest_review(path, batch.db_url)
    assert (again.status, again.review_id) == ("unchanged", outcome.review_id)


def test_prefect_never_saw_review_text(batch: Batch) -> None:
    """Flow parameters recorded by the Prefect API are paths and ids; results are not persisted."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort
    from scrthemes.flows import ingest, rerun, tasks

    texts = [text for (text,) in batch.rows("SELECT text FROM review_texts")]
    # Snippets of every stored review: none may appear in what Prefect recorded.
    snippets = [t[i : i + 60] for t in texts for i in range(200, len(t) - 60, 2000)]
    assert snippets
    with get_client(sync_client=True) as client:
        flow_runs = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=200)
    assert flow_runs, "the flows ran against the Prefect API"
    recorded = " ".join(repr(run.parameters) for run in flow_runs)
    assert str(batch.folder) in recorded
    assert not [s for s in snippets if s in recorded]
    for obj in (ingest.ingest_review, ingest.ingest_folder, rerun.rerun_all):
        assert obj.persist_result is False
    for obj in (tasks.hash_file, tasks.extract_and_store, tasks.tag_review):
        assert obj.persist_result is False
