"""Write the bundled FICTIONAL sample reviews as PDFs, with a truthful manifest.

The content lives in ``sample_texts/*.yml`` (one file per review, all of it
invented). Each file names the sentences that carry a theme (``themes``) and
the sentences that only look as if they do (negated, agency names,
hypothetical, general research). The layout here is done by hand on a
reportlab canvas, not with platypus, so that the page of every line is known:
the manifest's evidence pages come from where the text was actually printed.

Run ``python -m scrthemes.corpus.samples OUT_DIR`` to write the PDFs and
``OUT_DIR/manifest.json``. Output is byte-identical between runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import zlib
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

FICTION_NOTICE = (
    "A fictional serious case review written to test scrthemes; "
    "no real child, family or agency is described."
)
DECOY_FORMS = (
    "negated_only", "agency_only", "hypothetical_only", "general_only", "child_only",
)

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 72.0, PAGE_W - 72.0, PAGE_H - 92.0, 70.0
FONT, BOLD, SIZE, LEADING = "Helvetica", "Helvetica-Bold", 11.5, 17.0
NOTE_SIZE, NOTE_LEADING, MARK_SIZE, MARK_RISE = 8.0, 10.0, 6.5, 4.0
NUMBER_INDENT = 34.0
FOOTNOTE = re.compile(r"\[\^(.+?)\]")


@dataclass
class SampleInfo:
    """One generated sample review, as listed in ``manifest.json``."""

    file: str
    title: str
    area: str
    board: str
    year: int
    child: str
    pages: int
    themes: list[str]
    negated_only: list[str] = field(default_factory=list)
    agency_only: list[str] = field(default_factory=list)
    hypothetical_only: list[str] = field(default_factory=list)
    general_only: list[str] = field(default_factory=list)
    #: about the child's own health or substance use, not a parent's
    child_only: list[str] = field(default_factory=list)
    #: theme -> [{"sentence", "page"}] for every featured theme
    evidence: dict[str, list[dict]] = field(default_factory=dict)
    #: theme -> [{"sentence", "page", "form"}] for the look-alikes that must not count
    decoys: dict[str, list[dict]] = field(default_factory=dict)
    sha256: str = ""


@dataclass
class Word:
    """A word as printed (a hyphenated word is two of these)."""

    text: str
    start: int  # offset of the word in the paragraph's plain text
    mark: str | None = None  # footnote mark printed after the word


@dataclass
class Line:
    """One printed line of body text."""

    words: list[Word]
    x: float
    width: float
    justify: bool
    number: str | None = None  # paragraph number printed in the margin
    font: str = FONT
    size: float = SIZE


@dataclass
class PageOut:
    """What goes on one body page: lines at their baselines, and footnotes."""

    lines: list[tuple[float, Line]] = field(default_factory=list)
    notes: list[tuple[str, list[str]]] = field(default_factory=list)


@cache
def _text_width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def _width(word: Word, font: str = FONT, size: float = SIZE) -> float:
    w = _text_width(word.text, font, size)
    return w + _text_width(word.mark, font, MARK_SIZE) if word.mark else w


SUFFIXES = ("ment", "tion", "sion", "ness", "able", "ible", "ity", "ing", "ally", "ised",
            "ered", "ated", "ings")
CLUSTERS = {"th", "ch", "sh", "ck", "ph", "wh", "ng", "gh", "qu"}


def _hyphen_point(word: str, room: float, font: str, size: float) -> int | None:
    """Where to break a long plain word so its first part plus '-' fits in ``room``.

    Prefers a common suffix, then a break between two consonants after a vowel
    ("consis-tent"); a plain syllable rule that is usually right for English.
    """
    if len(word) < 9 or not word.isalpha():
        return None
    low, vowels = word.lower(), "aeiouy"
    cuts = range(len(word) - 3, 3, -1)
    suffix = [i for i in cuts if low[i:].startswith(SUFFIXES) and low[i - 1] not in vowels]
    consonants = [i for i in cuts if low[i - 2] in vowels and low[i - 1] not in vowels
                  and low[i] not in vowels and low[i + 1] in vowels
                  and low[i - 1:i + 1] not in CLUSTERS]
    for cut in suffix + consonants:
        if len(word) - cut >= 3 and _text_width(word[:cut] + "-", font, size) <= room:
            return cut
    return None


def _wrap(words: list[Word], width: float, rng: random.Random | None,
         font: str = FONT, size: float = SIZE) -> list[list[Word]]:
    """Greedy line filling; ``rng`` decides (reproducibly) when to hyphenate."""
    space = stringWidth(" ", font, size)
    lines: list[list[Word]] = []
    cur: list[Word] = []
    used = 0.0
    queue = list(words)
    while queue:
        word = queue.pop(0)
        need = _width(word, font, size) + (space if cur else 0.0)
        if used + need <= width or not cur:
            cur.append(word)
            used += need
            continue
        room = width - used - space
        cut = None if word.mark or rng is None or rng.random() > 0.45 else (
            _hyphen_point(word.text, room, font, size))
        if cut:
            cur.append(Word(word.text[:cut] + "-", word.start))
            queue.insert(0, Word(word.text[cut:], word.start + cut, word.mark))
        else:
            queue.insert(0, word)
        lines.append(cur)
        cur, used = [], 0.0
    if cur:
        lines.append(cur)
    return lines


def _words(text: str, notes: list[str]) -> tuple[str, list[Word]]:
    """Plain text and words of a paragraph; footnotes go to ``notes`` and become marks."""
    plain, words = "", []
    parts = FOOTNOTE.split(text)
    for i, part in enumerate(parts):
        if i % 2:
            notes.append(part)
            words[-1].mark = str(len(notes))
            continue
        for token in part.split():
            plain += " " if plain else ""
            words.append(Word(token, len(plain)))
            plain += token
    return plain, words


class Layout:
    """Flows headings and numbered paragraphs onto pages, remembering where each line went."""

    def __init__(self, first_page: int, rng: random.Random) -> None:
        self.first_page, self.rng = first_page, rng
        self.pages: list[PageOut] = [PageOut()]
        self.y = TOP
        self.notes: list[str] = []

    @property
    def page_number(self) -> int:
        return self.first_page + len(self.pages) - 1

    def _note_height(self, notes: list[tuple[str, list[str]]]) -> float:
        return (sum(len(lines) for _, lines in notes) * NOTE_LEADING + 14) if notes else 0.0

    def _new_page(self) -> None:
        self.pages.append(PageOut())
        self.y = TOP

    def _fits(self, n_lines: int, new_notes: list[tuple[str, list[str]]]) -> bool:
        notes = self.pages[-1].notes + new_notes
        return self.y - n_lines * LEADING >= BOTTOM + self._note_height(notes)

    def _note(self, mark: str) -> tuple[str, list[str]]:
        text = self.notes[int(mark) - 1]
        words = [Word(t, 0) for t in text.split()]
        lines = _wrap(words, RIGHT - LEFT - 10, None, FONT, NOTE_SIZE)
        return mark, [" ".join(w.text for w in line) for line in lines]

    def heading(self, text: str) -> int:
        """Place a section heading (kept with the next lines); return its page."""
        self.y -= 8
        if not self._fits(4, []):
            self._new_page()
        self.pages[-1].lines.append((self.y, Line([Word(text, 0)], LEFT, 0, False, font=BOLD,
                                                  size=12)))
        self.y -= LEADING + 4
        return self.page_number

    def paragraph(self, text: str, number: str, keep: bool) -> tuple[str, list[int]]:
        """Place a numbered paragraph; return its plain text and the page of each character."""
        plain, words = _words(text, self.notes)
        x, width = LEFT + NUMBER_INDENT, RIGHT - LEFT - NUMBER_INDENT
        rows = _wrap(words, width, self.rng)
        if keep and len(rows) < 40:
            notes = [self._note(w.mark) for row in rows for w in row if w.mark]
            if not self._fits(len(rows), notes):
                self._new_page()
        pages = [0] * len(plain)
        for i, row in enumerate(rows):
            notes = [self._note(w.mark) for w in row if w.mark]
            if not self._fits(1, notes):
                self._new_page()
            self.pages[-1].notes.extend(notes)
            line = Line(row, x, width, i < len(rows) - 1, number if i == 0 else None)
            self.pages[-1].lines.append((self.y, line))
            self.y -= LEADING
            end = rows[i + 1][0].start if i + 1 < len(rows) else len(plain)
            pages[row[0].start:end] = [self.page_number] * (end - row[0].start)
        self.y -= 5
        return plain, pages


def _draw_line(c: Canvas, y: float, line: Line) -> None:
    if line.number:
        c.setFont(FONT, SIZE)
        c.drawString(LEFT, y, line.number)
    natural = sum(_width(w, line.font, line.size) for w in line.words)
    natural += stringWidth(" ", line.font, line.size) * (len(line.words) - 1)
    gaps = len(line.words) - 1
    extra = (line.width - natural) / gaps if line.justify and gaps else 0.0
    t = c.beginText(line.x, y)
    t.setFont(line.font, line.size)
    t.setWordSpace(extra if extra < 14 else 0.0)
    run: list[str] = []
    for i, word in enumerate(line.words):
        run.append(word.text)
        if word.mark:
            t.textOut(" ".join(run))
            t.setFont(line.font, MARK_SIZE)
            t.setRise(MARK_RISE)
            t.textOut(word.mark)
            t.setRise(0)
            t.setFont(line.font, line.size)
            run = [""] if i < gaps else []
    if run:
        t.textOut(" ".join(run))
    c.drawText(t)


def _draw_furniture(c: Canvas, header: str, number: int, total: int) -> None:
    c.setFont(FONT, 8.5)
    c.drawString(LEFT, PAGE_H - 50, header)
    c.line(LEFT, PAGE_H - 56, RIGHT, PAGE_H - 56)
    c.drawString(LEFT, 40, "Fictional sample")
    c.drawRightString(RIGHT, 40, f"Page {number} of {total}")


def _title_page(c: Canvas, spec: dict, total: int) -> None:
    c.setFont(BOLD, 16)
    c.drawCentredString(PAGE_W / 2, PAGE_H - 150, spec["board"])
    c.setFont(BOLD, 22)
    c.drawCentredString(PAGE_W / 2, PAGE_H - 230, spec["kind"])
    c.drawCentredString(PAGE_W / 2, PAGE_H - 262, spec["child"])
    c.setFont(BOLD, 13)
    c.drawCentredString(PAGE_W / 2, PAGE_H - 330, "FICTIONAL SAMPLE - NOT A REAL REVIEW")
    c.setFont(FONT, 11)
    words = [Word(t, 0) for t in FICTION_NOTICE.split()]
    for i, row in enumerate(_wrap(words, 360, None, FONT, 11)):
        c.drawCentredString(PAGE_W / 2, PAGE_H - 356 - i * 15, " ".join(w.text for w in row))
    c.drawCentredString(PAGE_W / 2, PAGE_H - 440, f"Independent reviewer: {spec['author']}")
    c.drawCentredString(PAGE_W / 2, PAGE_H - 458, f"Published {spec['published']} {spec['year']}")
    c.setFont(FONT, 8.5)
    c.drawRightString(RIGHT, 40, f"Page 1 of {total}")


def _contents_page(c: Canvas, header: str, toc: list[tuple[str, int]], total: int) -> None:
    _draw_furniture(c, header, 2, total)
    c.setFont(BOLD, 14)
    c.drawString(LEFT, TOP, "Contents")
    c.setFont(FONT, SIZE)
    for i, (title, page) in enumerate(toc):
        y = TOP - 34 - i * 20
        c.drawString(LEFT, y, title)
        c.drawRightString(RIGHT, y, str(page))
        start = LEFT + stringWidth(title, FONT, SIZE) + 6
        dots = int((RIGHT - 16 - start) / stringWidth(". ", FONT, SIZE))
        c.drawString(start, y, ". " * max(dots, 0))


class _Filler:
    """Neutral chronology and agency paragraphs from templates, with dates moving forward."""

    def __init__(self, spec: dict, templates: dict, rng: random.Random) -> None:
        self.spec, self.rng, self.months = spec, rng, templates["months"]
        self.decks = {"chronology": templates[spec.get("stage", "infant")] + templates["any"],
                      "agency": templates["agency"]}
        self.cards: dict[str, list[str]] = {kind: [] for kind in self.decks}
        self.agencies = spec.get("agencies") or templates["agencies"]
        self.day, self.step = 0, 1

    def _month(self, text: str) -> int:
        year, month = text.split("-")
        return int(year) * 372 + (int(month) - 1) * 31

    def _date(self) -> str:
        self.day += self.rng.randint(max(self.step // 2, 1), self.step)
        year, rest = divmod(self.day, 372)
        return f"{min(rest % 31, 27) + 1} {self.months[rest // 31]} {year}"

    def _draw(self, kind: str) -> str:
        # deal every template once before any repeats, so neighbours differ
        if not self.cards[kind]:
            self.cards[kind] = list(self.decks[kind])
            self.rng.shuffle(self.cards[kind])
        return self.cards[kind].pop()

    def block(self, item: dict) -> list[str]:
        """The ``item["filler"]`` paragraphs of one filler block of the YAML."""
        kind, count = item.get("kind", "chronology"), item["filler"]
        start, end = self.spec["period"]
        first = self._month(item.get("from", f"{start}-01"))
        last = self._month(item.get("to", f"{end}-12"))
        self.day, self.step = first, max((last - first) // max(4 * count, 1), 2)
        out = []
        for _ in range(count):
            parts = []
            for _ in range(self.rng.choice((1, 2, 2))):
                agency = self.rng.choice(self.agencies)
                values = dict(self.spec["family"], date=self._date(), date2=self._date(),
                              agency=agency, Agency=agency[0].upper() + agency[1:])
                parts.append(self._draw(kind).strip().format(**values))
            out.append(" ".join(parts))
        return out


def _load_specs() -> tuple[list[dict], dict]:
    folder = files("scrthemes.corpus") / "sample_texts"
    specs, templates = [], {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if entry.name.startswith("_"):
            templates = data
        else:
            specs.append(data)
    return specs, templates


def _tracked(spec: dict) -> dict[str, list[tuple[str, str]]]:
    """Every annotated sentence -> [(theme, form)]; form 'themes' for featured ones."""
    out: dict[str, list[tuple[str, str]]] = {}
    for form in ("themes", *DECOY_FORMS):
        for theme, sentences in (spec.get(form) or {}).items():
            for s in sentences:
                out.setdefault(" ".join(s.split()), []).append((theme, form))
    return out


def _lay_out(spec: dict, templates: dict, scale: float):
    """One layout pass, with every filler block's size multiplied by ``scale``."""
    rng = random.Random(zlib.crc32(spec["file"].encode()))
    tracked = _tracked(spec)
    filler = _Filler(spec, templates, rng)
    layout = Layout(first_page=3, rng=rng)
    toc, found = [], {}
    for n, section in enumerate(spec["sections"], start=1):
        toc.append((f"{n}. {section['heading']}", layout.heading(f"{n}. {section['heading']}")))
        texts = []
        for para in section["paragraphs"]:
            if isinstance(para, dict):
                texts += filler.block({**para, "filler": round(para["filler"] * scale)})
            else:
                texts.append(para)
        for m, text in enumerate(texts, start=1):
            text = " ".join(text.split())
            keep = [s for s in tracked if s in text]
            plain, pages = layout.paragraph(text, f"{n}.{m}", bool(keep))
            for s in keep:
                at = plain.find(s)
                if at < 0 or pages[at] != pages[at + len(s) - 1]:
                    raise ValueError(f"{spec['file']}: sentence not printed whole: {s!r}")
                found[s] = pages[at]
    missing = [s for s in tracked if s not in found]
    if missing:
        raise ValueError(f"{spec['file']}: annotated sentence not in the text: {missing[0]!r}")
    return layout, toc, found


def render_sample(spec: dict, templates: dict, out_dir: Path) -> SampleInfo:
    """Lay out and write one review's PDF; return its manifest entry.

    The filler blocks are scaled until the review reaches the ``pages`` its
    YAML asks for (a few passes; each is deterministic).

    Raises
    ------
    ValueError
        If an annotated sentence is not in the review's text.
    """
    tracked = _tracked(spec)
    scale, target = 1.0, spec.get("pages", 0)
    for _ in range(8):
        layout, toc, found = _lay_out(spec, templates, scale)
        if layout.page_number >= target:
            break
        scale *= 1.0 + (target - layout.page_number) / max(layout.page_number - 2, 1)
    total = layout.page_number
    header = f"{spec['kind']}: {spec['child']} - {spec['board']}"
    path = out_dir / spec["file"]
    c = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(f"{spec['kind']}: {spec['child']} (fictional sample)")
    c.setAuthor("scrthemes fictional samples")
    _title_page(c, spec, total)
    c.showPage()
    _contents_page(c, header, toc, total)
    c.showPage()
    for i, page in enumerate(layout.pages, start=3):
        _draw_furniture(c, header, i, total)
        for y, line in page.lines:
            _draw_line(c, y, line)
        if page.notes:
            y = BOTTOM + (sum(len(lines) for _, lines in page.notes) - 1) * NOTE_LEADING
            c.line(LEFT, y + 14, LEFT + 140, y + 14)
            c.setFont(FONT, NOTE_SIZE)
            for mark, lines in page.notes:
                c.setFont(FONT, MARK_SIZE)
                c.drawString(LEFT, y + 3, mark)
                c.setFont(FONT, NOTE_SIZE)
                for text in lines:
                    c.drawString(LEFT + 8, y, text)
                    y -= NOTE_LEADING
        c.showPage()
    c.save()
    info = SampleInfo(
        file=spec["file"], title=f"{spec['kind']}: {spec['child']}", area=spec["area"],
        board=spec["board"], year=spec["year"], child=spec["child"], pages=total,
        themes=sorted(spec.get("themes") or {}),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    for form in DECOY_FORMS:
        setattr(info, form, sorted(spec.get(form) or {}))
    for sentence, labels in tracked.items():
        entry = {"sentence": sentence, "page": found[sentence]}
        for theme, form in labels:
            if form == "themes":
                info.evidence.setdefault(theme, []).append(entry)
            else:
                info.decoys.setdefault(theme, []).append({**entry, "form": form})
    return info


def generate_samples(out_dir: Path) -> list[SampleInfo]:
    """Write every fictional sample PDF and ``manifest.json`` into ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder to write into (created if missing). Existing files of the same
        names are overwritten; other files are left alone.

    Returns
    -------
    list[SampleInfo]
        One entry per PDF, in file-name order (the manifest's content).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs, templates = _load_specs()
    infos = [render_sample(spec, templates, out_dir) for spec in specs]
    manifest = {"notice": FICTION_NOTICE, "samples": [asdict(i) for i in infos]}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                           encoding="utf-8")
    return infos


def load_manifest(out_dir: Path) -> list[SampleInfo]:
    """Read ``out_dir/manifest.json`` written by :func:`generate_samples`.

    Raises
    ------
    FileNotFoundError
        If there is no manifest in ``out_dir`` (run ``generate_samples`` first).
    """
    path = Path(out_dir) / "manifest.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no sample manifest (generate the samples first)")
    data = json.loads(path.read_text(encoding="utf-8"))
    return [SampleInfo(**item) for item in data["samples"]]


def main(argv: list[str] | None = None) -> None:
    """Write the fictional sample reviews and their manifest to OUT_DIR."""
    parser = argparse.ArgumentParser(prog="python -m scrthemes.corpus.samples",
                                     description=main.__doc__)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    infos = generate_samples(args.out_dir)
    pages = sum(i.pages for i in infos)
    print(f"wrote {len(infos)} fictional reviews ({pages} pages) to {args.out_dir}")


if __name__ == "__main__":
    main()
