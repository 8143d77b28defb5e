"""The sections of the HTML report, each a function from numbers to escaped HTML."""

from __future__ import annotations

from typing import Any

from scrthemes.analysis import charts
from scrthemes.analysis.compare import AreaRow, PublishedRow, describe
from scrthemes.analysis.figures import NationalFigure
from scrthemes.analysis.htmlkit import e, table
from scrthemes.analysis.matrix import ReviewMatrix
from scrthemes.analysis.model_quality import quality_html
from scrthemes.analysis.source import Evidence
from scrthemes.analysis.stats import format_p, pct
from scrthemes.analysis.trends import TrioRow, YearRow


def _p(value: float | None) -> str:
    return "" if value is None else format_p(value)


def _diff(value: float | None) -> str:
    return "" if value is None else f"{value * 100:+.0f} points"


def frequency_section(local: ReviewMatrix, label: str, rows: list[PublishedRow]) -> str:
    """Local shares with Wilson whiskers against each theme's headline national figure."""
    by_theme = {r.theme: r for r in rows}
    bars = []
    for theme, name in local.themes:
        sh = local.share_of(theme)
        row = by_theme.get(theme)
        ref = ref_label = None
        approx = False
        if row is not None and row.figure.prevalence_pct is not None:
            ref = row.figure.prevalence_pct / 100
            ref_label = row.figure.prevalence.label
            approx = row.figure.is_approximate
        elif row is not None:
            ref_label = row.figure.prevalence.label
        bars.append(charts.Bar(name, sh.value if sh else None, sh.low if sh else None,
                               sh.high if sh else None, ref, ref_label or "", approx))
    desc = "; ".join(f"{b.label}: {pct(b.value) if b.value is not None else 'no reviews'}"
                     + (f", national {b.reference_label}" if b.reference_label else "")
                     for b in bars)
    chart = charts.share_bars(bars, title=f"Share of reviews featuring each theme: {label} "
                              "against national figures", desc=desc, ident="freq",
                              local_label=label)
    body = [
        f'<tr><th scope="row">{e(r.theme_name)}</th><td>{e(describe(r.local))}</td>'
        f'<td>{e(r.figure.prevalence.label)}<br><span class="note">{e(r.figure.source)}, '
        f'{e(r.figure.period)}; base: {e(r.figure.base)}</span></td>'
        f'<td class="num">{_diff(r.difference)}</td><td class="num">{_p(r.p_value)}</td>'
        f'<td>{e(r.verdict)}{"<br><span class=note>" + e(r.caveat) + "</span>" if r.caveat else ""}</td></tr>'
        for r in rows
    ]
    others = [f'<tr><th scope="row">{e(name)}</th><td>{e(describe(local.share_of(t)))}</td>'
              '<td colspan="4">no national figure</td></tr>'
              for t, name in local.themes if t not in by_theme]
    tbl = (f'<div class="scroll"><table><caption>{e(label)} against the national figure for each theme '
           '(exact binomial test)</caption><thead><tr><th scope="col">theme</th>'
           '<th scope="col">local: reviews (95% interval)</th><th scope="col">national</th>'
           '<th scope="col">difference</th><th scope="col">p</th><th scope="col">reading</th>'
           f'</tr></thead><tbody>{"".join(body + others)}</tbody></table></div>')
    return chart + tbl


def area_section(label: str, other_label: str, rows: list[AreaRow]) -> str:
    """The area against every other area, theme by theme (Fisher's exact test)."""
    body = [[e(r.theme_name), e(describe(r.local)), e(describe(r.other)), _diff(r.difference),
             _p(r.p_value), e(r.caveat or "")] for r in rows]
    return table(["theme", e(label), e(other_label), "difference", "Fisher p", "note"], body,
                 caption=f"{e(label)} against {e(other_label)}", numeric=(3, 4))


def matrix_section(local: ReviewMatrix, counts: dict[tuple[int, str], int],
                   links: dict[int, str]) -> str:
    """Reviews x themes as a sortable heat table (cell = affirmed mentions)."""
    heads = ["review", "area", "year", "themes"] + [
        f'<span title="{e(name)}">{e(name)}</span>' for _, name in local.themes]
    rows = []
    peak = max(counts.values(), default=1) or 1
    for r in local.reviews:
        present = [t for t in local.theme_ids if local.has(r.id, t)]
        title = e(r.title)
        if r.id in links:
            title = f'<a href="{e(links[r.id])}">{title}</a>'
        cells = [title, e(r.area or "unknown"), f'<td class="num">{e(r.year or "")}</td>',
                 f'<td class="num">{len(present)}</td>']
        for theme, name in local.themes:
            n = counts.get((r.id, theme), 0) if local.has(r.id, theme) else 0
            if n:
                colour = charts.heat_colour(0.25 + 0.75 * n / peak)
                ink = "#fff" if n / peak > 0.45 else "#000"
                cells.append(f'<td class="cell" data-sort="{n}" style="background:{colour};'
                             f'color:{ink}" title="{e(name)}: {n} mention(s)">{n}</td>')
            else:
                cells.append(f'<td class="cell" data-sort="0" title="{e(name)}: not found">'
                             '<span class="sr">not found</span></td>')
        rows.append(cells)
    note = ('<p class="note">Each cell gives the number of affirmed mentions of the theme '
            'in the review (darker = more); blank = not found. Select a column heading '
            'to sort by it.</p>')
    return note + table(heads, rows, caption="Themes found in each review", sortable=True,
                        css="heat")


def evidence_section(local: ReviewMatrix, evidence: dict[str, list[Evidence]],
                     links: dict[int, str]) -> str:
    """The strongest sentences per theme, with review, page, method and a link to the page."""
    parts = []
    for theme, name in local.themes:
        items = evidence.get(theme, [])
        parts.append(f"<h3>{e(name)} <span class=\"note\">({local.count(theme)} of "
                     f"{local.n} reviews)</span></h3>")
        if not items:
            parts.append('<p class="note">No affirmed mention found.</p>')
            continue
        for item in items:
            where = f"page {item.page}" if item.page else "page unknown"
            link = ""
            if item.review_id in links:
                anchor = f"#page={item.page}" if item.page else ""
                link = (f' &middot; <a href="{e(links[item.review_id] + anchor)}">open the '
                        f"PDF at {e(where)}</a>")
            parts.append(
                f"<blockquote>{e(item.sentence)}</blockquote><p class=\"evidence-meta\">"
                f"{e(item.title)} ({e(item.area or 'area unknown')}, {e(item.year or 'year unknown')})"
                f" &middot; {e(where)} &middot; found by {e(item.method)}, score "
                f"{item.score:.2f}{link}</p>")
    return "".join(parts)


def trend_section(local: ReviewMatrix, years: list[YearRow]) -> str:
    """Small multiples of each theme's share by year, and the numbers as a table."""
    if not years:
        return '<p class="note">No review has a known year.</p>'
    charts_html = []
    for i, (theme, name) in enumerate(local.themes):
        points = [(y.year, *( (s.value, s.low, s.high) if (s := y.shares[theme]) else
                              (None, None, None))) for y in years]
        charts_html.append(f'<figure class="trend"><figcaption>{e(name)}</figcaption>'
                           f'{charts.small_trend(points, title=name, ident=f"trend{i}")}</figure>')
    heads = ["year", "reviews"] + [e(name) for _, name in local.themes]
    rows = [[e(y.year), e(y.n)] + [e(f"{s.k} ({pct(s.value)})") if s else "" for s in
                                   (y.shares[t] for t in local.theme_ids)] for y in years]
    note = ('<p class="note">Dots are the share of that year\'s reviews; vertical lines are '
            '95% intervals. With few reviews a year, most changes are within the noise.</p>')
    return (note + f'<div class="trends">{"".join(charts_html)}</div>'
            + table(heads, rows, caption="Reviews featuring each theme, by year",
                    numeric=range(1, len(heads))))


def trio_section(distribution: list[TrioRow], national: list[TrioRow]) -> str:
    """How often the three toxic-trio themes occur together, against published figures."""
    bars = [charts.Bar(r.label, r.local.value if r.local else None,
                       r.local.low if r.local else None, r.local.high if r.local else None)
            for r in distribution]
    chart = charts.share_bars(bars, title="Reviews by number of toxic-trio themes",
                              desc="; ".join(f"{r.label}: {describe(r.local)}" for r in distribution),
                              ident="trio", local_label="local")
    dist = table(["toxic-trio themes", "reviews (95% interval)"],
                 [[e(r.label), e(describe(r.local))] for r in distribution],
                 caption="Domestic abuse, parental mental health and substance misuse together")
    if not national:
        return chart + dist
    rows = [[e(r.label), e(describe(r.local)),
             f"{e(r.figure.prevalence.label)} ({e(r.figure.source)}, {e(r.figure.period)})",
             _p(r.p_value), e(r.caveat or "")] for r in national if r.figure]
    return chart + dist + table(["measure", "local", "national", "binomial p", "note"], rows,
                                caption="Co-occurrence against published figures",
                                numeric=(3,))


def methods_section(card: dict[str, Any] | None, figures: list[NationalFigure],
                    names: dict[str, str] | None = None) -> str:
    """How themes are found, how good that is, what national figures count, and caveats."""
    parts = [
        "<h3>How themes are found</h3>",
        "<p>Each review's text is split into passages and sentences. Two detectors read every "
        "sentence: hand-written patterns for the wording of each theme (spaCy rules) and a "
        "statistical classifier trained on coded sentences. A mention that is negated, "
        "hypothetical or only names an agency is kept in the database but never counted. A "
        "review <em>features</em> a theme when at least one affirmed mention of it is found; "
        "a review counts once per theme however often the theme is mentioned. Only the latest "
        "version of each review is counted.</p>",
        "<h3>Measured quality of the detection</h3>",
        quality_html(card, names or {}),
        "<h3>What the national figures count</h3>",
        "<p>National figures come from published analyses of serious case reviews and from "
        "the national Panel's reports. They count different things: the share of reviews in "
        "which a factor was <em>present</em>, was a <em>contributory</em> factor, or was "
        "recorded in a notification of a serious incident; bases range from 33 to several "
        "hundred cases. A published analysis codes reviews by hand; this tool finds themes "
        "automatically, so a difference may reflect the method as well as practice. "
        "Figures given in words (such as 'more than half') are kept as published: a bound is "
        "compared by its interval only, and an approximate value is tested with a caveat.</p>",
        _figures_table(figures, names or {}),
        "<h3>Caveats</h3><ul>"
        "<li>95% intervals are Wilson score intervals. With fewer than 30 reviews, or an "
        "interval wider than 30 points, a share is marked as a small sample.</li>"
        "<li>p-values are exact (binomial against a national share; Fisher's exact test "
        "between areas), two-sided, and not adjusted for testing nine themes at once: "
        "expect about one in twenty to fall below 0.05 by chance.</li>"
        "<li>Approximate national figures (marked ~, &gt; or &lt;) are not precise numbers.</li>"
        "<li>Reviews are not a random sample of cases: they are commissioned when a child "
        "dies or is seriously harmed and abuse or neglect is suspected.</li></ul>",
    ]
    return "".join(parts)


def _figures_table(figures: list[NationalFigure], names: dict[str, str]) -> str:
    rows = [[e(names.get(f.theme, f.theme) if f.theme else f.national_category), e(f.prevalence.label)
             + (" (approx.)" if f.is_approximate else ""), e(f.source), e(f.period), e(f.base),
             e(f.measure), f"<code>{e(f.seen_at_url)}</code>", e(f.origin)] for f in figures]
    return table(["theme / category", "figure", "source", "period", "base", "what it counts",
                  "where it was read (copy into a browser)", "origin"], rows,
                 caption="All national figures held", sortable=True)
