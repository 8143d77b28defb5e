"""Extraction speed and memory: pages per second and peak memory for generated PDFs.

Each size runs in a fresh subprocess so its peak resident memory is its own; the
extraction-only figure (pages parsed and dropped) should stay flat as the page
count grows, while the full read also keeps the cleaned text.

    .venv/bin/python benchmarks/bench_extract.py              # 40 and 150 pages
    .venv/bin/python benchmarks/bench_extract.py --pages 40 150 400
    .venv/bin/python benchmarks/bench_extract.py --samples data/samples

``--samples DIR`` also reads every bundled fictional sample and checks that each
tracked sentence of its manifest is found verbatim on its printed page.
All generated text is fictional.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = (
    "The invented practitioners met again and recorded what they had agreed, and the notes "
    "of that fictional meeting were kept by the school and shared with the health visitor. "
)


def make_pdf(path: Path, pages: int) -> None:
    """A fictional report of ``pages`` pages: header, footer, numbered paragraphs."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    width, height = A4
    c = Canvas(str(path), pagesize=A4, invariant=1)
    words = (SENTENCE * 4).split()
    for page in range(1, pages + 1):
        c.setFont("Helvetica", 9)
        c.drawString(72, height - 40, "Fictional benchmark review - not a real case")
        c.drawCentredString(width / 2, 30, f"Page {page} of {pages}")
        y, para = height - 90, 0
        while y > 90:
            para += 1
            c.setFont("Helvetica", 10.5)
            c.drawString(72, y, f"{page}.{para}")
            line: list[str] = []
            for word in words:
                line.append(word)
                if len(" ".join(line)) > 80:
                    c.drawString(106, y, " ".join(line))
                    line, y = [], y - 14
                    if y < 90:
                        break
            if line and y >= 90:
                c.drawString(106, y, " ".join(line))
            y -= 24
        c.showPage()
    c.save()


def measure(path: Path, mode: str) -> dict:
    """Run one measurement in this process (called in a subprocess)."""
    from scrthemes.corpus.extract import iter_pages
    from scrthemes.corpus.reader import read_review

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    if mode == "extract":
        pages = sum(1 for _ in iter_pages(path, max_pages=10_000))
        chars = 0
    else:
        doc = read_review(path, max_pages=10_000)
        pages, chars = doc.page_count, len(doc.text)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "pages": pages,
        "chars": chars,
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak / 1024,
        "grew_mb": (peak - base) / 1024,
    }


def check_samples(folder: Path) -> None:
    """Read every sample and compare with its manifest (sentences, pages, metadata)."""
    from scrthemes.corpus.metadata import guess_metadata
    from scrthemes.corpus.reader import read_review

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    found = on_page = total = meta_ok = 0
    for sample in manifest["samples"]:
        doc = read_review(folder / sample["file"])
        meta = guess_metadata(doc)
        meta_ok += (meta.title, meta.year, meta.area, meta.child) == (
            sample["title"],
            sample["year"],
            sample["area"],
            sample["child"],
        )
        groups = [*sample["evidence"].values(), *sample.get("decoys", {}).values()]
        for item in (item for group in groups for item in group):
            total += 1
            at = doc.text.find(item["sentence"])
            found += at >= 0
            on_page += at >= 0 and doc.page_at(at) == item["page"]
    print(
        f"samples: {len(manifest['samples'])} files, metadata exact {meta_ok}, "
        f"tracked sentences {total}: found verbatim {found}, on the printed page {on_page}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[40, 150])
    parser.add_argument("--samples", type=Path)
    parser.add_argument("--measure", nargs=2, metavar=("PDF", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), args.measure[1])))
        return
    print(
        f"{'pages':>6} {'mode':>8} {'wall s':>7} {'cpu s':>6} {'pages/s (cpu)':>14} "
        f"{'peak MB':>8} {'+MB':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for pages in args.pages:
            pdf = Path(tmp) / f"bench-{pages}.pdf"
            make_pdf(pdf, pages)
            for mode in ("extract", "read"):
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", str(pdf), mode],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                r = json.loads(out.strip().splitlines()[-1])
                print(
                    f"{r['pages']:>6} {mode:>8} {r['wall']:>7.1f} {r['cpu']:>6.1f} "
                    f"{r['pages'] / r['cpu']:>14.1f} {r['peak_mb']:>8.0f} {r['grew_mb']:>6.1f}"
                )
    if args.samples:
        check_samples(args.samples)


if __name__ == "__main__":
    main()
