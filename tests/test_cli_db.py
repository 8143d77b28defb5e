"""The database commands of ``scrthemes``, run through typer's CliRunner on a real SQLite file.

One module-scoped database: ``scrthemes samples`` writes the fictional sample
PDFs, ``scrthemes ingest`` stores two of them (plus a bad file) through the
real Prefect flow, and every test below reads or edits that database.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrthemes.corpus.samples import SampleInfo, load_manifest
from scrthemes.flows.cli import app
from scrthemes.nlp.themes import THEME_IDS
from typer.testing import CliRunner, Result

runner = CliRunner()


@dataclass
class Db:
    path: Path
    samples: Path
    infos: list[SampleInfo]  # the two ingested
    ingest: Result

    def cli(self, *args: str) -> Result:
        return runner.invoke(app, ["--db", f"sqlite:///{self.path}", *args])

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql, params).fetchall()

    def present(self, review_id: int) -> set[str]:
        rows = self.rows(
            "SELECT DISTINCT theme FROM mentions WHERE review_id = ? AND NOT negated", review_id
        )
        return {t for (t,) in rows}

    def counts(self) -> dict[str, int]:
        tables = ("reviews", "pages", "passages", "mentions", "themes", "runs")
        return {t: self.rows(f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Db:
    root = tmp_path_factory.mktemp("cli")
    samples = root / "samples"
    made = runner.invoke(app, ["samples", str(samples)])
    assert made.exit_code == 0, made.output
    infos = smallest(samples)[:2]
    batch = root / "batch"
    batch.mkdir()
    for info in infos:
        shutil.copy(samples / info.file, batch / info.file)
    (batch / "scan.pdf").write_bytes(b"fictional bytes, not a PDF at all")
    path = root / "cli.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", "ingest", str(batch)])
    return Db(path, samples, infos, result)


def smallest(samples: Path) -> list[SampleInfo]:
    """The sample reviews, fewest pages first (the fewer pages, the faster the test)."""
    return sorted(load_manifest(samples), key=lambda i: (i.pages, i.file))


def one_error_line(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_samples_command_wrote_pdfs_and_manifest(db: Db) -> None:
    manifest = load_manifest(db.samples)
    assert len(manifest) >= 2
    assert all((db.samples / i.file).read_bytes().startswith(b"%PDF") for i in manifest)


def test_ingest_summarises_and_reports_the_bad_file(db: Db) -> None:
    assert db.ingest.exit_code == 1
    assert "added: 2, new versions: 0, unchanged: 0, failed: 1" in db.ingest.stdout
    line = one_error_line(db.ingest)
    assert "scan.pdf" in line and "not a PDF" in line
    assert db.rows("SELECT file_name FROM reviews ORDER BY file_name") == sorted(
        (i.file,) for i in db.infos
    )


def test_add_prints_a_line_per_review_and_takes_metadata(db: Db, tmp_path: Path) -> None:
    info = smallest(db.samples)[2]
    missing = tmp_path / "missing.pdf"
    result = db.cli(
        "add", str(db.samples / info.file), str(missing), "--area", "Testshire", "--year", "2001"
    )
    assert result.exit_code == 1  # one of the two files was bad
    (line,) = result.stdout.strip().splitlines()
    review_id = int(line.split()[1].rstrip(":"))
    assert f"({info.pages} pages, added)" in line
    # The line reports what was stored (the tagger's accuracy is test_e2e_samples' business).
    assert line.endswith("themes: " + ", ".join(t for t in THEME_IDS if t in db.present(review_id)))
    assert "missing.pdf" in one_error_line(result)
    assert db.rows("SELECT area, year FROM reviews WHERE id = ?", review_id) == [
        ("Testshire", 2001)
    ]


def test_frequencies_formats(db: Db) -> None:
    table = db.cli("frequencies")
    assert table.exit_code == 0, table.output
    assert all(t in table.stdout for t in THEME_IDS)
    as_csv = list(csv.DictReader(io.StringIO(db.cli("frequencies", "--format", "csv").stdout)))
    assert [r["theme"] for r in as_csv] == list(THEME_IDS)
    as_json = json.loads(db.cli("frequencies", "--format", "json").stdout)
    expected = db.rows("SELECT theme, reviews_featuring FROM theme_frequencies")
    assert {r["theme"]: r["reviews_featuring"] for r in as_json} == dict(expected)
    by_year = json.loads(db.cli("frequencies", "--by", "year", "--format", "json").stdout)
    assert {r["year"] for r in by_year} >= {i.year for i in db.infos}
    none = json.loads(db.cli("frequencies", "--area", "Nowhere", "--format", "json").stdout)
    assert {r["reviews_featuring"] for r in none} == {0}


def test_sql_reads(db: Db) -> None:
    result = db.cli("sql", "SELECT id, file_name FROM reviews ORDER BY id", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sorted(r["file_name"] for r in rows[:2]) == sorted(i.file for i in db.infos)


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM reviews",
        "UPDATE reviews SET year = 1900",
        "DROP TABLE mentions",
        "INSERT INTO themes (id, name) VALUES ('x', 'y')",
        "SELECT 1; DELETE FROM reviews",
        "PRAGMA query_only = OFF",
    ],
)
def test_sql_refuses_writes_and_changes_nothing(db: Db, statement: str) -> None:
    before = db.counts()
    years = db.rows("SELECT id, year FROM reviews ORDER BY id")
    result = db.cli("sql", statement)
    assert result.exit_code != 0
    assert result.stdout == ""
    one_error_line(result)
    assert db.counts() == before
    assert db.rows("SELECT id, year FROM reviews ORDER BY id") == years


def test_show_and_edit(db: Db) -> None:
    review_id = db.rows("SELECT id FROM reviews WHERE file_name = ?", db.infos[0].file)[0][0]
    shown = db.cli("show", str(review_id))
    assert shown.exit_code == 0, shown.output
    assert f"file_name: {db.infos[0].file}" in shown.stdout
    data = json.loads(db.cli("show", str(review_id), "--json").stdout)
    present = sorted(t for t, c in data["themes"].items() if c["present"])
    assert present == sorted(db.present(review_id)) != []
    assert {e["theme"] for e in data["evidence"]} == set(present)
    assert all(not e["negated"] and e["page"] >= 1 for e in data["evidence"])

    edited = db.cli("edit", str(review_id), "--year", "1999", "--title", "Renamed (fictional)")
    assert edited.exit_code == 0, edited.output
    assert db.rows("SELECT year, title FROM reviews WHERE id = ?", review_id) == [
        (1999, "Renamed (fictional)")
    ]
    assert db.cli("edit", str(review_id)).exit_code != 0  # nothing to change


def test_unknown_review_is_one_clear_line(db: Db) -> None:
    for args in (["show", "9999"], ["edit", "9999", "--year", "2000"], ["runs", "show", "9999"]):
        result = db.cli(*args)
        assert result.exit_code != 0
        assert "9999" in one_error_line(result)


def test_rerun_and_runs(db: Db) -> None:
    quiet = db.cli("rerun")
    assert quiet.exit_code == 0, quiet.output
    assert "re-tagged 0 reviews" in quiet.stdout
    forced = db.cli("rerun", "--force")
    assert forced.exit_code == 0, forced.output
    latest = db.rows("SELECT COUNT(*) FROM latest_reviews")[0][0]
    assert f"re-tagged {latest} reviews" in forced.stdout
    runs = json.loads(db.cli("runs", "--format", "json").stdout)
    assert [r["kind"] for r in runs][:3] == ["rerun", "rerun", "ingest"]
    shown = json.loads(db.cli("runs", "show", str(runs[0]["id"])).stdout)
    assert shown["counts"] == {"retagged": latest, "failed": 0}
    assert shown["changes"]["frequency_before"] == shown["changes"]["frequency_after"]
    table = db.cli("runs")
    assert table.exit_code == 0 and "rerun" in table.stdout


def test_bad_database_url_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", "nosuchdb://x", "frequencies"])
    assert result.exit_code != 0
    assert "nosuchdb" in one_error_line(result)


def test_ingest_of_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "ingest",
                                 str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "nowhere: no such folder" in one_error_line(result)
    assert not (tmp_path / "x.db").exists()  # nothing written
