"""The sentence-level theme classifier: a stock scikit-learn pipeline saved with skops.

One row per sentence (see :mod:`scrthemes.nlp.features`) goes through a
``ColumnTransformer`` of

- TF-IDF word 1-2-grams and TF-IDF ``char_wb`` 3-5-grams of the sentence text,
- binary counts of the rule-hit tokens (affirmed / negated hits per theme, the
  negation cue, the pattern ids, and the previous sentence's hits),
- binary counts of the context tokens (subject words, heading words, shape),

into a ``OneVsRestClassifier`` of class-balanced logistic regressions, one per
theme (multi-label). Per-theme decision thresholds are chosen at training time
(see :mod:`scrthemes.nlp.train`) and stored in the JSON card beside the
artifact, not in the pipeline. The class-balanced regressions inflate their
probabilities, so they are calibrated per theme by Platt scaling fitted on
out-of-fold predictions (:mod:`scrthemes.nlp.calibration`); the two numbers
per theme are in the card too.

The artifact is written with :func:`skops.io.dump` and read back with
:func:`skops.io.load` trusting exactly :data:`TRUSTED_TYPES`; a test pins that
list to :func:`skops.io.get_untrusted_types` of a freshly trained pipeline, so
a scikit-learn or skops upgrade that changes what gets serialised fails loudly
instead of silently trusting new types.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np
import skops.io as sio
from scrthemes.models import MODELS_DIR
from scrthemes.nlp.calibration import calibrate
from scrthemes.nlp.features import sentence_rows
from scrthemes.nlp.mentions import Sentence
from scrthemes.nlp.themes import THEME_IDS
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

#: The shipped artifact; its card is the same path with a ``.json`` suffix.
DEFAULT_MODEL = MODELS_DIR / "theme_classifier.skops"

#: Types skops must trust to load the artifact beyond its built-in safe set.
#: Empty with skops 0.16: every type in the pipeline (scikit-learn estimators,
#: numpy arrays, builtins) is on skops' own safe list. A test pins this to
#: ``skops.io.get_untrusted_types`` of a freshly trained pipeline, so a change
#: of either library that needs more trust fails there, not silently here.
TRUSTED_TYPES: list[str] = []

_TOKENS = r"\S+"


class ModelFileError(ValueError):
    """A model artifact or its card cannot be used; ``str(err)`` names the file and the cause."""


def build_pipeline(*, C: float = 8.0, min_df: int = 2, seed: int = 13) -> Pipeline:
    """Unfitted feature union -> one-vs-rest logistic regression over the theme labels.

    Parameters
    ----------
    C
        Inverse regularisation strength of each logistic regression.
    min_df
        Minimum document frequency for the word and character n-grams.
    seed
        ``random_state`` of the estimators.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Takes the rows of :func:`scrthemes.nlp.features.sentence_rows` and a
        binary label matrix in :data:`THEME_IDS` order.
    """
    features = ColumnTransformer(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True), 0),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    min_df=min_df,
                    sublinear_tf=True,
                    max_features=30000,
                ),
                0,
            ),
            ("rules", CountVectorizer(token_pattern=_TOKENS, lowercase=False, binary=True), 1),
            ("context", CountVectorizer(token_pattern=_TOKENS, lowercase=False, binary=True), 2),
        ]
    )
    logistic = LogisticRegression(
        C=C, class_weight="balanced", max_iter=3000, random_state=seed
    )
    return Pipeline([("features", features), ("clf", OneVsRestClassifier(logistic))])


@dataclass
class ThemeClassifier:
    """A fitted pipeline with its per-theme thresholds and card.

    ``thresholds[theme]`` is the probability at or above which a sentence
    counts as asserting ``theme`` for the classifier alone. For the combined
    method (see :mod:`scrthemes.nlp.combine`), ``combined_thresholds[theme]``
    is where a sentence without a rule hit adds a mention (above 1: never)
    and ``rule_thresholds[theme]`` the probability an affirmed rule hit needs
    to count (0: always). Missing entries fall back to ``thresholds``.
    ``calibration`` maps the pipeline's raw probabilities to calibrated ones
    (empty: raw); every threshold is on the calibrated scale.
    """

    pipeline: Pipeline
    thresholds: dict[str, float]
    rule_thresholds: dict[str, float] = field(default_factory=dict)
    card: dict = field(default_factory=dict)
    combined_thresholds: dict[str, float] = field(default_factory=dict)
    calibration: dict[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("rule_thresholds", "combined_thresholds"):
            table = getattr(self, name)
            for theme in THEME_IDS:
                table.setdefault(theme, self.thresholds[theme])

    def predict_proba(self, sentences: Sequence[Sentence]) -> np.ndarray:
        """Probability of each theme for each sentence of one text.

        Parameters
        ----------
        sentences
            The sentences of one text in reading order, with their rule hits.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(sentences), len(THEME_IDS))``, columns in
            :data:`THEME_IDS` order; empty input gives shape ``(0, 9)``.
        """
        if not sentences:
            return np.zeros((0, len(THEME_IDS)))
        raw = np.asarray(self.pipeline.predict_proba(sentence_rows(sentences)), dtype=float)
        return calibrate(raw, self.calibration)

    @property
    def version(self) -> str:
        """Short id of this model: the card's artifact hash, else 'untracked'."""
        return str(self.card.get("artifact_sha256", "untracked"))[:12]


def slim(pipeline: Pipeline) -> Pipeline:
    """Make a fitted pipeline small to store and quick to load; predictions do not change.

    Drops the vectorizers' ``stop_words_`` (the terms cut by ``min_df``, only
    kept for inspection) and turns vocabulary indices into plain ints, which
    skops writes inline instead of as one ``.npy`` file per term.
    """
    features = pipeline.named_steps["features"]
    for _, transformer, _ in getattr(features, "transformers_", []):
        if hasattr(transformer, "stop_words_"):
            del transformer.stop_words_
        if hasattr(transformer, "vocabulary_"):
            transformer.vocabulary_ = {k: int(v) for k, v in transformer.vocabulary_.items()}
    return pipeline


def provenance() -> dict[str, object]:
    """Card fields that say what produced an artifact: the git commit (if any) and library versions."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
            text=True, timeout=5, check=False,
        )
        sha = out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        sha = None
    versions = {"python": platform.python_version()}
    for name, dist in (("sklearn", "scikit-learn"), ("skops", "skops"), ("spacy", "spacy"), ("numpy", "numpy")):
        versions[name] = version(dist)
    return {"git_sha": sha, "versions": versions}


def card_path(model_path: Path) -> Path:
    """The JSON card that belongs to ``model_path``."""
    return Path(model_path).with_suffix(".json")


def save_classifier(classifier: ThemeClassifier, path: Path = DEFAULT_MODEL) -> tuple[Path, Path]:
    """Write the pipeline with skops and its card (thresholds included) as JSON.

    Parameters
    ----------
    classifier
        The fitted classifier; its ``card`` is written with the thresholds and
        the artifact's sha256 added.
    path
        Where the ``.skops`` file goes.

    Returns
    -------
    tuple[pathlib.Path, pathlib.Path]
        The artifact and the card paths.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(slim(classifier.pipeline), path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    card = dict(classifier.card)
    card["labels"] = list(THEME_IDS)
    card["thresholds"] = {t: round(float(classifier.thresholds[t]), 4) for t in THEME_IDS}
    card["combined_thresholds"] = {t: round(float(classifier.combined_thresholds[t]), 4) for t in THEME_IDS}
    card["rule_thresholds"] = {t: round(float(classifier.rule_thresholds[t]), 4) for t in THEME_IDS}
    card["calibration"] = {t: [float(v) for v in classifier.calibration.get(t, (1.0, 0.0))] for t in THEME_IDS}
    card["artifact"] = path.name
    card["artifact_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    card["trusted_types"] = list(TRUSTED_TYPES)
    classifier.card = card
    out = card_path(path)
    out.write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path, out


def _read_card(path: Path) -> dict:
    cpath = card_path(path)
    try:
        card = json.loads(cpath.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"{cpath}: model card missing (it must sit beside {path.name})") from None
    except (OSError, json.JSONDecodeError) as err:
        raise ModelFileError(f"{cpath}: cannot read model card ({err})") from None
    if card.get("labels") != list(THEME_IDS):
        raise ModelFileError(
            f"{cpath}: labels {card.get('labels')} differ from the codebook's; retrain with `scrthemes train`"
        )
    for key in ("thresholds", "combined_thresholds", "rule_thresholds", "calibration"):
        missing = [t for t in THEME_IDS if t not in card.get(key, {})]
        if missing:
            raise ModelFileError(f"{cpath}: {key} lack {', '.join(missing)}")
    return card


def load_classifier(path: Path | None = None) -> ThemeClassifier | None:
    """Load a classifier artifact and its card; None when none is shipped.

    Parameters
    ----------
    path
        A ``.skops`` file; :data:`DEFAULT_MODEL` when None.

    Returns
    -------
    ThemeClassifier or None
        None only when ``path`` is None and no default artifact exists.

    Raises
    ------
    ModelFileError
        If the file (or its card) is missing, unreadable, or holds types
        outside :data:`TRUSTED_TYPES`.
    """
    if path is None:
        if not DEFAULT_MODEL.exists():
            return None
        path = DEFAULT_MODEL
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path}: model file not found")
    card = _read_card(path)
    try:
        untrusted = set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES)
    except Exception as err:  # skops raises several types for corrupt archives
        raise ModelFileError(f"{path}: not a readable skops file ({err})") from None
    if untrusted:
        raise ModelFileError(
            f"{path}: holds types that are not trusted ({', '.join(sorted(untrusted))}); "
            "retrain with `scrthemes train` or review TRUSTED_TYPES"
        )
    pipeline = sio.load(path, trusted=TRUSTED_TYPES)
    return ThemeClassifier(
        pipeline=pipeline,
        thresholds={t: float(card["thresholds"][t]) for t in THEME_IDS},
        rule_thresholds={t: float(card["rule_thresholds"][t]) for t in THEME_IDS},
        card=card,
        combined_thresholds={t: float(card["combined_thresholds"][t]) for t in THEME_IDS},
        calibration={t: (float(card["calibration"][t][0]), float(card["calibration"][t][1])) for t in THEME_IDS},
    )
