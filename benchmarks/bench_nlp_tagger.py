"""Rule tagger speed and memory.

Prints characters per second for ``Tagger.tag`` and ``Tagger.sentences`` on a
generated text of about 100 pages (wrapped lines, headings, bullets, theme
wording, negations), on the largest fictional sample review (its PDF read with
``scrthemes.corpus.reader.read_review``), and on every gold document (read at
run time from the shared gold folder, never copied), plus the pipeline's load
time and the peak resident memory. Target: >= 200,000 chars/s for rules.

    .venv/bin/python benchmarks/bench_nlp_tagger.py             # ~300,000 characters
    .venv/bin/python benchmarks/bench_nlp_tagger.py --pages 400 --samples /tmp/samples

``--samples`` is a folder of sample PDFs (``python -m scrthemes.corpus.samples
DIR`` writes one); without it the samples are generated into a temporary folder.
The generated text is fictional, written for this benchmark.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

PAGE = (
    "3. Findings\n\n"
    "3.1 The mother had a long history of depression and was referred to the perinatal\n"
    "mental health team. There was no evidence of domestic abuse at that time.\n\n"
    "  • Information about the police call-outs was not shared with the GP.\n"
    "  • The family moved four times in two years and the flat was overcrowded.\n\n"
    "3.2 Should her mental health deteriorate, the health visitor would make a referral.\n"
    "The father did not attend the core group meetings and professionals accepted his\n"
    "explanations at face value. The referral was stepped down to early help despite the\n"
    "school's concerns. The Substance Misuse Service attended the panel.\n\n"
) * 6


def _rate(tagger, texts: list[str]) -> tuple[float, int]:
    """Seconds to tag all texts once (after one warm-up pass), and their characters."""
    for text in texts:
        tagger.tag(text)  # warm-up: fills the vocabulary with the texts' words
    started = time.perf_counter()
    for text in texts:
        tagger.tag(text)
    return time.perf_counter() - started, sum(len(t) for t in texts)


def _largest_sample(folder: Path | None) -> tuple[str, str] | None:
    """(file name, text) of the largest sample PDF, generating samples if no folder is given."""
    from scrthemes.corpus.reader import read_review

    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="scr-samples-"))
        subprocess.run([sys.executable, "-m", "scrthemes.corpus.samples", str(folder)], check=True,
                       stdout=subprocess.DEVNULL)
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        return None
    texts = {p.name: read_review(p).text for p in pdfs}
    name = max(texts, key=lambda n: len(texts[n]))
    return name, texts[name]


def _gold_texts() -> list[str]:
    from scrthemes.nlp.gold import default_gold_dir, load_gold

    try:
        return [d.text for d in load_gold(default_gold_dir())]
    except (OSError, ValueError):
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--samples", type=Path, default=None, help="folder of sample PDFs")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    from scrthemes.nlp.tagger import load_tagger

    tagger = load_tagger("rules")
    load_s = time.perf_counter() - started
    text = PAGE * args.pages
    tagger.tag(PAGE)  # warm-up
    t0 = time.perf_counter()
    mentions = tagger.tag(text)
    tag_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    sentences = tagger.sentences(text)
    sent_s = time.perf_counter() - t0
    print(f"text: {len(text):,} characters ({args.pages} pages), {len(sentences):,} sentences")
    print(f"pipeline load: {load_s:.2f} s")
    print(f"tag():       {tag_s:.2f} s  {len(text) / tag_s:,.0f} chars/s  {len(mentions):,} mentions "
          f"({sum(not m.negated for m in mentions):,} counted)")
    print(f"sentences(): {sent_s:.2f} s  {len(text) / sent_s:,.0f} chars/s")
    sample = _largest_sample(args.samples)
    if sample is not None:
        secs, chars = _rate(tagger, [sample[1]])
        print(f"largest sample {sample[0]}: {chars:,} chars  {secs:.2f} s  {chars / secs:,.0f} chars/s")
    gold = _gold_texts()
    if gold:
        secs, chars = _rate(tagger, gold)
        print(f"gold ({len(gold)} docs): {chars:,} chars  {secs:.2f} s  {chars / secs:,.0f} chars/s")
    else:
        print("gold: not found (set SCRTHEMES_SHARED)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mb:,.0f} MiB")


if __name__ == "__main__":
    main()
