"""``scrthemes tag FILE --json``: the JSON contract, on text and PDF input, with no database.

The .txt review below is FICTIONAL, written for this test; no real child,
family or agency is described. The gold test reads a real document from
``../shared/gold`` at run time and writes it only to a temporary folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrthemes.corpus.reader import read_review
from scrthemes.flows.cli import app
from scrthemes.nlp.themes import THEME_IDS
from typer.testing import CliRunner

runner = CliRunner()

FICTIONAL_REVIEW = """\
Fictional review for scrthemes tests. No real family is described.

1.1 Baby Zed lived with his mother, Ms Pell, and her partner, Mr Quill, in a \
one-bedroom flat that was badly overcrowded and damp.

1.2 Ms Pell had a long history of depression and was under the care of the \
perinatal mental health team. Mr Quill was using heroin daily.

1.3 Police were called to arguments between the couple on four occasions, and \
there were repeated domestic abuse incidents.

1.4 The GP was not informed of the police call-outs. Ms Pell repeatedly failed \
to attend appointments and the health visitor had three no-access visits.

1.5 There was no evidence that either adult had harmed a child before.
"""

MENTION_KEYS = {"theme", "text", "sentence", "start", "end", "page", "negated", "method", "score"}


def tag_json(path: Path, *extra: str) -> dict:
    result = runner.invoke(app, ["tag", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_contract(data: dict, path: Path, text: str, *, pdf: bool) -> None:
    assert set(data) == {"file", "pages", "themes", "mentions"}
    assert data["file"] == str(path)
    assert list(data["themes"]) == list(THEME_IDS)
    for summary in data["themes"].values():
        assert set(summary) == {"present", "mentions", "score"}
        assert isinstance(summary["present"], bool)
        assert summary["present"] == (summary["mentions"] > 0)
        assert 0.0 <= summary["score"] <= 1.0
    affirmed = {t: 0 for t in THEME_IDS}
    for mention in data["mentions"]:
        assert set(mention) == MENTION_KEYS
        start, end = mention["start"], mention["end"]
        assert text[start:end] == mention["text"]
        assert mention["text"] in mention["sentence"]
        assert mention["method"] in {"rule", "classifier", "both"}
        if pdf:
            assert 1 <= mention["page"] <= data["pages"]
        else:
            assert mention["page"] is None
        if not mention["negated"]:
            affirmed[mention["theme"]] += 1
    assert {t: s["mentions"] for t, s in data["themes"].items()} == affirmed


def test_tag_txt_json_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "fictional-review.txt"
    path.write_text(FICTIONAL_REVIEW, encoding="utf-8")
    data = tag_json(path, "--method", "rules")
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no database made
    assert data["pages"] == 1  # no form feeds: one page of text
    assert_contract(data, path, FICTIONAL_REVIEW, pdf=False)
    present = {t for t, s in data["themes"].items() if s["present"]}
    # Plainly stated in the fictional text above; the last paragraph is a negation.
    assert {"parental_mental_health", "housing", "substance_misuse", "domestic_abuse"} <= present
    assert "risk_adults" not in present


def test_tag_gold_document_offsets(tmp_path: Path, gold_dir: Path) -> None:
    doc = json.loads(sorted((gold_dir / "docs").glob("*.json"))[0].read_text(encoding="utf-8"))
    path = tmp_path / f"{doc['id']}.txt"
    path.write_text(doc["text"], encoding="utf-8")
    data = tag_json(path)
    assert_contract(data, path, path.read_text(encoding="utf-8"), pdf=False)


def test_tag_pdf_offsets_index_the_cleaned_text(sample_pdf: Path) -> None:
    data = tag_json(sample_pdf, "--method", "rules")
    doc = read_review(sample_pdf)
    assert data["pages"] == doc.page_count
    assert data["mentions"], "a sample review carries themes"
    assert_contract(data, sample_pdf, doc.text, pdf=True)
    for mention in data["mentions"]:
        assert doc.page_at(mention["start"]) == mention["page"]


def test_tag_bad_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("this is not a PDF", encoding="utf-8")
    result = runner.invoke(app, ["tag", str(path), "--json"])
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and "not a PDF" in lines[0]


def test_tag_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tag", str(tmp_path / "absent.txt"), "--json"])
    assert result.exit_code != 0
    assert "absent.txt" in result.stderr


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scrthemes.corpus.samples import generate_samples

    out = tmp_path_factory.mktemp("samples")
    infos = generate_samples(out)
    return out / infos[0].file
