"""The detector's measured quality, read from the classifier's JSON card, as report HTML.

The card written by ``scrthemes train`` holds ``metrics -> {evaluation} -> {method}``
with per-theme ``themes`` and a ``macro`` summary. The report shows the method the
tagger uses (``combined``) from the most thorough evaluation available (5-fold
cross-validation before the dev split). Any other card layout is shown generically.
"""

from __future__ import annotations

from typing import Any

from scrthemes.analysis.htmlkit import e, table

#: Evaluations in order of preference, with how to describe them.
EVALUATIONS = {"cv5": "5-fold cross-validation over the coded documents",
               "dev": "documents held out from training"}
COLUMNS = {"doc_precision": "precision", "doc_recall": "recall", "doc_f1": "F1",
           "kappa": "Cohen's kappa"}


def quality_html(card: dict[str, Any] | None, names: dict[str, str]) -> str:
    """HTML describing the card's measured quality, or a note that there is no card."""
    if not card:
        return ('<p class="note">No model card (models/theme_classifier.json) was found, so '
                "no measured quality can be shown for this installation.</p>")
    metrics = card.get("metrics")
    evaluation = next((k for k in EVALUATIONS if _has_themes(metrics, k)), None)
    if evaluation is None:
        return _facts(card) + (_generic(metrics) if isinstance(metrics, dict) else "")
    results = metrics[evaluation]
    data = card.get("training_data", {})
    intro = (f"<p>Quality was measured against {e(data.get('docs', 'the'))} reviews coded by hand "
             f"({e(data.get('sentences', '?'))} sentences), by {e(EVALUATIONS[evaluation])}. "
             "Scores are per review: did the detector find the theme in the reviews where "
             "the coders found it (recall), and was it right when it said so (precision)? "
             f"Model trained {e(card.get('trained_at', 'at an unknown time'))}.</p>")
    combined = results.get(card.get("default_method", "combined")) or next(iter(results.values()))
    rows = [[e(names.get(theme, theme))] + [e(_num(scores.get(c))) for c in COLUMNS]
            for theme, scores in combined["themes"].items()]
    macro = combined.get("macro", {}).get("all")
    if isinstance(macro, dict):
        rows.append(["<strong>average over themes</strong>"]
                    + [e(_num(macro.get(c))) for c in COLUMNS])
    per_theme = table(["theme", *COLUMNS.values()], rows, numeric=range(1, 5),
                      caption="Measured quality per theme (rules and classifier combined)")
    methods = [[e(method), e(_num(r.get("macro", {}).get("all", {}).get("doc_f1"))),
                e(_interval(r.get("macro", {}).get("all", {}).get("doc_f1_95ci")))]
               for method, r in results.items() if isinstance(r, dict) and "macro" in r]
    compare = table(["detector", "average F1", "95% interval"], methods, numeric=(1,),
                    caption="The detectors compared") if methods else ""
    return intro + per_theme + compare


def _has_themes(metrics: Any, evaluation: str) -> bool:
    if not isinstance(metrics, dict) or not isinstance(metrics.get(evaluation), dict):
        return False
    return any(isinstance(r, dict) and isinstance(r.get("themes"), dict)
               for r in metrics[evaluation].values())


def _facts(card: dict[str, Any]) -> str:
    facts = [(k, v) for k, v in card.items() if isinstance(v, str | int | float)
             and not k.endswith(("sha256", "fingerprint"))][:10]
    return "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts) + "</dl>"


def _generic(metrics: dict[str, Any], caption: str = "Measured quality (model card)") -> str:
    nested = {k: v for k, v in metrics.items() if isinstance(v, dict)}
    flat = {k: v for k, v in metrics.items() if isinstance(v, int | float | str)}
    out = []
    if flat:
        out.append(table(["measure", "value"], [[e(k), e(_num(v))] for k, v in flat.items()],
                         caption=e(caption), numeric=(1,)))
    if nested and all(all(not isinstance(x, dict) for x in v.values()) for v in nested.values()):
        cols = sorted({c for v in nested.values() for c in v})
        rows = [[e(k)] + [e(_num(v.get(c, ""))) for c in cols] for k, v in nested.items()]
        out.append(table(["", *map(e, cols)], rows, caption=e(caption),
                         numeric=range(1, len(cols) + 1)))
    else:
        out.extend(_generic(v, caption=f"{caption}: {k}") for k, v in nested.items())
    return "".join(out)


def _num(value: Any) -> Any:
    return f"{value:.3f}" if isinstance(value, float) else ("" if value is None else value)


def _interval(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[0]:.3f}-{value[1]:.3f}"
    return ""
