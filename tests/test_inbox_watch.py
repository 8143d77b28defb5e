"""The inbox flow: good PDFs end in processed/, bad files in failed/ with a reason, nothing is lost."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from scrthemes.flows.inbox import (
    FAILED,
    PROCESSED,
    candidates,
    move_aside,
    resolve_inbox,
    settled,
    write_reason,
)
from sqlalchemy import create_engine, text


@pytest.fixture(scope="module")
def two_pdfs(tmp_path_factory) -> list[Path]:
    from scrthemes.corpus.samples import generate_samples

    folder = tmp_path_factory.mktemp("samples")
    infos = sorted(generate_samples(folder), key=lambda i: i.pages)[:2]
    return [folder / i.file for i in infos]


def _reviews(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    with engine.connect() as con:
        names = [n for (n,) in con.execute(text("SELECT file_name FROM reviews ORDER BY file_name"))]
    engine.dispose()
    return names


def test_candidates_skip_hidden_partial_and_filed(tmp_path):
    for name in ("b.pdf", "a.pdf", ".hidden.pdf", "c.pdf.part", "d.crdownload"):
        (tmp_path / name).write_bytes(b"%PDF-1.4 fictional")
    (tmp_path / PROCESSED).mkdir()
    (tmp_path / FAILED).mkdir()
    assert [p.name for p in candidates(tmp_path)] == ["a.pdf", "b.pdf"]


def test_move_aside_never_overwrites(tmp_path):
    dest = tmp_path / PROCESSED
    dest.mkdir()
    (dest / "r.pdf").write_bytes(b"first")
    (dest / "r-2.pdf").write_bytes(b"second")
    incoming = tmp_path / "r.pdf"
    incoming.write_bytes(b"third")

    moved = move_aside(incoming, dest)

    assert moved == dest / "r-3.pdf"
    assert not incoming.exists()
    assert [(p.name, p.read_bytes()) for p in sorted(dest.iterdir())] == [
        ("r-2.pdf", b"second"), ("r-3.pdf", b"third"), ("r.pdf", b"first"),
    ]


def test_reason_file_sits_beside_the_failed_file(tmp_path):
    failed = tmp_path / "x.pdf"
    failed.write_bytes(b"")
    note = write_reason(failed, "x.pdf: empty file")
    assert note.name == "x.pdf.reason.txt"
    assert note.read_text().splitlines()[0] == "x.pdf: empty file"


def test_a_file_still_growing_is_left_for_the_next_pass(tmp_path):
    done = tmp_path / "done.pdf"
    done.write_bytes(b"%PDF-1.4 complete (fictional)")
    growing = tmp_path / "growing.pdf"
    growing.write_bytes(b"%PDF-1.4 ")
    stop = threading.Event()

    def keep_writing() -> None:
        with growing.open("ab") as out:
            while not stop.is_set():
                out.write(b"more fictional bytes\n")
                out.flush()
                time.sleep(0.05)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        ready, changing = settled([done, growing], settle_seconds=0.5)
    finally:
        stop.set()
        writer.join()
    assert ready == [done]
    assert changing == [growing]


def test_inbox_defaults_to_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRTHEMES_INBOX", str(tmp_path / "box"))
    assert resolve_inbox(None) == tmp_path / "box"
    assert resolve_inbox(str(tmp_path / "given")) == tmp_path / "given"


def test_watch_inbox_files_good_and_bad(prefect_harness, two_pdfs, tmp_path):
    from scrthemes.flows.inbox import watch_inbox

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for pdf in two_pdfs:
        shutil.copy(pdf, inbox / pdf.name)
    # A plain-text file with a .pdf name: fictional, and not a PDF.
    (inbox / "notes.pdf").write_text("Fictional meeting notes, not a PDF.\n")
    (inbox / "copying.pdf.part").write_bytes(b"%PDF-1.4 half")
    db_url = f"sqlite:///{tmp_path / 'inbox.db'}"

    result = watch_inbox(inbox=str(inbox), db_url=db_url, settle_seconds=0.2)

    good = sorted(p.name for p in two_pdfs)
    assert sorted(result["processed"]) == good
    assert list(result["failed"]) == ["notes.pdf"]
    assert "notes.pdf" in result["failed"]["notes.pdf"]
    assert sorted(p.name for p in (inbox / PROCESSED).iterdir()) == good
    assert sorted(p.name for p in (inbox / FAILED).iterdir()) == ["notes.pdf", "notes.pdf.reason.txt"]
    reason = (inbox / FAILED / "notes.pdf.reason.txt").read_text()
    assert reason.splitlines()[0] == result["failed"]["notes.pdf"]
    assert [p.name for p in candidates(inbox)] == []  # only the .part file is left
    assert (inbox / "copying.pdf.part").exists()
    assert _reviews(db_url) == good
    for pdf in two_pdfs:  # the filed copies are byte-for-byte the dropped files
        assert (inbox / PROCESSED / pdf.name).read_bytes() == pdf.read_bytes()

    # The same review dropped again (e.g. the move was interrupted last time):
    # stored once, and the second copy is filed without overwriting the first.
    shutil.copy(two_pdfs[0], inbox / two_pdfs[0].name)
    again = watch_inbox(inbox=str(inbox), db_url=db_url, settle_seconds=0.2)
    assert again["processed"] == [two_pdfs[0].name]
    assert _reviews(db_url) == good
    stem = two_pdfs[0].stem
    assert (inbox / PROCESSED / f"{stem}-2.pdf").read_bytes() == two_pdfs[0].read_bytes()


def test_missing_inbox_is_one_clear_error(prefect_harness, tmp_path):
    from scrthemes.flows.inbox import watch_inbox

    with pytest.raises(FileNotFoundError, match="no such folder"):
        watch_inbox(inbox=str(tmp_path / "nowhere"), db_url=f"sqlite:///{tmp_path / 'x.db'}")
