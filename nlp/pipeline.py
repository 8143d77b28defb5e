"""The spaCy pipeline that finds theme mentions: rules only, offline.

``spacy.blank("en")`` + a sentence splitter for noisy review text + the lookup
lemmatizer (tables from spacy-lookups-data, no network) + lower-cased lemmas +
a ``theme_ruler`` (``rulematch.py``) holding every ``nlp/patterns/*.jsonl`` pattern + the
``theme_context`` component that flags spans that must not count.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from functools import cache
from pathlib import Path

import spacy
from scrthemes.nlp import components, preprocess, rulematch  # noqa: F401  (registers the factories)
from scrthemes.nlp.themes import IMPLIED_THEMES, THEME_IDS, THEMES_FILE
from spacy.language import Language

PATTERNS_DIR = Path(__file__).with_name("patterns")
SPANS_KEY = "themes"


class PatternFileError(ValueError):
    """A pattern file is malformed; ``str(err)`` names the file, the line and the cause."""


def _check_pattern(path: Path, lineno: int, entry: object, seen: dict[str, str]) -> dict:
    where = f"{path}, line {lineno}"
    if not isinstance(entry, dict):
        raise PatternFileError(f"{where}: expected a JSON object, got {type(entry).__name__}")
    label = entry.get("label")
    if label not in THEME_IDS:
        close = difflib.get_close_matches(str(label).lower(), THEME_IDS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise PatternFileError(
            f"unknown theme {label!r} in {where}. Every \"label\" must be a theme defined in "
            f"nlp/themes.yml.{hint} Known themes: {', '.join(sorted(THEME_IDS))}"
        )
    pid = entry.get("id")
    if not isinstance(pid, str) or not pid:
        raise PatternFileError(f"{where}: missing \"id\" (a stable pattern id such as '{label}/short-name')")
    if pid in seen:
        raise PatternFileError(f"duplicate pattern id {pid!r} in {where} (first used at {seen[pid]})")
    seen[pid] = where
    if not isinstance(entry.get("pattern"), str | list) or not entry["pattern"]:
        raise PatternFileError(f"{where}: \"pattern\" must be a phrase or a list of token patterns")
    return {"label": label, "id": pid, "pattern": entry["pattern"]}


def read_patterns(patterns_dir: Path = PATTERNS_DIR) -> list[dict]:
    """Read and check every ``*.jsonl`` pattern file in a folder.

    Parameters
    ----------
    patterns_dir
        Folder of pattern files, one JSON object a line:
        ``{"label": theme_id, "id": "theme_id/short-name", "pattern": ...}``.

    Returns
    -------
    list[dict]
        Patterns in file then line order, ready for ``ThemeRuler.add_patterns``,
        followed by the implied copies (:data:`themes.IMPLIED_THEMES`): every
        domestic abuse pattern again as ``volatile_relationships/da-<name>``.

    Raises
    ------
    PatternFileError
        For bad JSON, an unknown label, a missing or duplicate id (naming file and line).
    """
    patterns: list[dict] = []
    seen: dict[str, str] = {}
    files = sorted(Path(patterns_dir).glob("*.jsonl"))
    if not files:
        raise PatternFileError(f"no pattern files (*.jsonl) found in {patterns_dir}")
    for path in files:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as err:
                raise PatternFileError(f"{path}, line {lineno}: invalid JSON ({err.msg})") from None
            patterns.append(_check_pattern(path, lineno, entry, seen))
    return patterns + _implied(patterns, seen)


def _implied(patterns: list[dict], seen: dict[str, str]) -> list[dict]:
    implied = []
    for entry in patterns:
        if entry["label"] not in IMPLIED_THEMES:
            continue
        target, prefix = IMPLIED_THEMES[entry["label"]]
        pid = f"{target}/{prefix}-{entry['id'].split('/', 1)[-1]}"
        if pid in seen:
            raise PatternFileError(
                f"pattern id {pid!r} at {seen[pid]} is made from {entry['id']!r} already "
                f"({entry['label']} implies {target}); remove the copy"
            )
        implied.append({"label": target, "id": pid, "pattern": entry["pattern"]})
    return implied


@spacy.registry.misc("scrthemes.theme_patterns.v1")
def theme_patterns(patterns_dir: str | None = None) -> list[dict]:
    """Every theme pattern (for ``[initialize.components.themes.patterns]``)."""
    return read_patterns(Path(patterns_dir) if patterns_dir else PATTERNS_DIR)


def rules_fingerprint(patterns_dir: Path = PATTERNS_DIR) -> str:
    """SHA-256 over the pattern files, ``themes.yml`` and the context component's code.

    Parameters
    ----------
    patterns_dir
        Folder of pattern files.

    Returns
    -------
    str
        Hex digest; changes whenever a rule, theme or context cue changes.
    """
    digest = hashlib.sha256()
    code = [Path(components.__file__), Path(preprocess.__file__), Path(rulematch.__file__)]
    for path in [*sorted(Path(patterns_dir).glob("*.jsonl")), THEMES_FILE, *code]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_pipeline(patterns_dir: Path = PATTERNS_DIR, context_config: dict | None = None) -> Language:
    """Assemble the rule pipeline.

    Parameters
    ----------
    patterns_dir
        Folder of ``*.jsonl`` theme patterns.
    context_config
        Overrides for the ``theme_context`` component's settings.

    Returns
    -------
    Language
        A pipeline whose docs carry ``doc.spans["themes"]``, each span with
        ``span._.theme_cue`` (None when the mention counts).
    """
    nlp = spacy.blank("en")
    nlp.max_length = 2_000_000
    nlp.add_pipe("scr_sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": True})
    nlp.add_pipe("lemma_case")
    # Not spaCy's span_ruler: its Matcher tries every pattern at every token
    # through Python predicates (~50x slower here); theme_ruler gives the same
    # spans, per sentence (see rulematch.py).
    ruler = nlp.add_pipe("theme_ruler", name="themes", config={"spans_key": SPANS_KEY})
    nlp.add_pipe("theme_context", config={"spans_key": SPANS_KEY, **(context_config or {})})
    nlp.initialize()
    # lemma_case does the table lookup itself, once per distinct word.
    nlp.disable_pipe("lemmatizer")
    ruler.add_patterns(read_patterns(patterns_dir))
    return nlp


@cache
def load_pipeline() -> Language:
    """The default rule pipeline, built once per process."""
    return build_pipeline()
