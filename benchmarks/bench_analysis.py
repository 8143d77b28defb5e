"""Time the analysis on a synthetic store: matrix load, comparisons and the HTML report.

Run: ``.venv/bin/python benchmarks/bench_analysis.py --reviews 1000``. The store is
filled through the Store API with invented one-line reviews (no real text), each
carrying a random set of themes, spread over 12 invented areas and 15 years.
Targets: the report for 1,000 reviews in under 10 s and under 20 MB of HTML.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from scrthemes.analysis.compare import compare_areas, compare_published, headline_figures
from scrthemes.analysis.national import list_figures
from scrthemes.analysis.report import write_report
from scrthemes.analysis.source import load_matrix
from scrthemes.corpus.document import Page, Passage, ReviewText
from scrthemes.corpus.records import MentionRecord, ReviewMeta
from scrthemes.flows.resources import open_store

AREAS = [f"Area {chr(65 + i)}" for i in range(12)]


def build(url: str, n: int, seed: int = 0) -> None:
    store = open_store(url)
    _, rows = store.query("SELECT id FROM themes ORDER BY position")
    themes = [r[0] for r in rows]
    rng = random.Random(seed)
    for i in range(n):
        sentences = [f"Invented sentence {j} of benchmark review {i}." for j in range(6)]
        text = " ".join(sentences)
        doc = ReviewText(text, [Page(1, 0, len(text))],
                         [Passage(0, 1, 0, len(text), text)], page_count=1)
        added = store.add_review(sha256=f"{i:064x}", source_path=f"/nowhere/bench-{i}.pdf",
                                 meta=ReviewMeta(f"Benchmark review {i}", 2005 + i % 15,
                                                 AREAS[i % len(AREAS)], None), doc=doc)
        mentions, start = [], 0
        for j, sentence in enumerate(sentences):
            if rng.random() < 0.7:
                theme = rng.choice(themes)
                mentions.append(MentionRecord(theme, start, start + len(sentence), sentence,
                                              sentence, start, start + len(sentence),
                                              negated=j == 5, score=rng.random()))
            start += len(sentence) + 1
        store.set_mentions(added.review_id, mentions, pipeline_version="bench")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        t0 = time.perf_counter()
        build(url, args.reviews)
        print(f"build store: {args.reviews} reviews in {time.perf_counter() - t0:.1f} s")
        store = open_store(url)
        tracemalloc.start()
        t0 = time.perf_counter()
        matrix = load_matrix(store)
        t1 = time.perf_counter()
        figures = list_figures(store)
        compare_published(matrix, list(headline_figures(figures).values()))
        compare_areas(matrix.in_area(AREAS[0]), matrix.outside_area(AREAS[0]))
        t2 = time.perf_counter()
        page = write_report(store, Path(tmp) / "report")
        t3 = time.perf_counter()
        _, peak = tracemalloc.get_traced_memory()
        print(f"load matrix: {t1 - t0:.2f} s; compare (published + area:REST): {t2 - t1:.2f} s")
        print(f"report: {t3 - t2:.2f} s, {page.stat().st_size / 1e6:.1f} MB HTML; "
              f"peak Python memory {peak / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
