"""A fast token-pattern matcher for the theme rules (``theme_ruler`` component).

spaCy's ``Matcher`` starts a state for every pattern at every token and checks
``IN`` sets through Python predicates, so ~340 patterns cost ~250 Python calls
per token (9-14 s for a 100k-character review). The theme patterns only use
``LOWER``/``LEMMA`` (a string or an ``IN`` list; ``LOWER`` also ``NOT_IN``), ``LIKE_NUM``, ``IS_TITLE``,
empty wildcards and the operators ``?``, ``{n}``, ``{n,m}``, so they compile
here to small sequences of set checks, indexed by the words that can open a
match: each token only tries the patterns its own lower form or lemma can
start. Matching is done within one sentence (a mention never crosses a
sentence or paragraph break) and returns every match, like spaCy's
non-greedy ``Matcher``, as spans in ``doc.spans[spans_key]`` with the
pattern's label and id (the same contract as ``span_ruler``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.attrs import IS_TITLE, LEMMA, LIKE_NUM, LOWER
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

_BOUNDED = re.compile(r"\{(\d*),?(\d*)\}")
_TOKEN_KEYS = {"LOWER", "LEMMA", "LIKE_NUM", "IS_TITLE", "OP"}
#: A wildcard window wider than this is refused: it multiplies match states
#: and, in review prose, reaches into the next clause.
MAX_WINDOW = 12


class PatternError(ValueError):
    """A token pattern uses something the fast matcher does not support."""


@dataclass(frozen=True)
class _Spec:
    """One token test: ``lower``/``lemma`` sets (None = any), flags, optional or not."""

    lower: frozenset[str] | None
    lemma: frozenset[str] | None
    like_num: bool | None
    is_title: bool | None
    optional: bool
    not_lower: frozenset[str] = frozenset()

    def test(self, lower: str, lemma: str, like_num: bool, is_title: bool) -> bool:
        return (
            (self.lower is None or lower in self.lower)
            and lower not in self.not_lower
            and (self.lemma is None or lemma in self.lemma)
            and (self.like_num is None or like_num == self.like_num)
            and (self.is_title is None or is_title == self.is_title)
        )


def _values(where: str, key: str, value: object) -> frozenset[str] | None:
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, dict) and set(value) == {"NOT_IN"}:
        return None
    if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
        return frozenset(str(v) for v in value["IN"])
    raise PatternError(f"{where}: {key} must be a string or {{\"IN\": [...]}}, got {value!r}")


def _repeat(where: str, op: str | None) -> tuple[int, int]:
    """(minimum, maximum) repetitions of a token spec for an operator."""
    if op is None:
        return 1, 1
    if op == "?":
        return 0, 1
    match = _BOUNDED.fullmatch(op)
    if not match:
        raise PatternError(f"{where}: operator {op!r} is not allowed; use \"?\" or a bounded window like \"{{0,3}}\"")
    low = int(match.group(1) or 0)
    high = int(match.group(2)) if match.group(2) else low if "," not in op else MAX_WINDOW + 1
    if high > MAX_WINDOW or low > high:
        raise PatternError(f"{where}: window {op!r} is too wide (at most {{0,{MAX_WINDOW}}})")
    return low, high


def compile_pattern(where: str, pattern: list[dict]) -> tuple[_Spec, ...]:
    """Compile one spaCy token pattern into a sequence of token specs.

    Parameters
    ----------
    where
        Name of the pattern for error messages (its id).
    pattern
        A spaCy token pattern limited to ``LOWER``, ``LEMMA``, ``LIKE_NUM``,
        ``IS_TITLE`` and the operators ``?``, ``{n}``, ``{n,m}``.

    Returns
    -------
    tuple[_Spec, ...]
        One spec per token position (windows expanded into optional specs).

    Raises
    ------
    PatternError
        For an unsupported attribute or operator, naming the pattern.
    """
    specs: list[_Spec] = []
    for token in pattern:
        unknown = set(token) - _TOKEN_KEYS
        if unknown:
            raise PatternError(f"{where}: unsupported token attribute(s) {sorted(unknown)}")
        low, high = _repeat(where, token.get("OP"))
        lower = _values(where, "LOWER", token["LOWER"]) if "LOWER" in token else None
        lemma = _values(where, "LEMMA", token["LEMMA"]) if "LEMMA" in token else None
        if "LEMMA" in token and lemma is None:
            raise PatternError(f"{where}: NOT_IN is supported for LOWER only")
        # {"LOWER": {"NOT_IN": [...]}}: any word but these ("abuse known to the police" is no person).
        exclude = token["LOWER"].get("NOT_IN", []) if isinstance(token.get("LOWER"), dict) else []
        not_lower = frozenset(str(v) for v in exclude)
        like_num = token.get("LIKE_NUM")
        is_title = token.get("IS_TITLE")
        specs += [_Spec(lower, lemma, like_num, is_title, False, not_lower)] * low
        specs += [_Spec(lower, lemma, like_num, is_title, True, not_lower)] * (high - low)
    if not specs or all(s.optional for s in specs):
        raise PatternError(f"{where}: a pattern needs at least one required token")
    return tuple(specs)


class TokenRules:
    """Compiled theme patterns, indexed by the words that can open a match."""

    def __init__(self) -> None:
        self.rules: list[tuple[str, str, tuple[_Spec, ...], tuple[frozenset[int], ...]]] = []
        self.by_lower: dict[str, list[int]] = {}
        self.by_lemma: dict[str, list[int]] = {}
        self.always: list[int] = []

    def add(self, label: str, pattern_id: str, pattern: list[dict] | str) -> None:
        """Add one pattern (a token list, or a phrase matched on lower-case words)."""
        if isinstance(pattern, str):
            pattern = [{"LOWER": word} for word in pattern.lower().split()]
        specs = compile_pattern(pattern_id, pattern)
        index = len(self.rules)
        self.rules.append((label, pattern_id, specs, _skips(specs)))
        openers = []
        for spec in specs:  # every spec up to and including the first required one can open
            openers.append(spec)
            if not spec.optional:
                break
        if any(s.lower is None and s.lemma is None for s in openers):
            self.always.append(index)
            return
        for spec in openers:
            table, words = (self.by_lower, spec.lower) if spec.lower is not None else (self.by_lemma, spec.lemma)
            for word in words or ():
                table.setdefault(word, []).append(index)

    def find(self, feats: list[tuple[str, str, bool, bool]]) -> list[tuple[int, int, int]]:
        """Every ``(rule index, start, end)`` match inside one run of token features."""
        out = []
        n = len(feats)
        for i, (lower, lemma, _, _) in enumerate(feats):
            candidates = set(self.always)
            candidates.update(self.by_lower.get(lower, ()))
            candidates.update(self.by_lemma.get(lemma, ()))
            for r in sorted(candidates):
                _, _, specs, skip = self.rules[r]
                for end in _ends(specs, skip, feats, i, n):
                    out.append((r, i, end))
        return out


def _ends(specs: tuple[_Spec, ...], skip: tuple[frozenset[int], ...], feats: list, start: int, n: int) -> set[int]:
    """Token ends of all matches of ``specs`` starting at ``start`` (NFA simulation)."""
    last = len(specs)
    ends: set[int] = set()
    states = skip[0]
    j = start
    while states:
        if last in states and j > start:
            ends.add(j)
        if j >= n:
            break
        token = feats[j]
        nxt: set[int] = set()
        for s in states:
            if s < last and specs[s].test(*token):
                nxt.update(skip[s + 1])
        states = nxt
        j += 1
    return ends


def _skips(specs: tuple[_Spec, ...]) -> tuple[frozenset[int], ...]:
    """For each state, the states reachable by skipping optional specs (itself included)."""
    found = []
    for s in range(len(specs) + 1):
        reach = {s}
        while s < len(specs) and specs[s].optional:
            s += 1
            reach.add(s)
        found.append(frozenset(reach))
    return tuple(found)


@Language.factory("theme_ruler", default_config={"spans_key": "themes"})
def make_theme_ruler(nlp: Language, name: str, spans_key: str) -> ThemeRuler:
    """Match the theme patterns sentence by sentence into ``doc.spans[spans_key]``."""
    return ThemeRuler(nlp, name, spans_key)


class ThemeRuler:
    """Pipeline component: theme pattern matches as labelled spans with pattern ids.

    Parameters
    ----------
    spans_key
        ``doc.spans`` key the matches go to (replacing what was there).
    """

    def __init__(self, nlp: Language, name: str = "theme_ruler", spans_key: str = "themes") -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.rules = TokenRules()
        self.patterns: list[dict] = []

    def add_patterns(self, patterns: list[dict]) -> None:
        """Validate patterns with spaCy's schema, then compile them for matching.

        Parameters
        ----------
        patterns
            ``{"label", "id", "pattern"}`` entries as read by ``pipeline.read_patterns``.
        """
        check = Matcher(self.nlp.vocab, validate=True)
        for entry in patterns:
            if isinstance(entry["pattern"], list):
                check.add(entry["id"], [entry["pattern"]])
            self.rules.add(entry["label"], entry["id"], entry["pattern"])
            self.patterns.append(entry)

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        feats = [
            (strings[lower], strings[lemma], bool(num), bool(title))
            for lower, lemma, num, title in doc.to_array([LOWER, LEMMA, LIKE_NUM, IS_TITLE]).tolist()
        ]
        found: set[Span] = set()
        rules = self.rules.rules
        for sent in doc.sents:
            for r, start, end in self.rules.find(feats[sent.start : sent.end]):
                label, pid, _, _ = rules[r]
                found.add(Span(doc, sent.start + start, sent.start + end, label=label, span_id=pid))
        doc.spans[self.spans_key] = sorted(found)
        return doc
