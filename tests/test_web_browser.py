"""The report page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

A real uvicorn server on 127.0.0.1 (a free port), a real browser: paste the
example article, see the highlights, hover a flag, switch to the restored
text and the side-by-side view, and check that markup in an article never runs.
`make test` installs chromium with apt-get when it can; where no browser can
be installed these tests skip and say why.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
import uvicorn

import chromium
from e2e_samples import GOLD, GOLD_INDEXED, judge
from unspin.web.app import create_app
from unspin.web.settings import Settings
from web_samples import SPUN, XSS, XSS_ARTICLE, source_index

if not os.access(chromium.CHROMIUM, os.X_OK):
    pytest.skip(f"no browser at {chromium.CHROMIUM}: install Debian's chromium (make test does, as root with apt-get) to run the browser tests", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(detector):
    app = create_app(Settings(workers=2, queue_size=8), index=source_index())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    yield from chromium.launch()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.problems = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))  # type: ignore[attr-defined]
    pg.on("request", lambda r: None if r.url.startswith(base_url) else pg.problems.append(f"off-site request: {r.url}"))  # type: ignore[attr-defined]
    yield pg
    problems = pg.problems  # type: ignore[attr-defined]
    context.close()
    assert problems == [], problems


def _check(page, base_url, text):
    page.goto(base_url + "/")
    page.fill("#text", text)
    page.click("#check")
    page.wait_for_selector("#verdict")


def _marks(page) -> list[dict]:
    """The article's marks as flags: offsets in the pasted text (the page shows it whole, in order)."""
    got = page.evaluate(
        """() => { const out = []; let pos = 0;
        const walk = (node) => { for (const c of node.childNodes) {
            if (c.nodeType === 3) { pos += c.data.length; }
            else if (c.matches && c.matches("mark.flag")) { const t = c.textContent;
                out.push({start: pos, end: pos + t.length, text: t, suggestion: c.dataset.suggestion}); pos += t.length; }
            else { walk(c); } } };
        walk(document.querySelector("#article")); return out; }""")
    for m in got:
        assert SPUN[m["start"]:m["end"]] == m["text"], m
    return got


def test_paste_shows_highlights_and_verdict(page, base_url):
    _check(page, base_url, SPUN)
    assert page.inner_text(".verdict-word") == "SPUN"
    assert page.inner_text("#explanation").strip()
    marks = page.locator("#article mark.flag")
    n = marks.count()
    assert page.locator("#flag-list li[data-flag]").count() == n
    # the marked words are the spinner's swaps: the page's index holds the source of the first two
    # paragraphs (exact originals there), the detector finds the rest; flagging every word fails
    shown = _marks(page)
    j = judge(shown, GOLD)
    assert j.swaps_found >= len(GOLD) // 2 and j.precision >= 0.75, (j, [m["text"] for m in shown])
    indexed = judge(shown, GOLD_INDEXED)
    assert indexed.swaps_found >= len(GOLD_INDEXED) - 2 and indexed.restored >= indexed.on_swaps - 2, indexed
    # colour by confidence: every mark is in one of the three bands
    classes = marks.evaluate_all("ms => ms.map(m => m.className)")
    assert all(any(c in cls for c in ("c-high", "c-mid", "c-low")) for cls in classes)
    # the article text is shown whole, word for word
    assert page.inner_text("#article").split() == SPUN.split()


def test_hover_shows_the_original(page, base_url):
    _check(page, base_url, SPUN)
    first = page.locator("#article mark.flag").first
    suggestion = first.get_attribute("data-suggestion")
    assert suggestion
    first.hover()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert suggestion in tip.inner_text()
    assert page.locator("#flag-list li.hot").count() == 1
    page.mouse.move(0, 0)
    tip.wait_for(state="hidden")


def test_restored_view(page, base_url):
    _check(page, base_url, SPUN)
    assert not page.is_visible("#view-restored")
    page.click("#tab-restored")
    assert page.is_visible("#view-restored") and not page.is_visible("#view-highlighted")
    restored = page.inner_text("#restored")
    assert "hoist taxes" not in restored and "raise taxes" in restored
    assert page.locator("#restored ins.restored").count() >= 5


def test_side_by_side_view(page, base_url):
    _check(page, base_url, SPUN)
    page.click("#tab-sidebyside")
    assert page.is_visible("#sbs-copy") and page.is_visible("#sbs-source")
    assert "The government announced" in page.inner_text("#sbs-source")
    pairs = page.locator("#sbs-copy mark.pair")
    assert pairs.count() >= 5
    pairs.first.hover()
    k = pairs.first.get_attribute("data-pair")
    assert page.locator(f'mark.pair.hot[data-pair="{k}"]').count() == 2  # the copy's phrase and the source's


def test_upload_a_file(page, base_url):
    page.goto(base_url + "/")
    page.set_input_files("#file", files=[{"name": "article.txt", "mimeType": "text/plain", "buffer": SPUN.encode("utf-8")}])
    page.click("#check")
    page.wait_for_selector("#verdict")
    assert page.inner_text(".verdict-word") == "SPUN"
    j = judge(_marks(page), GOLD)
    assert j.swaps_found >= len(GOLD) // 2 and j.precision >= 0.75, j


def test_markup_in_the_article_does_not_run(page, base_url):
    _check(page, base_url, SPUN + "\n" + XSS)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert "<script>window.__xss = 1</script>" in page.inner_text("#article")
    assert page.locator("#article script, #article img").count() == 0
    page.click("#tab-restored")
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_markup_in_an_indexed_source_does_not_run(page, base_url):
    """The index holds a source with markup in its text and title: the copy's page shows both as text."""
    _check(page, base_url, XSS_ARTICLE)
    assert "Museum <script>window.__xss = 1</script>" in page.inner_text("#flag-list .matches")
    page.click("#tab-sidebyside")
    assert "<script>window.__xss = 1</script>" in page.inner_text("#sbs-source")
    assert "Museum <script>" in page.inner_text("#view-sidebyside h2")
    assert page.locator("#view-sidebyside script, #view-sidebyside img, #flag-list script, #flag-list img").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_empty_paste_shows_an_error(page, base_url):
    page.goto(base_url + "/")
    page.click("#check")
    page.wait_for_selector("#error")
    assert "paste an article" in page.inner_text("#error")
    page.problems.clear()  # type: ignore[attr-defined]  # the 422 status itself is logged by the console


def test_api_docs_render_offline(page, base_url):
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock")  # Swagger UI, served from the package, has rendered the spec
    assert page.locator(".opblock").count() >= 6
    assert "V1 Check" in page.inner_text("body")
