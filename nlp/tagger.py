"""The tagger: text in, theme mentions out (rules, classifier, or both).

Rule mentions come from the spaCy pipeline of ``pipeline.py``. The classifier
plugs in through two optional modules owned by the classifier work:
``scrthemes.nlp.classifier.load_classifier(path=None)`` (an object with
``predict_proba(sentences) -> array (n_sentences, 9)``, or None when no
artifact exists) and ``scrthemes.nlp.combine.combine(text, sentences,
rule_mentions, probs, classifier) -> list[Mention]``.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib
import inspect
import json
import re
import warnings
from dataclasses import dataclass
from functools import cache, partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
from scrthemes.nlp.components import span_cue
from scrthemes.nlp.mentions import Mention, Sentence
from scrthemes.nlp.pipeline import SPANS_KEY, load_pipeline, rules_fingerprint
from scrthemes.nlp.preprocess import SENTENCES_KEY
from scrthemes.nlp.segment import sentence_spans, units
from scrthemes.nlp.themes import THEME_IDS
from spacy.language import Language
from spacy.tokens import Doc

METHODS = ("rules", "classifier", "combined")
#: Used when the shipped model card does not name a default method.
FALLBACK_METHOD = "rules"
#: Texts longer than this are tagged in pieces cut between paragraphs.
CHUNK_CHARS = 100_000
#: Score given to a rule mention (rules are written to be precise; see evaluate.py
#: for measured per-theme precision).
RULE_SCORE = 1.0


@dataclass(frozen=True)
class ThemeSummary:
    """Whether a text carries a theme, how many affirmed mentions, and the best score."""

    present: bool
    mentions: int
    score: float


def _chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Cut a long text between units so no piece exceeds ``limit`` (unless one unit does)."""
    if len(text) <= limit:
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    start = 0
    last_end = 0
    for unit in units(text):
        if unit.end - start > limit and last_end > start:
            pieces.append((start, last_end))
            start = unit.start
        last_end = unit.end
    pieces.append((start, len(text)))
    return pieces


def _package_version() -> str:
    try:
        return version("scrthemes")
    except PackageNotFoundError:
        return "0"


class Tagger:
    """Tag texts with codebook themes.

    Use :func:`load_tagger` rather than building one directly.

    Attributes
    ----------
    method
        ``"rules"``, ``"classifier"`` or ``"combined"``.
    version
        Short hash of the patterns, ``themes.yml``, the context code, the model
        card (if any) and the package version: stored with every mention.
    """

    def __init__(
        self,
        method: str,
        nlp: Language,
        *,
        classifier: object | None = None,
        combine_fn: object | None = None,
        card: str = "",
    ) -> None:
        self.method = method
        self.nlp = nlp
        self.classifier = classifier
        self.combine_fn = combine_fn
        digest = hashlib.sha256()
        for part in (rules_fingerprint(), card, _package_version(), method):
            digest.update(part.encode())
            digest.update(b"\0")
        self.version = digest.hexdigest()[:12]

    def _doc(self, chunk: str) -> tuple[Doc, list[int], list[tuple[int, int, bool]]]:
        """Run the pipeline on ``chunk`` with its whitespace runs collapsed.

        Wrapped lines put newline tokens inside sentences, and a newline token
        would break every multi-word pattern ("did not<newline>attend"). The
        pipeline therefore sees each whitespace run as one space; sentences are
        split on the original text (where line breaks carry structure) and
        handed over. Returns the doc, the map from doc offsets to ``chunk``
        offsets, and the sentences in ``chunk`` offsets.
        """
        spans = sentence_spans(chunk)
        norm, index = _collapse_whitespace(chunk)
        inverse = _inverse(index, len(chunk))  # characters folded into a space map to that space
        doc = self.nlp.make_doc(norm)
        doc.user_data[SENTENCES_KEY] = [(inverse[a], inverse[b - 1] + 1, h) for a, b, h in spans]
        for _name, proc in self.nlp.pipeline:
            doc = proc(doc)
        return doc, index, spans

    def _analyse(
        self, text: str, *, without: frozenset[str] = frozenset(), overlapping: bool = False
    ) -> tuple[list[Sentence], list[Mention]]:
        """Sentences (with their rule hits) and all rule mentions, negated ones flagged.

        ``without``: pattern ids to leave out, as if they did not exist (before
        overlapping hits are resolved). ``overlapping``: keep every hit instead
        of the longest of each overlapping group of a theme.
        """
        sentences: list[Sentence] = []
        mentions: list[Mention] = []
        heading: str | None = None
        for offset, stop in _chunks(text):
            chunk = text[offset:stop]
            doc, index, spans = self._doc(chunk)
            starts = [a for a, _, _ in spans]
            by_sent: dict[int, list[Mention]] = {}
            found = [span for span in doc.spans[SPANS_KEY] if span.id_ not in without]
            for span in found if overlapping else _best_spans(found):
                # The sentence holding the span, found in original offsets.
                at = bisect.bisect_right(starts, index[span.start_char]) - 1
                s_start, s_end, _ = spans[max(at, 0)]
                start, end = index[span.start_char], index[span.end_char - 1] + 1
                cue = span_cue(span)
                mention = Mention(
                    theme=span.label_,
                    start=offset + start,
                    end=offset + end,
                    text=chunk[start:end],
                    sentence=chunk[s_start:s_end],
                    sentence_start=offset + s_start,
                    sentence_end=offset + s_end,
                    negated=cue is not None,
                    cue=cue,
                    method="rule",
                    score=RULE_SCORE,
                    pattern_id=span.id_ or None,
                )
                mentions.append(mention)
                by_sent.setdefault(s_start, []).append(mention)
            for s_start, s_end, is_heading in spans:
                sentences.append(
                    Sentence(
                        start=offset + s_start,
                        end=offset + s_end,
                        text=chunk[s_start:s_end],
                        heading=heading,
                        rule_hits=tuple(by_sent.get(s_start, ())),
                    )
                )
                if is_heading:
                    heading = chunk[s_start:s_end]
        mentions.sort(key=lambda m: (m.start, m.end, THEME_IDS.index(m.theme)))
        return sentences, mentions

    def sentences(self, text: str, *, without: frozenset[str] = frozenset()) -> list[Sentence]:
        """Split ``text`` into sentences, each with its rule hits (negated or not).

        Parameters
        ----------
        text
            The text to split; offsets refer to it.
        without
            Pattern ids to tag as if they did not exist (see :mod:`scrthemes.nlp.unseen`).

        Returns
        -------
        list[Sentence]
            Sentences in order; ``heading`` is the nearest heading above, if any.
        """
        return self._analyse(text, without=without)[0]

    def every_hit(self, text: str) -> list[Mention]:
        """Every rule hit in ``text``, overlapping ones included (``tag`` keeps the longest of each group)."""
        return self._analyse(text, overlapping=True)[1]

    def tag(self, text: str) -> list[Mention]:
        """Find theme mentions in ``text``.

        Parameters
        ----------
        text
            The text to tag; offsets of the mentions refer to it.

        Returns
        -------
        list[Mention]
            Affirmed mentions that count, plus mentions that do not count
            (``negated=True`` with a ``cue``), in text order.
        """
        sentences, rule_mentions = self._analyse(text)
        if self.method == "rules" or self.classifier is None:
            return rule_mentions
        probs = self.classifier.predict_proba(sentences)  # type: ignore[attr-defined]
        return list(self.combine_fn(text, sentences, rule_mentions, probs, self.classifier))  # type: ignore[operator]

    def summarise(self, mentions: list[Mention]) -> dict[str, ThemeSummary]:
        """Per-theme summary of mentions (all nine themes).

        Parameters
        ----------
        mentions
            Mentions from :meth:`tag`.

        Returns
        -------
        dict[str, ThemeSummary]
            ``present`` when at least one affirmed mention, ``mentions`` the
            number of affirmed mentions, ``score`` their best score (0.0 if none).
        """
        out = {}
        for theme in THEME_IDS:
            affirmed = [m for m in mentions if m.theme == theme and not m.negated]
            out[theme] = ThemeSummary(
                present=bool(affirmed),
                mentions=len(affirmed),
                score=max((m.score for m in affirmed), default=0.0),
            )
        return out


def _collapse_whitespace(text: str) -> tuple[str, list[int]]:
    """``text`` with each whitespace run as one space, and the map back.

    ``index[j]`` is the offset in ``text`` of character ``j`` of the result;
    a final entry maps the end of the result to ``len(text)``.
    """
    norm = _WHITESPACE.sub(" ", text)
    keep = np.ones(len(text), dtype=bool)
    for match in _LONG_WHITESPACE.finditer(text):  # all but the first of a run fold into it
        keep[match.start() + 1 : match.end()] = False
    index = np.flatnonzero(keep).tolist()
    index.append(len(text))
    return norm, index


def _inverse(index: list[int], n: int) -> list[int]:
    """Map from offsets in the original text to offsets in the collapsed one."""
    keep = np.zeros(n + 1, dtype=np.int64)
    keep[index[:-1]] = 1
    inverse = np.cumsum(keep) - 1
    inverse[n] = len(index) - 1
    return inverse.tolist()


_WHITESPACE = re.compile(r"\s+")
_LONG_WHITESPACE = re.compile(r"\s{2,}")


def _best_spans(found: list) -> list:
    """One span per overlapping group of the same theme: the longest, then the first."""
    spans = sorted(found, key=lambda s: (s.label_, -(s.end - s.start), s.start))
    taken: dict[str, set[int]] = {}  # token positions already covered, per theme
    chosen = []
    for span in spans:
        seen = taken.setdefault(span.label_, set())
        if not seen.isdisjoint(range(span.start, span.end)):
            continue
        seen.update(range(span.start, span.end))
        chosen.append(span)
    return chosen


def _classifier_hook(model_path: Path | None) -> tuple[object | None, object | None, str]:
    """The classifier and combine function, if their modules exist, and the card text."""
    try:
        clf_mod = importlib.import_module("scrthemes.nlp.classifier")
        combine_mod = importlib.import_module("scrthemes.nlp.combine")
    except ImportError:
        return None, None, ""
    load = getattr(clf_mod, "load_classifier", None)
    combine_fn = getattr(combine_mod, "combine", None)
    if load is None or combine_fn is None:
        return None, None, ""
    classifier = load(model_path) if model_path is not None else load()
    if classifier is None:
        return None, None, ""
    card = getattr(classifier, "card", None)
    if card is None and model_path is not None and Path(model_path).with_suffix(".json").exists():
        card = Path(model_path).with_suffix(".json").read_text(encoding="utf-8")
    card_text = card if isinstance(card, str) else json.dumps(card, sort_keys=True, default=str)
    return classifier, combine_fn, card_text


def default_method(card_path: Path | None = None) -> str:
    """The method the shipped model card says measured best on dev (``rules`` without a card).

    ``scrthemes train`` compares rules, classifier and combined on the dev split
    and records the best as ``default_method``; tagging and ingest follow it, so
    the default changes only when a measurement says it should.
    """
    from scrthemes.models import MODELS_DIR

    path = card_path or MODELS_DIR / "theme_classifier.json"
    try:
        method = json.loads(path.read_text(encoding="utf-8")).get("default_method")
    except (OSError, ValueError):
        return FALLBACK_METHOD
    return method if method in METHODS else FALLBACK_METHOD


def load_tagger(method: str | None = None, *, model_path: Path | None = None) -> Tagger:
    """A tagger for ``method`` (the measured-best :func:`default_method` when None)."""
    return _load_tagger(method or default_method(), model_path=model_path)


@cache
def _load_tagger(method: str, *, model_path: Path | None = None) -> Tagger:
    """A tagger for ``method``, built once per ``(method, model_path)``.

    Parameters
    ----------
    method
        ``"rules"`` (spaCy patterns + context only), ``"classifier"`` (needs a
        trained classifier) or ``"combined"`` (rules and classifier; falls back
        to rules with a warning when no classifier is available).
    model_path
        A classifier artifact; the classifier's default when None.

    Returns
    -------
    Tagger

    Raises
    ------
    ValueError
        For an unknown method, or ``"classifier"`` when no classifier is available.
    """
    if method not in METHODS:
        raise ValueError(f"unknown tagging method {method!r}; choose one of {', '.join(METHODS)}")
    nlp = load_pipeline()
    if method == "rules":
        return Tagger("rules", nlp)
    classifier, combine_fn, card = _classifier_hook(model_path)
    if classifier is None:
        where = f" at {model_path}" if model_path is not None else ""
        if method == "classifier":
            raise ValueError(
                f"no trained theme classifier{where}: run `scrthemes train` first, "
                "or tag with --method rules"
            )
        warnings.warn(
            f"no trained theme classifier{where}; tagging with rules only", RuntimeWarning, stacklevel=2
        )
        return Tagger("rules", nlp)
    if "method" in inspect.signature(combine_fn).parameters:  # type: ignore[arg-type]
        # combine() decides what "classifier" alone means (rule mentions are still passed).
        combine_fn = partial(combine_fn, method=method)  # type: ignore[arg-type]
    return Tagger(method, nlp, classifier=classifier, combine_fn=combine_fn, card=card)


load_tagger.cache_clear = _load_tagger.cache_clear  # type: ignore[attr-defined]
