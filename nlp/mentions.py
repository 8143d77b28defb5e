"""What the tagger returns: theme mentions with their evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Method = Literal["rule", "classifier", "both"]


@dataclass(frozen=True)
class Mention:
    """One theme mention in a text.

    Offsets are character offsets into the text that was tagged, so that
    ``text[start:end] == mention.text`` and
    ``text[sentence_start:sentence_end] == mention.sentence``.

    ``negated`` is true for mentions that must not count: negated, hypothetical,
    an agency name alone, or a general research/policy statement; ``cue`` says
    which. Negated mentions are kept as evidence of what was *not* counted.
    """

    theme: str
    start: int
    end: int
    text: str
    sentence: str
    sentence_start: int
    sentence_end: int
    negated: bool = False
    cue: str | None = None
    method: Method = "rule"
    score: float = 1.0
    pattern_id: str | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a tagged text, with the rule mentions found in it.

    This is what the classifier scores: its text, where it sits, the section
    heading above it (if known) and the rule hits inside it, negated or not.
    """

    start: int
    end: int
    text: str
    heading: str | None = None
    rule_hits: tuple[Mention, ...] = ()
