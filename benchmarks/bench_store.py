"""Store throughput: adding, tagging and counting synthetic fictional reviews.

Run:  .venv/bin/python benchmarks/bench_store.py [--reviews 200] [--passages 120] [--mentions 40]
      .venv/bin/python benchmarks/bench_store.py --postgres   # also on a throwaway local server

Each review is invented text (``--passages`` paragraphs on 3 per page) with
``--mentions`` mentions spread over the nine themes, a third of them negated.
Prints reviews/s for ``add_review`` and ``set_mentions``, and the time of one
``frequencies()`` call (overall, by year, by area) and one ``get_review``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrthemes.corpus.records import MentionRecord  # noqa: E402
from scrthemes.corpus.store import Store  # noqa: E402

from tests.test_store_support import THEME_IDS, THEMES, add, fictional_paragraphs  # noqa: E402


def mentions_for(doc, n: int) -> list[MentionRecord]:
    out = []
    for i in range(n):
        passage = doc.passages[i * len(doc.passages) // n]
        start = passage.start + 10
        out.append(MentionRecord(
            theme=THEME_IDS[i % len(THEME_IDS)], start=start, end=start + 8,
            text=doc.text[start:start + 8], sentence=passage.text,
            sentence_start=passage.start, sentence_end=passage.end, negated=i % 3 == 0,
            method="rule", score=0.9, pattern_id="bench/x",
        ))
    return out


def bench(url: str, args: argparse.Namespace) -> None:
    store = Store(url)
    store.sync_themes(THEMES)
    docs = []
    start = time.perf_counter()
    for i in range(args.reviews):
        result, doc = add(store, f"r{i}.pdf", fictional_paragraphs(f"R{i}", args.passages),
                          area=f"Area {i % 7}", year=2010 + i % 12)
        docs.append((result.review_id, doc))
    added = time.perf_counter() - start
    start = time.perf_counter()
    for review_id, doc in docs:
        store.set_mentions(review_id, mentions_for(doc, args.mentions), pipeline_version="bench")
    tagged = time.perf_counter() - start
    timings = {}
    for by in (None, "year", "area"):
        t = time.perf_counter()
        store.frequencies(by=by)
        timings[by or "overall"] = time.perf_counter() - t
    t = time.perf_counter()
    store.get_review(docs[len(docs) // 2][0])
    one = time.perf_counter() - t
    name = store.engine.dialect.name
    print(f"{name:10} add_review {args.reviews / added:7.1f} reviews/s "
          f"({args.passages} passages each) | set_mentions {args.reviews / tagged:7.1f} reviews/s "
          f"({args.mentions} each) | frequencies overall {timings['overall'] * 1000:.1f} ms, "
          f"by year {timings['year'] * 1000:.1f} ms, by area {timings['area'] * 1000:.1f} ms "
          f"| get_review {one * 1000:.1f} ms")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--passages", type=int, default=120)
    parser.add_argument("--mentions", type=int, default=40)
    parser.add_argument("--postgres", action="store_true", help="also run on a local server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if args.postgres:
        from tests.pg_server import PostgresServer, create_database, find_pg_bin

        bin_dir = find_pg_bin()
        if bin_dir is None:
            sys.exit("PostgreSQL server binaries not found")
        server = PostgresServer(bin_dir)
        try:
            server.start()
            bench(create_database(server.url(), "bench"), args)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
