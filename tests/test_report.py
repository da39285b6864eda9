"""unspin.report: the HTML report of a scan folder; its bad inputs; the page in headless Chromium.

A small real scan (the detector on, clusters found) of a generated crawl plus
records whose ids, URLs and texts carry markup; an index-mode scan of
project-written articles. The browser tests open the file in Debian's chromium
through Playwright, as the web tests do, and skip (saying why) without one.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import chromium
from scan_samples import article, make_crawl, spin
from search_samples import ARTICLES, HARBOUR_SWAPS
from search_samples import spin as swap
from unspin.report import ReportError, build_report, host_of, load_scan
from unspin.scan import scan

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
XSS_ID = '"><svg onload="window.__xss=3">'


def _hostile(root: Path) -> None:
    """A cluster whose texts and ids carry markup, on a site whose URL does too."""
    rng = random.Random(5)
    base = "\U0001F600 " + article(rng, 12) + " " + XSS  # an astral character first: offsets differ in JavaScript
    docs = [{"id": XSS_ID, "text": base, "url": 'https://evil.example/"><script>window.__xss=4</script>'}]
    for j, rate in enumerate((0.2, 0.4)):
        docs.append({"id": f"farm-copy-{j}</td><b>", "text": spin(base, rate, rng), "url": f"https://www.farm.example/p/{j}"})
    docs.append({"id": "content.example/one", "text": article(rng)})
    (root / "hostile.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, detector):
    root = tmp_path_factory.mktemp("report")
    paths, planted = make_crawl(root / "in", sources=6, unrelated=10)
    _hostile(root / "in")
    summary = scan([str(root / "in")], root / "scan", workers=0)
    return root / "scan", summary


@pytest.fixture(scope="module")
def page_html(scanned, tmp_path_factory):
    out, _ = scanned
    html = build_report(out)
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(html, encoding="utf-8")
    return html, path


def test_reads_the_layout_the_scan_writes():
    from unspin.report.data import READS_LAYOUT
    from unspin.scan.manifest import LAYOUT_VERSION

    assert READS_LAYOUT == LAYOUT_VERSION, "the scan's layout changed: teach unspin.report.data to read it"


def test_host_of():
    assert host_of("https://www.Example.com:8080/a?b", "x") == "example.com"
    assert host_of(None, "news.example.org/2024/story") == "news.example.org"
    assert host_of(None, "http://www.bbc.co.uk/news") == "bbc.co.uk"
    assert host_of("not a url", "copy-1-0") == "(no host)"
    assert host_of("http://[bad", "site.example/x") == "site.example"


def test_report_counts_agree_with_the_scan(scanned, page_html):
    out, s = scanned
    html, _ = page_html
    cards = dict(re.findall(r'data-card="([^"]+)"><b>([^<]+)</b>', html))
    assert int(cards["documents"].replace(",", "")) == s.documents
    assert int(cards["spun"]) == s.spun and int(cards["uncertain"]) == s.uncertain and int(cards["clean"]) == s.clean
    assert int(cards["errors"]) == s.errors and int(cards["clusters"]) == s.clusters
    # every cluster of the scan is shown, with its copies aligned
    assert html.count('<article class="group" id="cluster-') == s.clusters
    assert html.count("<details data-align=") == s.clustered_documents - s.clusters == len(_data(html)["a"])
    # the sites: hosts from URLs (www. dropped) and from ids
    data = load_scan(out)
    assert {"evil.example", "farm.example", "content.example"} <= set(data.hosts)
    assert ">farm.example<" in html


def _data(html: str) -> dict:
    """The JSON data block of the side-by-side views."""
    block = html.split('<script type="application/json" id="unspin-texts">')[1].split("</script>")[0]
    return json.loads(block)


def test_everything_from_the_input_is_escaped(page_html):
    html, _ = page_html
    assert XSS not in html and "window.__xss=4</script>" not in html and XSS_ID not in html
    assert "&lt;/td&gt;&lt;b&gt;" in html  # an id, as text
    assert html.count("<script") == 2 and html.count("</script>") == 2  # the data block and the page's script
    # texts sit in the data block with markup characters escaped, and come back whole
    assert "\\u003cscript\\u003ewindow.__xss = 1\\u003c/script\\u003e" in html
    assert any(XSS in t for t in _data(html)["t"])
    # self-contained: nothing is fetched
    assert not re.search(r'\b(src|href)="(https?:)?//', html) and "<link" not in html and "@import" not in html


def test_swaps_come_from_the_alignments(scanned, page_html):
    out, _ = scanned
    html, _ = page_html
    table = html.split('id="swaps-table"')[1].split("</table>")[0]
    rows = re.findall(r'<tr><td class="text" data-v="([^"]*)">[^<]*</td><td class="text" data-v="([^"]*)">[^<]*</td><td class="num" data-v="(\d+)"', table)
    assert rows and all(a != b for a, b, _ in rows)
    counts = [int(c) for _, _, c in rows]
    assert counts == sorted(counts, reverse=True)


def _copy_scan(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_bad_folders_are_one_line_errors(scanned, tmp_path):
    out, _ = scanned
    with pytest.raises(ReportError, match="does not exist"):
        build_report(tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ReportError, match="not a folder"):
        build_report(tmp_path / "file.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReportError, match=r"not an unspin scan folder \(no manifest.json\)"):
        build_report(tmp_path / "empty")
    old = _copy_scan(out, tmp_path / "old")
    m = json.loads((old / "manifest.json").read_text())
    (old / "manifest.json").write_text(json.dumps(m | {"layout": 0}))
    with pytest.raises(ReportError, match="layout 0, written by another unspin version"):
        build_report(old)
    (old / "manifest.json").write_text(json.dumps(m | {"complete": False}))
    with pytest.raises(ReportError, match="unfinished scan"):
        build_report(old)
    (old / "manifest.json").write_text("{not json")
    with pytest.raises(ReportError, match="not valid JSON"):
        build_report(old)
    (old / "manifest.json").write_text(json.dumps(m))
    part = next((old / "documents").glob("part-*.parquet"))
    t = pq.read_table(part).drop_columns(["spin_score"])
    pq.write_table(t, part)
    with pytest.raises(ReportError, match="lacks the columns spin_score"):
        build_report(old)
    part.unlink()
    with pytest.raises(ReportError, match="holds 0 of the scan's 1 partition files"):
        build_report(old)
    for e in (ReportError,):
        assert "\n" not in str(e("x"))


def test_missing_optional_files_are_named_in_the_report(scanned, tmp_path):
    out, s = scanned
    cp = _copy_scan(out, tmp_path / "partial")
    for name in ("clusters.parquet", "summary.json", "errors.jsonl"):
        (cp / name).unlink()
    html = build_report(cp)
    notes = html.split('id="notes"')[1].split("</section>")[0]
    assert "clusters.parquet is missing" in notes and "summary.json is missing" in notes and "errors.jsonl is missing" in notes
    assert '<article class="group"' not in html
    cards = dict(re.findall(r'data-card="([^"]+)"><b>([^<]+)</b>', html))
    assert int(cards["spun"]) == s.spun


def test_a_scan_without_the_detector(tmp_path):
    paths, _ = make_crawl(tmp_path / "in", sources=3, unrelated=2)
    scan(paths, tmp_path / "scan", workers=0, detect=False)
    html = build_report(tmp_path / "scan")
    assert "did not run the detector" in html and "No spin scores in this scan." in html
    assert '<article class="group" id="cluster-' in html  # the clusters are there all the same


def test_a_scan_of_nothing_but_errors(tmp_path):
    (tmp_path / "bad.jsonl").write_text("not json\n{\"id\": \"<b>x</b>\"}\n", encoding="utf-8")
    scan([str(tmp_path / "bad.jsonl")], tmp_path / "scan", workers=0)
    html = build_report(tmp_path / "scan")
    assert "No spin scores in this scan." in html and "No cluster of copies found." in html
    assert html.count("<li><code>") == 2 and "not JSON" in html


@pytest.fixture(scope="module")
def index_scan(tmp_path_factory, detector):
    from unspin.search import index_add

    root = tmp_path_factory.mktemp("ixscan")
    src = root / "sources.jsonl"
    src.write_text("".join(json.dumps({"id": k, "title": t, "text": text}) + "\n" for k, (t, text) in ARTICLES.items()), encoding="utf-8")
    index_add(root / "ix.db", [str(src)])
    copy = swap(ARTICLES["harbour"][1], HARBOUR_SWAPS)[0]
    (root / "crawl.jsonl").write_text(json.dumps({"id": "farm-1", "url": "https://farm.example/harbour", "text": copy}) + "\n"
                                      + json.dumps({"id": "farm-2", "url": "https://farm.example/orchestra", "text": ARTICLES["orchestra"][1]}) + "\n",
                                      encoding="utf-8")
    scan([str(root / "crawl.jsonl")], root / "scan", index=root / "ix.db", workers=0)
    return root


def test_index_scan_shows_sources_with_and_without_the_index(index_scan):
    root = index_scan
    # the scan's manifest names its index: the report finds it there
    auto = _data(build_report(root / "scan"))
    assert all(a["s"] is not None for a in auto["a"])
    (root / "ix.db").rename(root / "moved.db")
    try:
        plain = build_report(root / "scan")
    finally:
        (root / "moved.db").rename(root / "ix.db")
    assert "the index the scan searched" in plain and "is gone" in plain
    assert "did not look for clusters" in plain and 'id="sources"' in plain
    al = {a["l"]: a for a in _data(plain)["a"]}
    assert set(al) == {"Copy: farm-1", "Copy: farm-2"}  # the swapped copy, and the verbatim one
    assert al["Copy: farm-1"]["s"] is None  # the copy, with the original words it replaced, but no source text
    assert "approved" in [m[4] for m in al["Copy: farm-1"]["m"]] and al["Copy: farm-2"]["m"] == []
    full = build_report(root / "scan", index=root / "ix.db")
    data = _data(full)
    a = next(a for a in data["a"] if a["l"] == "Copy: farm-1")
    src = data["t"][a["s"]]
    assert src == ARTICLES["harbour"][1] and a["r"] == "Source: harbour"
    assert ("approved", "endorsed") in [(src[m[2]:m[3]], data["t"][a["c"]][m[0]:m[1]]) for m in a["m"]]
    swaps = full.split('id="swaps-table"')[1]
    assert 'data-v="approved"' in swaps and 'data-v="endorsed"' in swaps
    with pytest.raises(ReportError, match="no index at"):
        build_report(root / "scan", index=root / "missing.db")


# --------------------------------------------------------------------------- in a browser

@pytest.fixture(scope="module")
def browser():
    yield from chromium.launch()


@pytest.fixture
def page(browser, page_html):
    _, path = page_html
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("request", lambda r: None if r.url.startswith("file://") else problems.append(f"off-file request: {r.url}"))
    pg.goto(path.as_uri())
    yield pg
    context.close()
    assert problems == [], problems


def test_charts_are_drawn(page):
    bars = page.locator("#hist rect.bar")
    assert bars.count() >= 2  # score bins with documents (2 with the document model of issue 13)
    assert all(page.locator("#hist rect.bar").nth(i).bounding_box()["height"] > 0 for i in range(bars.count()))
    assert page.locator("#density rect.cell").count() >= 3
    # the stacked bars add up to the documents scored
    total = sum(int(t.split()[0].replace(",", "")) for t in page.locator("#hist rect.bar title").all_text_contents())
    assert total == int(page.locator('[data-card="spun"] b').inner_text()) + int(page.locator('[data-card="uncertain"] b').inner_text()) + int(page.locator('[data-card="clean"] b').inner_text())


def test_hostile_text_is_shown_literally(page):
    assert page.evaluate("typeof window.__xss") == "undefined"
    group = page.locator("article.group", has_text=XSS_ID)
    assert group.count() == 1
    summary = group.locator("details summary").first
    summary.click()
    sbs = group.locator("details[open] .sbs")
    assert sbs.is_visible()
    assert XSS in sbs.locator(".col").nth(1).inner_text()  # the original's text, markup and all, as text
    # marks fall on whole words on both sides although the text starts with an astral character
    for side in (0, 1):
        words = sbs.locator(".col").nth(side).locator("mark.sub").all_inner_texts()
        assert words and all(re.fullmatch(r"[a-z]+", w) for w in words), words
    assert page.locator("main script, main img, main svg[onload]").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert "farm-copy-0</td><b>" in page.inner_text("#documents-table")


def test_one_click_shows_the_alignment(page):
    from playwright.sync_api import expect  # installed wherever the page fixture could start a browser

    details = page.locator("#clusters details").first
    assert not details.locator(".sbs").is_visible()
    details.locator("summary").click()
    marks = details.locator(".sbs .col").first.locator("mark.sub")
    expect(marks.first).to_be_visible()  # auto-waiting: a loaded machine may draw the alignment late
    n = marks.count()
    assert n >= 3 and n == int(details.locator(".nsubs").inner_text().split()[0])
    marks.first.hover()
    k = marks.first.get_attribute("data-pair")
    expect(details.locator(f'mark.sub.hot[data-pair="{k}"]')).to_have_count(2)  # the copy's word and the original's


def test_tables_page_and_sort(page):
    table = page.locator("#documents-table")
    rows = table.locator("tbody tr")
    visible = lambda: rows.evaluate_all("rs => rs.filter(r => !r.hidden).length")  # noqa: E731
    assert rows.count() > 25 and visible() == 25
    pager = page.locator("#documents-table + .pager")
    pager.locator("button", has_text="next").click()
    assert visible() == rows.count() - 25
    table.locator("th", has_text="words").click()  # ascending
    words = [int(w.replace(",", "")) for w in table.locator("tbody tr:not([hidden]) td:nth-child(4)").all_inner_texts()]
    assert words == sorted(words) and len(words) == 25


def test_layout_screenshot(page, tmp_path):
    # one screen: title, summary cards in one row, both charts side by side, nothing wider than the window
    cards = page.locator(".card")
    tops = {round(cards.nth(i).bounding_box()["y"]) for i in range(cards.count())}
    assert len(tops) == 1
    h, d = page.locator("#hist").bounding_box(), page.locator("#density").bounding_box()
    assert abs(h["y"] - d["y"]) < 2 and d["x"] > h["x"] + h["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    dest = os.environ.get("UNSPIN_SCREENSHOTS")
    if dest:  # keep it to look at: UNSPIN_SCREENSHOTS=/tmp/shots pytest tests/test_report.py
        Path(dest).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(dest) / "report.png")
    img = shot.read_bytes()
    assert img[:8] == b"\x89PNG\r\n\x1a\n" and len(img) > 50_000


def test_cli_report(scanned, tmp_path):
    from typer.testing import CliRunner

    from unspin.cli import app

    out, _ = scanned
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(out), "--out", str(tmp_path / "r.html"), "--clusters", "2"])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count('<article class="group"') == 2
    res = runner.invoke(app, ["report", str(tmp_path), "--out", str(tmp_path / "r2.html")])
    assert res.exit_code == 1 and "not an unspin scan folder" in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "r2.html").exists()


# --------------------------------------------------------------------------- unspin serve --scan

def _app(scan_dir):
    from unspin.web.app import create_app
    from unspin.web.settings import Settings

    return create_app(Settings(workers=1, queue_size=2, scan_dir=None if scan_dir is None else str(scan_dir)))


def test_served_at_scan_with_its_own_csp(scanned, tmp_path):
    from fastapi.testclient import TestClient

    from unspin.report.assets import CSP

    out, s = scanned
    with TestClient(_app(out)) as client:
        r = client.get("/scan")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert r.headers["content-security-policy"] == CSP and "'unsafe-inline'" not in CSP
        assert r.text.count('<article class="group" id="cluster-') == s.clusters
        assert client.get("/").headers["content-security-policy"] != CSP  # other pages keep the service's policy
    with TestClient(_app(None)) as client:
        r = client.get("/scan")
        assert r.status_code == 404 and "unspin serve --scan" in r.json()["error"]
    (tmp_path / "manifest.json").write_text(json.dumps({"layout": 1, "complete": False, "partitions": {}, "partitions_total": 3}))
    with TestClient(_app(tmp_path)) as client:
        r = client.get("/scan")
        assert r.status_code == 409 and "unfinished scan" in r.json()["error"]


def test_cli_serve_refuses_a_folder_that_is_not_a_scan(tmp_path):
    from typer.testing import CliRunner

    from unspin.cli import app

    res = CliRunner().invoke(app, ["serve", "--scan", str(tmp_path)])
    assert res.exit_code == 2 and "not an unspin scan folder" in res.output


def test_served_page_runs_under_its_csp(browser, scanned):
    import socket
    import threading
    import time

    import uvicorn

    out, _ = scanned
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_app(out), host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
            time.sleep(0.05)
        context = browser.new_context()
        pg = context.new_page()
        problems: list[str] = []
        pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        pg.goto(f"http://127.0.0.1:{port}/scan")
        assert page_ok(pg)
        context.close()
        assert problems == [], problems  # a CSP violation (style or script blocked) is a console error
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def page_ok(pg) -> bool:
    """The script ran (tables paged, a side-by-side view drawn) and the style applied."""
    details = pg.locator("#clusters details").first
    details.locator("summary").click()
    try:  # the view is drawn by the page's script after the click: wait for it, not a fixed moment
        details.locator(".sbs mark.sub").first.wait_for(state="attached", timeout=15_000)
    except Exception:  # playwright's TimeoutError: judged below
        pass
    drawn = details.locator(".sbs mark.sub").count() > 0
    paged = pg.locator("#documents-table + .pager").count() == 1
    styled = pg.evaluate("getComputedStyle(document.querySelector('.card')).borderTopWidth") == "4px"
    return drawn and paged and styled


def test_copy_without_its_source_in_a_browser(browser, index_scan, tmp_path):
    root = index_scan
    (root / "ix.db").rename(root / "moved.db")
    try:
        html = build_report(root / "scan")
    finally:
        (root / "moved.db").rename(root / "ix.db")
    path = tmp_path / "r.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context()
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    from playwright.sync_api import expect  # installed wherever the browser fixture could start one

    pg.goto(path.as_uri())
    item = pg.locator("#sources li.copy", has_text="farm-1")
    item.locator("summary").click()
    box = item.locator(".sbs")
    # auto-waiting: a loaded machine may draw the side-by-side late (this failed once under load)
    expect(box.locator(".col")).to_have_count(1)
    expect(box).to_contain_text("give the index (--index)")
    expect(box.locator("mark.sub").first).to_be_attached()
    titles = box.locator("mark.sub").evaluate_all("ms => ms.map(m => m.title)")
    assert "original: approved" in titles and len(titles) >= len(HARBOUR_SWAPS) - 2
    context.close()
    assert problems == [], problems
