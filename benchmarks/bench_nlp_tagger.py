"""Rule tagger speed and memory on a long fictional review text.

Prints characters per second for ``Tagger.tag`` and ``Tagger.sentences`` on a
generated text of about 100 pages (wrapped lines, headings, bullets, theme
wording, negations), the pipeline's load time, and the peak resident memory.

    .venv/bin/python benchmarks/bench_nlp_tagger.py             # ~300,000 characters
    .venv/bin/python benchmarks/bench_nlp_tagger.py --pages 400

All text is fictional, written for this benchmark.
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
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
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"text: {len(text):,} characters ({args.pages} pages), {len(sentences):,} sentences")
    print(f"pipeline load: {load_s:.2f} s")
    print(f"tag():       {tag_s:.2f} s  {len(text) / tag_s:,.0f} chars/s  {len(mentions):,} mentions "
          f"({sum(not m.negated for m in mentions):,} counted)")
    print(f"sentences(): {sent_s:.2f} s  {len(text) / sent_s:,.0f} chars/s")
    print(f"peak memory: {peak_mb:,.0f} MiB")


if __name__ == "__main__":
    main()
