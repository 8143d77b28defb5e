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

One difference from ``span_ruler``, on purpose: a value the tokenizer splits
("drug-addled", "mother's", "didn't") is matched as its pieces (see
:func:`split_words`); spaCy's Matcher silently never matches such a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


def split_words(pattern: list[dict], tokenize: Callable[[str], list[str]], *, limit: int = 64) -> list[list[dict]]:
    """Spell out values the tokenizer splits, as token sequences: the patterns to match.

    spaCy's tokenizer splits "drug-addled" into ``drug - addled``, "mother's"
    into ``mother 's`` and "didn't" into ``did n't``, so a one-token value like
    ``{"LOWER": {"IN": ["drug-addled"]}}`` can never match (spaCy's own Matcher
    silently finds nothing). Each such value becomes its own variant of the
    pattern with one token per piece; the other values stay in the original
    token. ``NOT_IN`` lists are left alone.

    Parameters
    ----------
    pattern
        A token pattern as written in the pattern files.
    tokenize
        The pipeline's tokenizer, returning the pieces of a value.
    limit
        Most variants one pattern may expand to.

    Returns
    -------
    list[list[dict]]
        The variants, the original first (only it, when nothing is split).
    """
    variants: list[list[dict]] = [[]]
    for token in pattern:
        choices = _token_choices(token, tokenize)
        variants = [v + c for v in variants for c in choices]
        if len(variants) > limit:
            raise PatternError(f"too many multi-word values: more than {limit} variants of {pattern!r}")
    return variants


def _token_choices(token: dict, tokenize: Callable[[str], list[str]]) -> list[list[dict]]:
    """The token sequences one pattern token stands for."""
    key = next((k for k in ("LOWER", "LEMMA") if k in token and not _excludes(token[k])), None)
    if key is None:
        return [[token]]
    values = [token[key]] if isinstance(token[key], str) else list(token[key]["IN"])
    pieces = {v: tokenize(v) for v in values}
    single = [v for v in values if len(pieces[v]) == 1]
    multi = [v for v in values if len(pieces[v]) > 1]
    if not multi:
        return [[token]]
    choices: list[list[dict]] = []
    if single:
        choices.append([{**token, key: {"IN": single}}])
    elif _repeat("", token.get("OP"))[0] == 0:
        choices.append([])  # an optional token with only multi-word values may be left out
    rest = {k: v for k, v in token.items() if k not in (key, "OP")}
    for value in multi:
        choices.append([{**rest, key: piece} for piece in pieces[value]])
    return choices


def _excludes(value: object) -> bool:
    return isinstance(value, dict) and "NOT_IN" in value


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
            if isinstance(entry["pattern"], str):
                self.rules.add(entry["label"], entry["id"], entry["pattern"])
            else:
                check.add(entry["id"], [entry["pattern"]])
                for variant in split_words(entry["pattern"], self._pieces):
                    self.rules.add(entry["label"], entry["id"], variant)
            self.patterns.append(entry)

    def _pieces(self, value: str) -> list[str]:
        return [t.text for t in self.nlp.tokenizer(value)]

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
