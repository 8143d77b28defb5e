"""The context check: which theme spans must not count, and why.

``theme_context`` marks each theme span that must not count, with a cue:
``negated``, ``hypothetical``, ``agency`` (an organisation's name or a role
alone), ``general`` (research or national policy, not this case), ``child``
(the child's own mental health or substance use), ``heading`` (a heading when
``flag_headings``, or a contents-page line), ``review`` (a parent's part in the
review itself) or ``background`` (a parent's own upbringing). The sentence
and lemma components it relies on are in ``preprocess.py``.
"""

from __future__ import annotations

import bisect
import re

from scrthemes.nlp import cues
from scrthemes.nlp.preprocess import HEADINGS_KEY
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

CUE_KINDS = ("negated", "hypothetical", "agency", "general", "child", "heading", "review", "background")
_CUES_KEY = "theme_cues"
_POSSESSIVE = frozenset({"'s", "’s"})
#: What may stand right before a clause-opening "Had ..." or "Should ...": punctuation, an opening quote.
_CLAUSE_OPENERS = frozenset({",", ";", ":", "-", "–", "“", "\"", "‘", "'"})


def _check_phrases(name: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"theme_context: {name} must be a list of non-empty strings, got {value!r}")
    return tuple(v.lower() for v in value)


CONTEXT_DEFAULTS: dict[str, object] = {
    "spans_key": "themes",
    "window": 8,
    "after_window": 6,
    "negation_before": list(cues.NEGATION_BEFORE),
    "negation_after": list(cues.NEGATION_AFTER),
    "hypothetical_before": list(cues.HYPOTHETICAL_BEFORE),
    "inverted_conditional": list(cues.INVERTED_CONDITIONAL),
    "scope_breaks": list(cues.SCOPE_BREAKS),
    "agency_heads": list(cues.AGENCY_HEADS),
    "agency_use": list(cues.AGENCY_USE),
    "parent_terms": list(cues.PARENT_TERMS),
    "child_terms": list(cues.CHILD_TERMS),
    "general_cues": list(cues.GENERAL_CUES),
    "case_anchors": list(cues.CASE_ANCHORS),
    "parental_themes": list(cues.PARENTAL_THEMES),
    "if_as_whether": list(cues.IF_AS_WHETHER),
    "practice_themes": list(cues.PRACTICE_THEMES),
    "practice_negation": list(cues.PRACTICE_NEGATION),
    "agency_themes": list(cues.AGENCY_THEMES),
    "knowledge_verbs": list(cues.KNOWLEDGE_VERBS),
    "conditional_subjects": list(cues.CONDITIONAL_SUBJECTS),
    "enquiry_before": list(cues.ENQUIRY_BEFORE),
    "denial_after": list(cues.DENIAL_AFTER),
    "contrast_breaks": list(cues.CONTRAST_BREAKS),
    "inner_negation": list(cues.INNER_NEGATION),
    "review_participation": list(cues.REVIEW_PARTICIPATION),
    "review_themes": list(cues.REVIEW_THEMES),
    "background_cues": list(cues.BACKGROUND_CUES),
    "background_themes": list(cues.BACKGROUND_THEMES),
    "person_window": 15,
    "flag_headings": False,
}
#: A contents-page line: dot leaders (spaced or 4+), maybe a page number, at the end.
_CONTENTS_LINE = re.compile(r"(?:\.\s+){2,}\.\s*\d{0,3}\s*$|\.{4,}\s*\d{0,3}\s*$|…\s*\d{1,3}\s*$|……")


@Language.factory("theme_context", default_config=CONTEXT_DEFAULTS)
def make_theme_context(
    nlp: Language,
    name: str,
    spans_key: str,
    window: int,
    after_window: int,
    negation_before: list[str],
    negation_after: list[str],
    hypothetical_before: list[str],
    inverted_conditional: list[str],
    scope_breaks: list[str],
    agency_heads: list[str],
    agency_use: list[str],
    parent_terms: list[str],
    child_terms: list[str],
    general_cues: list[str],
    case_anchors: list[str],
    parental_themes: list[str],
    if_as_whether: list[str],
    practice_themes: list[str],
    practice_negation: list[str],
    agency_themes: list[str],
    knowledge_verbs: list[str],
    conditional_subjects: list[str],
    enquiry_before: list[str],
    denial_after: list[str],
    contrast_breaks: list[str],
    inner_negation: list[str],
    review_participation: list[str],
    review_themes: list[str],
    background_cues: list[str],
    background_themes: list[str],
    person_window: int,
    flag_headings: bool,
) -> ThemeContext:
    """Mark theme spans that are negated, hypothetical, agency-only, general or the child's own."""
    config = dict(locals())
    del config["nlp"], config["name"]
    return ThemeContext(nlp, name, **config)


class ThemeContext:
    """Decide, for every span in ``doc.spans[spans_key]``, whether it counts.

    The verdict is read with :func:`span_cue`: None when the mention counts,
    else one of :data:`CUE_KINDS`. Cues are looked for only outside the span,
    so patterns that carry their own negation ("did not attend", "was not
    shared", "no strategy meeting") are not undone by it.

    Parameters
    ----------
    window
        Tokens before a span searched for negation and hypothetical cues.
    after_window
        Tokens after a span searched for trailing negation ("... was not a feature").
    negation_before, negation_after, hypothetical_before, inverted_conditional,
    scope_breaks, agency_heads, agency_use, parent_terms, child_terms,
    general_cues, case_anchors, enquiry_before, denial_after, review_participation,
    background_cues
        Phrase lists; defaults and the reason for each are in ``cues.py``.
    conditional_subjects, contrast_breaks, inner_negation
        Word lists (``cues.py``): what follows a conditional "should", what ends
        a denial's reach, and the negations that undo a mention from inside.
    parental_themes
        Themes for which the child's own condition does not count.
    review_themes, background_themes
        Themes for which taking part in the review, or a parent's upbringing,
        does not count.
    flag_headings
        Whether a mention in a heading ("Domestic abuse") is kept out of the count.
    """

    def __init__(self, nlp: Language, name: str = "theme_context", **config: object) -> None:
        unknown = set(config) - set(CONTEXT_DEFAULTS)
        if unknown:
            raise ValueError(f"theme_context: unknown setting(s) {sorted(unknown)}; known: {sorted(CONTEXT_DEFAULTS)}")
        settings = {**CONTEXT_DEFAULTS, **config}
        self.name = name
        self.spans_key = str(settings["spans_key"])
        for knob in ("window", "after_window", "person_window"):
            value = settings[knob]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 50:
                raise ValueError(f"theme_context: {knob} must be an integer from 0 to 50, got {value!r}")
        self.window = int(settings["window"])  # type: ignore[arg-type]
        self.after_window = int(settings["after_window"])  # type: ignore[arg-type]
        self.person_window = int(settings["person_window"])  # type: ignore[arg-type]
        if not isinstance(settings["flag_headings"], bool):
            raise ValueError(f"theme_context: flag_headings must be true or false, got {settings['flag_headings']!r}")
        self.flag_headings = settings["flag_headings"]
        self.parental_themes = set(_check_phrases("parental_themes", settings["parental_themes"]))
        self.practice_themes = set(_check_phrases("practice_themes", settings["practice_themes"]))
        self.agency_themes = set(_check_phrases("agency_themes", settings["agency_themes"]))
        self.if_as_whether = set(_check_phrases("if_as_whether", settings["if_as_whether"]))
        self.knowledge_verbs = set(_check_phrases("knowledge_verbs", settings["knowledge_verbs"]))
        self.conditional_subjects = set(_check_phrases("conditional_subjects", settings["conditional_subjects"]))
        self.contrast_breaks = set(_check_phrases("contrast_breaks", settings["contrast_breaks"]))
        self.inner_negation = set(_check_phrases("inner_negation", settings["inner_negation"]))
        self.review_themes = set(_check_phrases("review_themes", settings["review_themes"]))
        self.background_themes = set(_check_phrases("background_themes", settings["background_themes"]))
        self.child_words = {w for w in _check_phrases("child_terms", settings["child_terms"]) if " " not in w}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.words: dict[str, set[str]] = {}
        for key in (
            "negation_before", "negation_after", "hypothetical_before", "inverted_conditional",
            "scope_breaks", "agency_heads", "agency_use", "parent_terms", "child_terms",
            "general_cues", "case_anchors", "practice_negation", "enquiry_before", "denial_after",
            "review_participation", "background_cues",
        ):
            phrases = _check_phrases(key, settings[key])
            self.matcher.add(key, [nlp.make_doc(p) for p in phrases])
        if not Span.has_extension("theme_cue"):
            Span.set_extension("theme_cue", getter=span_cue)

    def __call__(self, doc: Doc) -> Doc:
        spans = doc.spans.get(self.spans_key, [])
        verdicts: dict[tuple[int, int, str, str], str | None] = {}
        if not spans:
            doc.user_data[_CUES_KEY] = verdicts
            return doc
        # Cue matches grouped by sentence, so each span only looks at its own sentence.
        sent_starts = [sent.start for sent in doc.sents]
        by_sent: dict[int, dict[str, list[tuple[int, int]]]] = {}
        for match_id, start, end in self.matcher(doc):
            at = bisect.bisect_right(sent_starts, start) - 1
            if at + 1 < len(sent_starts) and end > sent_starts[at + 1]:
                continue  # a cue phrase across a sentence boundary is no cue
            by_sent.setdefault(at, {}).setdefault(doc.vocab.strings[match_id], []).append((start, end))
        headings = doc.user_data.get(HEADINGS_KEY, [])
        for span in spans:
            at = bisect.bisect_right(sent_starts, span.start) - 1
            verdicts[_key(span)] = self._judge(doc, span, by_sent.get(at, {}), headings)
        doc.user_data[_CUES_KEY] = verdicts
        return doc

    def _judge(self, doc: Doc, span: Span, inside: dict, headings: list) -> str | None:
        lo = span.sent.start
        breaks = sorted(a for a, _ in inside.get("scope_breaks", []))

        def clause_open(a: int, b: int) -> bool:
            return not any(a <= x < b for x in breaks)

        if self.flag_headings and any(s <= span.start_char and span.end_char <= e for s, e in headings):
            return "heading"
        theme = span.label_
        if _CONTENTS_LINE.search(span.sent.text):
            return "heading"  # "Housing and the moves between areas . . . 5" is not a sentence
        practice = theme in self.practice_themes
        # "he posed no risk to L"; not "his background was not checked" (about practice).
        for i in range(span.start + 1, span.end):
            nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
            if not practice and doc[i].lower_ in self.inner_negation and nxt not in self.knowledge_verbs:
                return "negated"
        before_key = "practice_negation" if practice else "negation_before"
        for _a, b in inside.get(before_key, []):
            # "no evidence of how this was assessed", "did not know who ...": about knowing.
            following = {t.lower_ for t in doc[b : min(b + 3, span.start)]}
            # ... but "he was not considered to pose a risk" is a judgement, not a gap in knowledge.
            judged = b + 1 < len(doc) and doc[b + 1].lower_ == "to"
            about_knowing = bool(following & {"how", "whether"}) or (
                b < len(doc) and doc[b].lower_ in self.knowledge_verbs and not judged
            )
            if b <= span.start and span.start - b <= self.window and clause_open(b, span.start) and not about_knowing:
                return "negated"
        for a, _b in [] if practice else inside.get("negation_after", []):
            if a >= span.end and a - span.end <= self.after_window and clause_open(span.end, a):
                return "negated"
        for a, b in inside.get("hypothetical_before", []):
            if b <= span.start and span.start - b <= self.window + 4 and clause_open(b, span.start):
                whether = doc[a].lower_ == "if" and a > lo and doc[a - 1].lower_ in self.if_as_whether
                if not whether:
                    return "hypothetical"
        for a, _b in inside.get("inverted_conditional", []):
            opens = a == lo or doc[a - 1].text in _CLAUSE_OPENERS or doc[a - 1].is_space
            if opens and a < span.start and clause_open(a, span.start) and doc[a].is_title:
                return "hypothetical"
            # "... a mood assessment should Ms O show signs of low mood": "should"
            # then a subject, not a verb, is a condition wherever it stands.
            nxt = doc[a + 1] if a + 1 < len(doc) else None
            if (
                doc[a].lower_ == "should" and a < span.start and nxt is not None
                and (nxt.lower_ in self.conditional_subjects or (nxt.is_title and nxt.lower_ not in {"be", "have"}))
                and span.start - a <= self.window + 12
            ):
                return "hypothetical"
        if self._denied_on_enquiry(doc, span, inside):
            return "negated"
        if theme in self.agency_themes and self._agency_only(doc, span, inside):
            return "agency"
        if theme in self.parental_themes and self._about_child(span, inside):
            return "child"
        if inside.get("general_cues") and not inside.get("case_anchors"):
            return "general"
        if theme in self.review_themes and inside.get("review_participation"):
            return "review"
        if theme in self.background_themes and inside.get("background_cues"):
            return "background"
        return None

    def _denied_on_enquiry(self, doc: Doc, span: Span, inside: dict) -> bool:
        """A routine question about the factor, answered by a denial later in the sentence."""
        asked = [b for _, b in inside.get("enquiry_before", []) if b <= span.start and span.start - b <= 3]
        if not asked:
            return False
        for a, _b in inside.get("denial_after", []):
            if a >= span.end and not any(t.lower_ in self.contrast_breaks for t in doc[span.end : a]):
                return True
        return False

    def _agency_only(self, doc: Doc, span: Span, inside: dict) -> bool:
        # The head right after the span, or after a run of capitalised name words
        # ("the Substance Misuse Recovery Service", "Drug and Alcohol Action Team").
        run = span.end
        while run < min(span.end + 2, len(doc)) and doc[run].is_title:
            run += 1
        after = [a for a, _ in inside.get("agency_heads", []) if span.end <= a <= run]
        if not after:
            return False
        named = all(t.is_title or t.is_upper or not t.is_alpha for t in span)
        used = inside.get("agency_use") and inside.get("parent_terms")
        return named or not used

    def _about_child(self, span: Span, inside: dict) -> bool:
        people = [(b, "child") for _, b in inside.get("child_terms", []) if b <= span.start]
        # Reviews call the child by a bare letter ("E herself had been
        # self-harming"); a letter after "Ms"/"Mr" is a parent.
        doc = span.doc
        for i in range(span.sent.start, span.start):
            tok = doc[i]
            letter = len(tok.text) == 1 and tok.text.isupper() and tok.text not in {"A", "I"}
            if letter and (i == 0 or doc[i - 1].lower_ not in cues.LETTER_NOT_CHILD):
                people.append((i + 1, "child"))
        # A possessive is a named parent ("Sarah's"), but not after a child word ("the baby's").
        people += [
            (b, "child" if doc[a].lower_ in _POSSESSIVE and a and doc[a - 1].lower_ in self.child_words else "parent")
            for a, b in inside.get("parent_terms", []) if b <= span.start
        ]
        # "... the baby's needs because she was drinking": a baby does not drink, so a
        # subject pronoun after a word for an infant is the parent.
        infants = [b for a, b in inside.get("child_terms", []) if doc[a].lower_ in cues.INFANT_TERMS]
        people += [
            (i + 1, "parent") for i in range(span.sent.start, span.start)
            if doc[i].lower_ in cues.SUBJECT_PRONOUNS and any(b <= i for b in infants)
        ]
        people = [p for p in people if span.start - p[0] <= self.person_window]
        # "killed by his drug-addled parents", "given methadone by either or both of
        # their parents": a parent word just after the span owns it.
        after = doc[span.end].lower_ if span.end < len(doc) else ""
        reach = 6 if after == "by" else 3 if after in {"of", "among", "amongst"} else 1
        if any(span.end <= a <= span.end + reach for a, _ in inside.get("parent_terms", [])):
            return False
        if not people:
            return False
        return max(people)[1] == "child"


def _key(span: Span) -> tuple[int, int, str, str]:
    return (span.start, span.end, span.label_, span.id_)


def span_cue(span: Span) -> str | None:
    """Why a theme span does not count (one of :data:`CUE_KINDS`), or None if it counts.

    Parameters
    ----------
    span
        A span from ``doc.spans["themes"]`` of a doc run through ``theme_context``.

    Returns
    -------
    str | None
        The cue kind, or None.
    """
    return span.doc.user_data.get(_CUES_KEY, {}).get(_key(span))
