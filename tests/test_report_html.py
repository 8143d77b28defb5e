"""The HTML report, generated from a real store and opened in real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from scrthemes.analysis.report import write_report
from scrthemes.analysis.stats import share
from scrthemes.flows.resources import open_store

from tests.conftest import require
from tests.test_analysis_store import expected_counts, sample_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BLUE = (0x00, 0x72, 0xB2)


class _Links(HTMLParser):
    """Collects every src/href and tag name of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster", "data") and value:
                self.refs.append((tag, name, value))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    url, _, _ = sample_store()
    out = tmp_path_factory.mktemp("report")
    write_report(open_store(url), out, area="Kent", now=datetime(2026, 1, 2, tzinfo=UTC))
    return out


def test_report_is_self_contained(report: Path):
    html = (report / "index.html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(html)
    assert "link" not in parser.tags and "img" not in parser.tags and "iframe" not in parser.tags
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html), "CSS loads from the network"
    assert not re.search(r"@import|@font-face", html)
    pdf_links = []
    for tag, attr, value in parser.refs:
        parts = urlsplit(value)
        assert parts.scheme in ("", "file") and not parts.netloc, f"<{tag} {attr}={value}>"
        if value.startswith("#"):
            assert f'id="{value[1:]}"' in html, f"dangling anchor {value}"
            continue
        target = report / unquote(parts.path)
        assert target.is_file(), f"{value} does not exist beside the report"
        pdf_links.append((target, parts.fragment))
    # Evidence links open the copied PDF at a real page of it.
    pages = [(t, int(f.removeprefix("page="))) for t, f in pdf_links if f.startswith("page=")]
    assert pages, "no evidence link opens a PDF at a page"
    import pdfplumber

    for target, page in pages:
        with pdfplumber.open(target) as pdf:
            assert 1 <= page <= len(pdf.pages)
    assert {t.parent.name for t, _ in pdf_links} == {"pdfs"}


def test_report_content_and_accessibility(report: Path):
    html = (report / "index.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) >= 11  # frequency chart, trio chart and one trend chart per theme
    for tag in svgs:
        assert 'role="img"' in tag and "aria-labelledby=" in tag
    assert html.count("<svg") == html.count("<title id=")
    assert html.count("<table") >= 6 and 'scope="col"' in html
    for heading in ("Themes against national figures", "Kent against other areas",
                    "Reviews and themes", "Evidence for each theme", "Trends by year",
                    "The toxic trio together", "Method notes and caveats"):
        assert f">{heading}</h2>" in html
    _, _, manifest = sample_store()
    kent = sum(s["area"] == "Kent" for s in manifest["samples"])
    assert share(kent // 2, kent).note in html  # the small-sample warning
    assert "DfE 2022 Learning for the future" in html and "(approx.)" in html
    assert "found by rule" in html and "#page=" in html


def _run_chromium(tmp: Path, url: str, *extra: str) -> tuple[str, str, Path]:
    """Run headless Chromium on ``url``; returns (DOM, stderr, net-log path)."""
    net_log = tmp / "net.json"
    profile = tmp / "profile"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         f"--log-net-log={net_log}", *extra, "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr, net_log


def _page_requests(net_log: Path) -> list[str]:
    """URLs the page itself fetched over the network (not the browser's own housekeeping)."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [ev["params"]["url"] for ev in log["events"]
            if ev["type"] == start_job and "file://" in ev["params"].get("network_isolation_key", "")]


@pytest.mark.browser
def test_report_renders_offline_in_chromium(report: Path, tmp_path: Path):
    require(CHROMIUM is not None, "chromium not installed (scripts/ensure-system-packages.sh)")
    shot = tmp_path / "report.png"
    dom, stderr, net_log = _run_chromium(
        tmp_path, (report / "index.html").as_uri(), f"--screenshot={shot}",
        "--window-size=1280,2000")
    assert _page_requests(net_log) == []
    assert "Uncaught" not in stderr and ":CONSOLE" not in stderr
    assert 'data-ready="yes"' in dom  # the inline script ran to its end
    assert len(re.findall(r'<svg class="chart" role="img"', dom)) >= 11
    assert dom.count('class="bar"') >= 9 and dom.count('class="national"') >= 3

    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        pixels = image.convert("RGB").getdata()
        blue = sum(1 for p in pixels if all(abs(a - b) < 12 for a, b in zip(p, BLUE, strict=True)))
    assert blue > 5000, "the frequency chart's bars are not visible in the screenshot"


@pytest.mark.browser
def test_network_check_catches_an_external_resource(tmp_path: Path):
    """The request check above can fail: a page that loads an external image is caught."""
    require(CHROMIUM is not None, "chromium not installed (scripts/ensure-system-packages.sh)")
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><img src="https://example.invalid/x.png" alt="">',
                    encoding="utf-8")
    _, _, net_log = _run_chromium(tmp_path, page.as_uri())
    assert _page_requests(net_log) == ["https://example.invalid/x.png"]


@pytest.mark.browser
def test_matrix_table_sorts_in_chromium(report: Path, tmp_path: Path):
    require(CHROMIUM is not None, "chromium not installed (scripts/ensure-system-packages.sh)")
    html = (report / "index.html").read_text(encoding="utf-8")
    # Click the matrix's "year" heading twice (descending), then record the years in order.
    probe = """<script>
var t = document.querySelector("table.heat");
var b = t.querySelectorAll("thead th button")[2];
b.click(); b.click();
var years = Array.prototype.map.call(t.tBodies[0].rows, function (r) { return r.cells[2].textContent; });
document.body.setAttribute("data-years", years.join(","));
document.body.setAttribute("data-sort", t.querySelectorAll("thead th")[2].getAttribute("aria-sort"));
</script></body>"""
    page = report / "sort-probe.html"
    page.write_text(html.replace("</body>", probe), encoding="utf-8")
    try:
        dom, _, _ = _run_chromium(tmp_path, page.as_uri())
    finally:
        page.unlink()
    assert 'data-years="2012,2009"' in dom and 'data-sort="descending"' in dom


def test_report_for_an_empty_store(tmp_path: Path):
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    html = write_report(store, tmp_path / "out").read_text(encoding="utf-8")
    assert "There are no tagged reviews in the database yet." in html
    assert "No review has a known year." in html
    assert "skipped: no local reviews to compare" in html


def test_report_links_pdfs_in_place_and_drops_missing_ones(tmp_path: Path):
    url, samples, _ = sample_store()
    out = tmp_path / "linked"
    html = write_report(open_store(url), out, copy_pdfs=False).read_text(encoding="utf-8")
    assert not (out / "pdfs").exists()
    hrefs = set(re.findall(r'href="([^"#]+\.pdf)(?:#page=\d+)?"', html))
    assert len(hrefs) == 3
    assert all((out / h).resolve().is_file() for h in hrefs)
    assert all(not h.startswith("/") for h in hrefs)
    # A PDF moved away after ingest gets no link (rather than a broken one).
    moved = samples / "kent-2012-child-h.pdf"
    backup = tmp_path / "moved.pdf"
    shutil.move(moved, backup)
    try:
        html = write_report(open_store(url), tmp_path / "again", copy_pdfs=False).read_text(
            encoding="utf-8")
    finally:
        shutil.move(backup, moved)
    assert "kent-2012-child-h.pdf" not in html and "kent-2009-child-t.pdf" in html


def test_method_notes_show_the_model_card(tmp_path: Path):
    from scrthemes.analysis.report_html import methods_section
    from scrthemes.analysis.source import model_card

    card_path = tmp_path / "theme_classifier.json"  # an invented card, not a trained model
    card_path.write_text(json.dumps({
        "trained_at": "2026-01-01T00:00:00Z", "train_docs": 40,
        "metrics": {"micro_f1": 0.8125, "per_theme": {
            "housing": {"precision": 0.9, "recall": 0.75},
            "risk_adults": {"precision": 0.5, "recall": 0.25}}},
    }), encoding="utf-8")
    html = methods_section(model_card(card_path), [])
    assert "<dd>40</dd>" in html and "micro_f1" in html and "0.812" in html
    assert re.search(r"<th scope=\"row\">risk_adults</th><td class=\"num\">0.500</td>", html)
    assert model_card(tmp_path / "absent.json") is None
    assert "No model card" in methods_section(None, [])


def test_cli_report_and_compare_by_source(tmp_path: Path):
    from scrthemes.flows.cli import app
    from typer.testing import CliRunner

    url, _, manifest = sample_store()
    runner = CliRunner()
    result = runner.invoke(app, ["--db", url, "report", "--out", str(tmp_path / "r"),
                                 "--area", "kent"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "Themes in serious case reviews: Kent" in html
    assert f"{expected_counts(manifest, 'info_sharing', 'Kent')[1]} reviews" in html
    result = runner.invoke(app, ["--db", url, "compare", "--against", "published:cafcass",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["source"] for r in rows} == {"Cafcass 2017 (SCRs with Cafcass involvement)"}
    da = next(r for r in rows if r["theme"] == "domestic_abuse")
    assert (da["k"], da["n"]) == expected_counts(manifest, "domestic_abuse")
    assert da["national"] == "71"
    assert {r["theme"] for r in rows} >= {"toxic trio: at least one", "toxic trio: all three"}


def test_method_notes_read_the_trained_card_layout():
    from scrthemes.analysis.model_quality import quality_html

    def scores(f1):  # invented numbers, in the layout `scrthemes train` writes
        return {"doc_precision": 0.9, "doc_recall": 0.8, "doc_f1": f1, "kappa": 0.7}

    card = {"trained_at": "2026-01-01", "training_data": {"docs": 12, "sentences": 340},
            "metrics": {"dev": {}, "cv5": {
                "rules": {"themes": {"housing": scores(0.5)},
                          "macro": {"all": {**scores(0.5), "doc_f1_95ci": [0.4, 0.6]}}},
                "combined": {"themes": {"housing": scores(0.75)},
                             "macro": {"all": {**scores(0.75), "doc_f1_95ci": [0.7, 0.8]}}}}}}
    html = quality_html(card, {"housing": "Housing problems"})
    assert "measured against 12 reviews coded by hand (340 sentences)" in html
    assert "5-fold cross-validation" in html
    assert re.search(r'<th scope="row">Housing problems</th><td class="num">0.900</td>'
                     r'<td class="num">0.800</td><td class="num">0.750</td>', html)
    assert "0.700-0.800" in html and "0.400-0.600" in html
