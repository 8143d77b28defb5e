"""Time the ingest of the largest fictional sample review: pages per second, by stage.

Run:  .venv/bin/python benchmarks/bench_ingest.py [--repeat N]

Prints, for the largest sample PDF: extraction and cleaning alone, tagging
alone (tagger already loaded), and the whole ``ingest_review`` Prefect flow
(hash, extract, store, tag) into a fresh SQLite file, after one warm-up flow
run so that the local Prefect API's start-up is not counted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="scrthemes-bench-prefect-"))

from scrthemes.flows import settings  # noqa: E402, F401  (environment before Prefect)


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    args = parser.parse_args(argv)

    from scrthemes.corpus.reader import read_review
    from scrthemes.corpus.samples import generate_samples
    from scrthemes.flows.ingest import ingest_review
    from scrthemes.flows.resources import forget_stores, get_tagger

    work = Path(tempfile.mkdtemp(prefix="scrthemes-bench-"))
    infos = generate_samples(work / "samples")
    largest = max(infos, key=lambda i: i.pages)
    smallest = min(infos, key=lambda i: i.pages)
    pdf = work / "samples" / largest.file
    pages = largest.pages
    print(f"largest sample: {largest.file}, {pages} pages, {pdf.stat().st_size / 1024:.0f} KiB")

    extract = _best(lambda: read_review(pdf), args.repeat)
    text = read_review(pdf).text
    start = time.perf_counter()
    tagger = get_tagger()
    load = time.perf_counter() - start
    tag = _best(lambda: tagger.tag(text), args.repeat)

    # Warm-up: starts the local Prefect API once (not counted).
    ingest_review(work / "samples" / smallest.file, f"sqlite:///{work / 'warmup.db'}")
    flow_times = []
    for n in range(args.repeat):
        forget_stores()
        db_url = f"sqlite:///{work / f'bench-{n}.db'}"
        start = time.perf_counter()
        outcome = ingest_review(pdf, db_url)
        flow_times.append(time.perf_counter() - start)
        assert outcome.status == "added", outcome
    whole = min(flow_times)

    print(f"tagger load (once per process): {load:6.2f} s")
    print(f"extract + clean:  {extract:6.2f} s  {pages / extract:7.1f} pages/s")
    print(f"tag:              {tag:6.2f} s  {pages / tag:7.1f} pages/s  ({len(text):,} chars)")
    print("ingest_review flow (hash, extract, store, tag; new database each time):")
    print(f"                  {whole:6.2f} s  {pages / whole:7.1f} pages/s")


if __name__ == "__main__":
    main()
