"""Small HTML building blocks shared by the report's sections: escaping, tables, sections."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], *, caption: str,
          sortable: bool = False, css: str = "", numeric: Iterable[int] = ()) -> str:
    """A real <table>; cells are pre-escaped HTML; ``numeric`` columns align right."""
    numeric = set(numeric)
    classes = " ".join(c for c in (css, "sortable" if sortable else "") if c)
    head = "".join(
        f'<th scope="col"><button type="button">{h}</button></th>' if sortable
        else f'<th scope="col">{h}</th>' for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            cls = ' class="num"' if i in numeric else ""
            cells.append(cell if cell.startswith(("<td", "<th")) else
                         f"<{tag}{scope}{cls}>{cell}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table class="{classes}"><caption>{caption}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def section(ident: str, title: str, content: str) -> str:
    return f'<section id="{ident}" aria-labelledby="{ident}-h"><h2 id="{ident}-h">{e(title)}</h2>{content}</section>'
