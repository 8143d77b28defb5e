"""Batch-ingest time on 1 vs 2 Dask workers, side by side, on the same fictional corpus.

    .venv/bin/python benchmarks/bench_workers.py              # 7 samples x 3 copies
    .venv/bin/python benchmarks/bench_workers.py --copies 6 --workers 1 2 4

The corpus is the bundled fictional samples (``scrthemes.corpus.samples``); each
copy gets a distinct trailing PDF comment so it is a distinct review to the
store (a different content hash) with the same text. Every run ingests the whole
corpus into a fresh SQLite file, so each run does the same work. The time
includes starting the local cluster and loading the tagger in each worker
process, which is what ``scrthemes ingest --workers N`` costs a user. Prints a
table and the speed-up of each run over the first.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")

from scrthemes.flows import settings  # noqa: E402,F401  (environment before Prefect)


def build_corpus(folder: Path, copies: int) -> tuple[int, int]:
    """Write ``copies`` distinct copies of every fictional sample into ``folder``; (files, pages)."""
    from scrthemes.corpus.samples import generate_samples

    src = folder / "_src"
    infos = generate_samples(src)
    n = pages = 0
    for copy in range(copies):
        for info in infos:
            data = (src / info.file).read_bytes()
            # Bytes after %%EOF are ignored by PDF readers but change the file's hash.
            data += f"\n% fictional benchmark copy {copy}\n".encode()
            (folder / f"c{copy:02d}-{info.file}").write_bytes(data)
            n += 1
            pages += info.pages
    shutil.rmtree(src)
    return n, pages


def warm_up() -> None:
    """Start Prefect's local API before timing anything."""
    from prefect import flow

    @flow(name="bench-warm-up")
    def nothing() -> None:
        return None

    nothing()


def time_ingest(corpus: Path, workers: int, db_dir: Path) -> tuple[float, int]:
    """Seconds to ingest ``corpus`` on ``workers`` Dask processes into a fresh database."""
    from scrthemes.flows.ingest import ingest_folder
    from scrthemes.flows.runners import with_runner

    db_url = f"sqlite:///{db_dir / f'bench-{workers}.db'}"
    start = time.perf_counter()
    summary = with_runner(ingest_folder, workers=workers)(corpus, db_url)
    seconds = time.perf_counter() - start
    # Copies share a title, so the store files all but the first as new versions.
    stored = len(summary.added) + len(summary.new_versions)
    if summary.failed:
        raise SystemExit(f"benchmark ingest failed: {summary.failed[0].error}")
    return seconds, stored


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the 7 samples (default 3)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="worker counts to compare (default: 1 2)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="scrthemes-bench-") as tmp:
        tmp_path = Path(tmp)
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        reviews, pages = build_corpus(corpus, args.copies)
        warm_up()
        print(f"corpus: {reviews} fictional reviews, {pages} pages "
              f"({args.copies} copies of the samples); CPUs: {os.cpu_count()}; "
              f"python {platform.python_version()}")
        print(f"{'workers':>7}  {'seconds':>8}  {'reviews/min':>11}  {'speed-up':>8}")
        times: dict[int, float] = {}
        for workers in args.workers:
            seconds, stored = time_ingest(corpus, workers, tmp_path)
            if stored != reviews:
                raise SystemExit(f"expected {reviews} reviews stored, got {stored}")
            times[workers] = seconds
            first = times[args.workers[0]]
            print(f"{workers:>7}  {seconds:>8.1f}  {60 * reviews / seconds:>11.1f}  "
                  f"{first / seconds:>7.2f}x", flush=True)
        if len(times) >= 2:
            a, b = args.workers[:2]
            print(f"speed-up, {b} vs {a} worker(s): {times[a] / times[b]:.2f}x "
                  f"({times[a]:.1f} s -> {times[b]:.1f} s, cluster start-up included)")


if __name__ == "__main__":
    main()
