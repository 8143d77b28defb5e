"""The gold set: real review excerpts annotated with the codebook themes.

The gold documents live outside the repository, in ``../shared/gold/docs/*.json``
(or ``$SCRTHEMES_SHARED/gold``), because they hold real review text. This module
reads them at run time and splits them reproducibly for tuning and evaluation;
nothing here copies their text anywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scrthemes.nlp.themes import THEME_IDS

#: ``(start, end, text)``: character offsets into :attr:`GoldDoc.text`.
Quote = tuple[int, int, str]
#: ``(theme, why, start, end, text)``: a passage with theme words that must not count.
HardNegative = tuple[str, str, int, int, str]

_REPO = Path(__file__).resolve().parents[1]


class GoldError(ValueError):
    """A gold file is missing or malformed; ``str(err)`` names the file and the cause."""


@dataclass(frozen=True)
class GoldDoc:
    """One annotated gold document.

    ``themes`` maps every theme id to whether the document asserts it;
    ``evidence`` maps every theme id to its evidence quotes (one per asserting
    sentence). Domestic abuse evidence is also volatile-relationships evidence
    (the gold README's rule), and :func:`load_gold` applies it.
    """

    id: str
    text: str
    board: str | None
    year: int | None
    kind: str | None
    themes: dict[str, bool]
    evidence: dict[str, list[Quote]]
    hard_negatives: list[HardNegative] = field(default_factory=list)


def default_gold_dir() -> Path:
    """Where the gold set lives: ``$SCRTHEMES_SHARED/gold``, else ``../shared/gold``.

    Returns
    -------
    Path
        The gold folder (it holds ``docs/*.json``).

    Raises
    ------
    GoldError
        If the folder, or its ``docs`` subfolder, does not exist.
    """
    env = os.environ.get("SCRTHEMES_SHARED")
    shared = Path(env) if env else _REPO.parent / "shared"
    gold = shared / "gold"
    if not (gold / "docs").is_dir():
        hint = "SCRTHEMES_SHARED" if env else "the 'shared' folder beside the repository"
        raise GoldError(
            f"gold data not found: {gold / 'docs'} does not exist "
            f"(looked in {hint}; set SCRTHEMES_SHARED to the folder that holds gold/)"
        )
    return gold


def _quote(path: Path, text: str, item: dict, what: str) -> Quote:
    try:
        start, end, quote = int(item["start"]), int(item["end"]), str(item["text"])
    except (KeyError, TypeError, ValueError) as err:
        raise GoldError(f"{path}: {what} has no valid start/end/text ({err})") from None
    if not 0 <= start <= end <= len(text):
        raise GoldError(f"{path}: {what} offsets {start}-{end} fall outside the text")
    return start, end, quote


def read_gold_file(path: Path) -> GoldDoc:
    """Read one gold JSON file.

    Parameters
    ----------
    path
        A ``docs/*.json`` file in the gold format (see the gold README).

    Returns
    -------
    GoldDoc
        The document, with domestic abuse evidence merged into volatile relationships.

    Raises
    ------
    GoldError
        If the file is not JSON, lacks a field, or names an unknown theme.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise GoldError(f"{path}: cannot read gold file ({err})") from None
    for key in ("id", "text", "themes"):
        if key not in raw:
            raise GoldError(f"{path}: missing field {key!r}")
    text = raw["text"]
    unknown = sorted(set(raw["themes"]) - set(THEME_IDS))
    if unknown:
        raise GoldError(f"{path}: unknown theme {unknown[0]!r}; known themes: {', '.join(THEME_IDS)}")
    evidence: dict[str, list[Quote]] = {}
    for theme in THEME_IDS:
        entry = raw["themes"].get(theme) or {}
        evidence[theme] = [
            _quote(path, text, item, f"{theme} evidence") for item in entry.get("evidence", [])
        ]
    merged = evidence["volatile_relationships"] + [
        q for q in evidence["domestic_abuse"] if q not in evidence["volatile_relationships"]
    ]
    evidence["volatile_relationships"] = sorted(merged)
    themes = {
        theme: bool(evidence[theme]) or bool((raw["themes"].get(theme) or {}).get("present"))
        for theme in THEME_IDS
    }
    negatives: list[HardNegative] = []
    for item in raw.get("hard_negatives", []):
        theme = item.get("theme")
        if theme not in THEME_IDS:
            raise GoldError(f"{path}: hard negative with unknown theme {theme!r}")
        start, end, quote = _quote(path, text, item, f"{theme} hard negative")
        negatives.append((theme, str(item.get("why", "other")), start, end, quote))
    year = raw.get("year")
    return GoldDoc(
        id=str(raw["id"]),
        text=text,
        board=raw.get("board"),
        year=int(year) if isinstance(year, int | str) and str(year).isdigit() else None,
        kind=raw.get("kind"),
        themes=themes,
        evidence=evidence,
        hard_negatives=negatives,
    )


def evidence_in(doc: GoldDoc, theme: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    """Indices of the ``(start, end)`` spans (sentences) that overlap an evidence quote of ``theme``."""
    return {i for i, (s, e) in enumerate(spans) if any(a < e and s < b for a, b, _ in doc.evidence[theme])}


def gold_docs_dir(gold_dir: Path | None = None) -> Path:
    """The folder that holds the gold ``*.json`` files.

    Parameters
    ----------
    gold_dir
        The gold folder (holding ``docs/``) or the ``docs`` folder itself;
        :func:`default_gold_dir` when None.

    Returns
    -------
    Path
    """
    gold_dir = Path(gold_dir) if gold_dir is not None else default_gold_dir()
    return gold_dir / "docs" if (gold_dir / "docs").is_dir() else gold_dir


def load_gold(gold_dir: Path | None = None) -> list[GoldDoc]:
    """Read every gold document, sorted by id.

    Parameters
    ----------
    gold_dir
        The gold folder (holding ``docs/*.json``) or the ``docs`` folder itself;
        :func:`default_gold_dir` when None.

    Returns
    -------
    list[GoldDoc]
        The documents, sorted by id.

    Raises
    ------
    GoldError
        If the folder holds no gold files or one of them is malformed.
    """
    docs_dir = gold_docs_dir(gold_dir)
    files = sorted(docs_dir.glob("*.json"))
    if not files:
        raise GoldError(f"no gold files (*.json) found in {docs_dir}")
    return sorted((read_gold_file(f) for f in files), key=lambda d: d.id)


def _bucket(doc_id: str, seed: int) -> float:
    """A number in [0, 1) fixed by the document id and seed alone."""
    digest = hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_gold(
    docs: Iterable[GoldDoc], dev_fraction: float = 0.3, seed: int = 13
) -> tuple[list[GoldDoc], list[GoldDoc]]:
    """Split documents into train and dev by a hash of their ids.

    The split depends only on each id and ``seed``: reordering the documents,
    or adding new ones, never moves an existing document to the other side.

    Parameters
    ----------
    docs
        Gold documents.
    dev_fraction
        Expected share of documents that go to dev (0 < fraction < 1).
    seed
        Changes the split.

    Returns
    -------
    tuple[list[GoldDoc], list[GoldDoc]]
        ``(train, dev)``, each sorted by id.
    """
    if not 0.0 < dev_fraction < 1.0:
        raise ValueError(f"dev_fraction must be between 0 and 1, got {dev_fraction}")
    ordered = sorted(docs, key=lambda d: d.id)
    dev = [d for d in ordered if _bucket(d.id, seed) < dev_fraction]
    train = [d for d in ordered if _bucket(d.id, seed) >= dev_fraction]
    return train, dev


def folds(
    docs: Sequence[GoldDoc], k: int = 5, seed: int = 13
) -> list[tuple[list[GoldDoc], list[GoldDoc]]]:
    """Cross-validation folds by document: ``k`` pairs of ``(train, test)``.

    Documents are ranked by a hash of id and ``seed`` and dealt round-robin, so
    each fold's test part holds ``len(docs) // k`` or one more documents and
    the folds do not depend on the input order.

    Parameters
    ----------
    docs
        Gold documents.
    k
        Number of folds (at least 2, at most ``len(docs)``).
    seed
        Changes the assignment.

    Returns
    -------
    list[tuple[list[GoldDoc], list[GoldDoc]]]
        ``[(train, test), ...]``; every document is in exactly one test part.
    """
    ordered = sorted(docs, key=lambda d: (_bucket(d.id, seed), d.id))
    if not 2 <= k <= len(ordered):
        raise ValueError(f"k must be between 2 and the number of documents ({len(ordered)}), got {k}")
    assignment = {d.id: i % k for i, d in enumerate(ordered)}
    by_id = sorted(ordered, key=lambda d: d.id)
    return [
        (
            [d for d in by_id if assignment[d.id] != fold],
            [d for d in by_id if assignment[d.id] == fold],
        )
        for fold in range(k)
    ]
