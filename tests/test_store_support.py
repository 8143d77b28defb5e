"""Builders shared by the store tests: fictional reviews made directly as ReviewText.

All text here is invented for testing (no real review is quoted). This module
holds no tests; it is named test_store_* only because the store tests own that
prefix, and the concurrency test's worker processes import it by name.
"""

from __future__ import annotations

import hashlib

from scrthemes.corpus.document import Page, Passage, ReviewText
from scrthemes.corpus.records import MentionRecord, ReviewMeta

THEMES = [
    ("parental_mental_health", "Mental health problems in parents/carers", "Fictional definition."),
    ("housing", "Housing problems", "Fictional definition."),
    ("volatile_relationships", "Volatile family relationships", "Fictional definition."),
    ("domestic_abuse", "Domestic abuse", "Fictional definition."),
    ("substance_misuse", "Parental substance misuse", "Fictional definition."),
    ("threshold_disputes", "Professional differences over thresholds", "Fictional definition."),
    ("non_compliant_parents", "Difficulties in working with parents", "Fictional definition."),
    ("info_sharing", "Poor information sharing", "Fictional definition."),
    ("risk_adults", "Adults who may pose a risk to children", "Fictional definition."),
]
THEME_IDS = [t[0] for t in THEMES]


def make_doc(paragraphs: list[str], *, per_page: int = 2) -> ReviewText:
    """A ReviewText whose passages are ``paragraphs`` joined by blank lines, ``per_page`` to a page."""
    text = "\n\n".join(paragraphs)
    passages, pages = [], []
    offset = 0
    for i, para in enumerate(paragraphs):
        page = i // per_page + 1
        passages.append(Passage(index=i, page=page, start=offset, end=offset + len(para),
                                text=para, number=f"1.{i + 1}", heading="Fictional findings"))
        if i % per_page == 0:
            pages.append(Page(number=page, start=offset, end=offset))
        offset += len(para) + 2
    pages = [
        Page(number=p.number, start=p.start,
             end=pages[j + 1].start if j + 1 < len(pages) else len(text))
        for j, p in enumerate(pages)
    ]
    return ReviewText(text=text, pages=pages, passages=passages, page_count=len(pages))


def fictional_paragraphs(tag: str, n: int = 4) -> list[str]:
    """``n`` invented paragraphs, unique to ``tag`` so that their hash is too."""
    return [
        f"Fictional review {tag}, paragraph {i + 1}. The family in this invented case "
        f"moved house and professionals met to discuss the child." for i in range(n)
    ]


def sha(doc: ReviewText) -> str:
    return hashlib.sha256(doc.text.encode()).hexdigest()


def mention(doc: ReviewText, theme: str, phrase: str, *, negated: bool = False,
            method: str = "rule", score: float = 1.0) -> MentionRecord:
    """A mention of ``theme`` at the first occurrence of ``phrase``; its sentence is the passage."""
    start = doc.text.index(phrase)
    passage = doc.passage_at(start)
    assert passage is not None, phrase
    return MentionRecord(
        theme=theme, start=start, end=start + len(phrase), text=phrase,
        sentence=passage.text, sentence_start=passage.start, sentence_end=passage.end,
        negated=negated, cue="no evidence of" if negated else None, method=method,
        score=score, pattern_id=f"{theme}/test",
    )


def add(store, name: str, paragraphs: list[str], *, title: str | None = None,
        area: str | None = None, year: int | None = None, child: str | None = None):
    """Add a fictional review as file ``name``; returns (AddResult, doc)."""
    doc = make_doc(paragraphs)
    result = store.add_review(sha256=sha(doc), source_path=f"/fictional/{name}",
                              meta=ReviewMeta(title=title, year=year, area=area, child=child),
                              doc=doc)
    return result, doc


def ingest_worker(url: str, tags: list[str], barrier, out) -> None:
    """Child process: open the store (racing the other on migration) and add/tag reviews."""
    from scrthemes.corpus.store import Store

    barrier.wait(timeout=60)
    store = Store(url)
    store.sync_themes(THEMES)
    statuses = {}
    for tag in tags:
        paragraphs = fictional_paragraphs(tag) + [f"In case {tag} there was domestic abuse."]
        result, doc = add(store, f"{tag}.pdf", paragraphs, area="Fictionshire", year=2020)
        statuses[tag] = (result.status, result.review_id)
        store.set_mentions(result.review_id, [mention(doc, "domestic_abuse", "domestic abuse")],
                           pipeline_version="p1")
    store.close()
    out.put(statuses)
