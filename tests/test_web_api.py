"""The web service in process (FastAPI TestClient): inputs, errors, limits, queue, tokens, escaping."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from unspin.model import Document, Report
from unspin.web import service as web_service
from unspin.web.app import create_app
from unspin.web.inputs import safe_name
from unspin.web.settings import Settings
from unspin.web.views import restored_text
from web_samples import SPUN, XSS, XSS_ARTICLE, source_index

TOKEN = "t" * 24


@pytest.fixture(scope="module")
def client(detector):
    app = create_app(Settings(token=TOKEN, workers=2, queue_size=4), index=source_index())
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def bare(detector):
    """No index, no token: the defaults of `unspin serve`."""
    with TestClient(create_app(Settings(max_body_bytes=4096, workers=1, queue_size=0))) as c:
        yield c


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["writes_enabled"] is True
    assert body["pool"]["capacity"] == 6 and body["pool"]["in_flight"] == 0


def test_check_text_matches_library(client, bare, detector):
    from unspin.api import check

    # with an index, /v1/check is `unspin check --index`: the indexed source's exact words
    r = client.post("/v1/check", json={"text": SPUN, "id": "a1"})
    assert r.status_code == 200
    got = Report.from_dict(r.json())
    want = check(Document(text=SPUN, id="a1"), detector=detector, index=source_index())
    assert got.verdict == want.verdict == "spun"
    assert [(f.start, f.end, f.suggestion, f.kind) for f in got.flags] == [(f.start, f.end, f.suggestion, f.kind) for f in want.flags]
    assert got.document.id == "a1"
    proclaimed = SPUN.index("proclaimed")
    (flag,) = [f for f in got.flags if f.start == proclaimed]
    assert flag.kind == "source" and flag.suggestion == "announced"
    assert [m["id"] for m in r.json()["sources"]] == ["src-1"]  # searched once, inside the check
    # without one, the detector's own guesses
    r = bare.post("/v1/check", content=SPUN[:3000].encode(), headers={"content-type": "text/plain"})
    assert r.status_code == 200
    assert all(f["kind"] != "source" for f in r.json()["flags"])


def test_check_raw_text_and_upload(client):
    r1 = client.post("/v1/check", content=SPUN.encode(), headers={"content-type": "text/plain; charset=utf-8"})
    r2 = client.post("/v1/check", files={"file": ("article.txt", SPUN.encode("utf-8"), "text/plain")})
    assert r1.status_code == r2.status_code == 200
    assert r1.json()["flags"] == r2.json()["flags"]
    assert r2.json()["source"] == "article.txt"


def test_check_html(client):
    paras = "".join(f"<p>{p}</p>" for p in SPUN.split("\n\n"))
    page = f"<!doctype html><html><head><title>Energy plan</title></head><body><nav><a href='/'>Home</a></nav><article>{paras}</article><footer>Copyright</footer></body></html>"
    for r in (client.post("/v1/check", json={"html": page}), client.post("/v1/check", files={"file": ("page.html", page.encode(), "text/html")})):
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["verdict"] == "spun" and body["flags"]
        assert "Copyright" not in body["text"] and "hoist taxes" in body["text"]


def test_upload_name_is_only_a_label(client):
    r = client.post("/v1/check", files={"file": ("../../../etc/passwd", SPUN.encode(), "text/plain")})
    assert r.status_code == 200
    assert r.json()["source"] == "passwd"
    assert safe_name("..\\..\\windows\\win.ini") == "win.ini"
    assert safe_name("..") == "upload" and safe_name("a\x00b\nc") == "abc"


@pytest.mark.parametrize(
    "kwargs,status,fragment",
    [
        ({"json": {"path": "/etc/passwd"}}, 422, "unknown field"),
        ({"json": {"text": "a", "html": "b"}}, 422, "exactly one"),
        ({"json": {"text": 5}}, 422, "text: Input should be a valid string"),
        ({"json": ["text"]}, 422, "object"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
        ({"json": {"text": "   "}}, 422, "no text"),
        ({"content": b"\x00\x01\x02binary" * 50, "headers": {"content-type": "application/octet-stream"}}, 422, "binary"),
        ({"content": b"x", "headers": {"content-type": "image/png"}}, 415, "unsupported"),
        ({"files": {"file": ("empty.txt", b"", "text/plain")}}, 422, ""),
        ({"json": {"html": "<html><body></body></html>"}}, 422, "no main text"),
    ],
)
def test_check_bad_input(client, kwargs, status, fragment):
    r = client.post("/v1/check", **kwargs)
    assert r.status_code == status, r.text
    assert fragment in r.json()["error"]


def test_screen_is_check_screen(client):
    """/v1/screen answers what `unspin check --screen` prints: the screening score, no flags."""
    from unspin.screen import screen_report

    r = client.post("/v1/screen", json={"text": SPUN, "id": "a1"})
    assert r.status_code == 200, r.text
    got = Report.from_dict(r.json())
    want = screen_report(Document(text=SPUN, id="a1"))
    assert got.flags == () and got.document.id == "a1"
    assert (got.spin_score, got.verdict, got.explanation) == (want.spin_score, want.verdict, want.explanation)
    assert got.verdict == "uncertain"  # the spun sample goes on to the full check
    # a clean sentence is screened out, with and without the spot check
    clean = ("The minister said on Tuesday that the plan would go ahead after months of talks with the unions, "
             "and that the first schools would open in the autumn. ") * 3
    for url in ("/v1/screen", "/v1/screen?spot=true"):
        r = client.post(url, content=clean.encode(), headers={"content-type": "text/plain"})
        assert r.status_code == 200 and r.json()["flags"] == [], r.text
        assert r.json()["verdict"] == screen_report(clean, spot=url.endswith("true")).verdict


@pytest.mark.parametrize(
    "kwargs, status, fragment",
    [({"json": {"text": "   "}}, 422, "no text"), ({"content": b"x", "headers": {"content-type": "image/png"}}, 415, "unsupported")],
)
def test_screen_bad_input(client, kwargs, status, fragment):
    r = client.post("/v1/screen", **kwargs)
    assert r.status_code == status, r.text
    assert fragment in r.json()["error"]


def test_non_english_is_refused(client):
    french = "Le gouvernement a annoncé mardi qu'il augmenterait les impôts des grandes entreprises pour financer un nouveau dispositif d'aide aux familles. " * 3
    r = client.post("/v1/check", json={"text": french})
    assert r.status_code == 422 and "language: fr" in r.json()["error"]


def test_body_limit(bare):
    r = bare.post("/v1/check", json={"text": "word " * 2000})
    assert r.status_code == 413 and "4,096-byte limit" in r.json()["error"]

    def chunks():  # no Content-Length: the limit applies while streaming
        for _ in range(10):
            yield b"word " * 200

    r = bare.post("/v1/check", content=chunks(), headers={"content-type": "text/plain"})
    assert r.status_code == 413
    # a body FastAPI parses itself keeps the 413 (not its generic 400)
    r = bare.post("/v1/index/documents", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "4,096-byte limit" in r.json()["error"]


def test_queue_full_answers_503(bare):
    pool = bare.app.state.service.pool
    release = threading.Event()
    busy = pool.submit(release.wait)  # the only worker; queue_size=0, so nothing may wait
    _wait_busy(bare)
    try:
        r = bare.post("/v1/check", json={"text": SPUN})
        assert r.status_code == 503
        assert r.headers["retry-after"] == "1"
        assert bare.get("/healthz").json()["pool"]["rejected"] >= 1
    finally:
        release.set()
        busy.result(timeout=5)
    assert bare.post("/v1/check", json={"text": SPUN}).status_code == 200


def test_timeout_answers_504_and_the_worker_is_reclaimed(detector, monkeypatch):
    def runaway(raw, settings):  # pure Python that would never end by itself
        while True:
            pass

    monkeypatch.setattr(web_service, "build_document", runaway)
    with TestClient(create_app(Settings(timeout_s=0.2, workers=1, queue_size=0))) as c:
        r = c.post("/v1/check", json={"text": SPUN})
        assert r.status_code == 504 and "longer than 0.2 s" in r.json()["error"]
        pool = _wait_idle(c)
        assert pool["timed_out"] == 1 and pool["cancelled"] == 1
        assert c.app.state.service.pool.submit(lambda: 42).result(timeout=5) == 42  # the only worker is back


def _wait_busy(c, seconds=10.0):
    """Until a job handed over by `WorkerPool.submit` has reached the pool."""
    import time

    deadline = time.monotonic() + seconds
    while not c.app.state.service.pool.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)


def _wait_idle(c, seconds=10.0):
    import time

    deadline = time.monotonic() + seconds
    while (pool := c.get("/healthz").json()["pool"])["in_flight"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pool["in_flight"] == 0, pool
    return pool


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # a cancel landing in a gc callback is retried
def test_a_real_check_past_the_limit_is_cancelled(detector):
    import random
    import time

    rng, words = random.Random(7), SPUN.split()
    # 5,000 words in an order no cache has seen: seconds of detector work (the word cap's worth)
    long_text = "\n\n".join(" ".join(rng.sample(words, len(words))) + "." for _ in range(30))
    with TestClient(create_app(Settings(timeout_s=0.5, workers=1, queue_size=0))) as c:
        t = time.monotonic()
        assert c.post("/v1/check", json={"text": long_text}).status_code == 504
        assert _wait_idle(c)["cancelled"] == 1
        assert time.monotonic() - t < 5  # reclaimed, not run to the end
        assert c.app.state.service.pool.submit(lambda: 42).result(timeout=5) == 42


def test_a_blocked_job_keeps_its_slot_until_it_ends(detector, monkeypatch):
    gate = threading.Event()

    def blocked(raw, settings):  # waiting in C (a lock), where no exception can reach it
        gate.wait(5)
        raise AssertionError("not reached in time")

    monkeypatch.setattr(web_service, "build_document", blocked)
    with TestClient(create_app(Settings(timeout_s=0.2, workers=1, queue_size=0))) as c:
        assert c.post("/v1/check", json={"text": SPUN}).status_code == 504
        # still holding its slot: no unbounded backlog
        assert c.post("/v1/check", json={"text": SPUN}).status_code == 503
        gate.set()
        _wait_idle(c)


def test_index_write_protection(client, bare):
    doc = {"documents": [{"id": "src-2", "text": "A second source article about the weather in spring."}]}
    assert bare.post("/v1/index/documents", json=doc).status_code == 403
    assert "disabled" in bare.delete("/v1/index/documents/x").json()["error"]
    r = client.post("/v1/index/documents", json=doc)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.post("/v1/index/documents", json=doc, headers={"authorization": "Bearer wrong-token-wrong-token"}).status_code == 401
    auth = {"authorization": f"Bearer {TOKEN}"}
    r = client.post("/v1/index/documents", json=doc, headers=auth)
    assert r.status_code == 201 and r.json() == {"added": 1, "ids": ["src-2"]}
    assert client.post("/v1/index/documents", json={"documents": [{"id": "x"}]}, headers=auth).status_code == 422
    assert client.delete("/v1/index/documents/src-2", headers=auth).status_code == 204
    assert client.delete("/v1/index/documents/src-2", headers=auth).status_code == 404


def test_short_token_refused():
    with pytest.raises(ValueError, match="at least 16"):
        Settings(token="short")


def test_search(client, bare):
    r = client.post("/v1/search", json={"text": SPUN})
    assert r.status_code == 200
    (m,) = r.json()["matches"]
    assert m["id"] == "src-1" and m["substitutions"]
    r = bare.post("/v1/search", json={"text": SPUN})
    assert r.status_code == 501 and "not available" in r.json()["error"]
    assert client.post("/v1/search?k=0", json={"text": SPUN}).status_code == 422


def test_search_picks_the_right_document_among_decoys(client):
    """The index holds decoys (unrelated news on neighbouring topics): each text finds its own."""
    from e2e_samples import DECOYS

    for doc_id, text in DECOYS.items():
        assert [m["id"] for m in client.post("/v1/search", json={"text": text}).json()["matches"]] == [doc_id]
    (m,) = client.post("/v1/search", json={"text": XSS_ARTICLE}).json()["matches"]
    assert m["id"] == "src-xss" and m["title"] == "Museum " + XSS  # the JSON carries the title as it is


def test_settings_from_env():
    s = Settings.from_env({"UNSPIN_TIMEOUT": "5", "UNSPIN_WORKERS": "3", "UNSPIN_CORS_ORIGINS": "https://a.example, https://b.example"}, queue_size=7)
    assert (s.timeout_s, s.workers, s.queue_size, s.cors_origins) == (5.0, 3, 7, ("https://a.example", "https://b.example"))
    with pytest.raises(ValueError, match="UNSPIN_WORKERS"):
        Settings.from_env({"UNSPIN_WORKERS": "many"})
    assert not s.processes and Settings.from_env({"UNSPIN_PROCESSES": "1"}).processes and not Settings.from_env({"UNSPIN_PROCESSES": "0"}).processes


def test_cors_off_by_default(bare, detector):
    r = bare.options("/v1/check", headers={"origin": "https://evil.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(Settings(cors_origins=("https://ok.example",)))) as c:
        r = c.options("/v1/check", headers={"origin": "https://ok.example", "access-control-request-method": "POST"})
        assert r.headers["access-control-allow-origin"] == "https://ok.example"


def test_report_page_and_json_twin(client):
    page = client.post("/report", data={"text": SPUN})
    twin = client.post("/report.json", data={"text": SPUN})
    assert page.status_code == twin.status_code == 200
    body = twin.json()
    report = Report.from_dict(body["report"])
    assert body["restored_text"] == restored_text(report)
    assert "announced" in body["restored_text"].split(".")[0]
    assert page.text.count('<mark class="flag') == len(report.flags)
    assert report.explanation in page.text
    assert 'id="sbs-copy"' in page.text and body["matches"][0]["id"] == "src-1"
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_report_page_escapes_article(client):
    r = client.post("/report", data={"text": SPUN + "\n" + XSS})
    assert r.status_code == 200
    assert "<script>window.__xss" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in r.text


def test_report_page_error_is_a_page(client):
    r = client.post("/report", data={"text": ""})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert 'id="error"' in r.text


def test_docs_are_offline(client):
    html = client.get("/docs").text
    assert "/docs/assets/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/screen", "/v1/search", "/v1/index/documents", "/v1/index/documents/{doc_id}", "/healthz", "/report.json"} <= set(spec["paths"])
    home = client.get("/").text
    assert "http://" not in home.replace("http://www.w3.org", "") and "https://" not in home


def test_index_path_opens_the_index(detector):
    with TestClient(create_app(Settings(index_path=":memory:", token=TOKEN))) as c:
        assert c.get("/healthz").json()["index"] == "memory"
        auth = {"authorization": f"Bearer {TOKEN}"}
        from web_samples import SOURCE

        assert c.post("/v1/index/documents", json={"documents": [{"id": "s", "text": SOURCE}]}, headers=auth).status_code == 201
        (m,) = c.post("/v1/search", json={"text": SPUN}).json()["matches"]
        assert m["id"] == "s" and any(sub["source_text"] == "announced" for sub in m["substitutions"])
        assert c.delete("/v1/index/documents/s", headers=auth).status_code == 204
        assert c.post("/v1/search", json={"text": SPUN}).json()["matches"] == []


def test_unreadable_index_answers_501_and_checks_go_on(detector, tmp_path):
    bad = tmp_path / "sources.db"
    bad.write_bytes(b"this is not an index, not even SQLite " * 100)
    with TestClient(create_app(Settings(index_path=str(bad)))) as c:
        health = c.get("/healthz").json()
        assert health["index"] is None and "could not be opened" in health["index_error"] and str(bad) in health["index_error"]
        r = c.post("/v1/search", json={"text": SPUN})
        assert r.status_code == 501 and "not available" in r.json()["error"]
        assert c.post("/v1/check", json={"text": SPUN}).status_code == 200
    assert bad.read_bytes().startswith(b"this is not an index")  # left as it was


def test_pasted_page_is_extracted(client):
    paras = "".join(f"<p>{p}</p>" for p in SPUN.split("\n\n"))
    page = f"<!doctype html><html><head><title>Energy plan</title></head><body><nav>Home | World | Sport</nav><article>{paras}</article></body></html>"
    body = client.post("/report.json", data={"text": page}).json()["report"]
    assert body["text"].startswith("The government proclaimed") and "<p>" not in body["text"]


def test_busy_page_says_retry_after(bare):
    release = threading.Event()
    busy = bare.app.state.service.pool.submit(release.wait)
    _wait_busy(bare)
    try:
        r = bare.post("/report", data={"text": SPUN[:500]})
        assert r.status_code == 503 and r.headers["retry-after"] == "1" and "server busy" in r.text
    finally:
        release.set()
        busy.result(timeout=5)


def test_serve_command(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from unspin.cli import app as cli_app

    runner = CliRunner()
    assert "/v1/check" in runner.invoke(cli_app, ["serve", "--help"]).output
    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.delenv("UNSPIN_TOKEN", raising=False)
    r = runner.invoke(cli_app, ["serve", "--port", "9999", "--workers", "3", "--queue-size", "5", "--cors-origin", "https://a.example"])
    assert r.exit_code == 0, r.output
    s = seen["app"].state.settings
    assert (seen["host"], seen["port"], s.workers, s.queue_size, s.cors_origins, s.writes_enabled) == ("127.0.0.1", 9999, 3, 5, ("https://a.example",), False)
    assert s.processes  # unspin serve checks in worker processes ...
    assert runner.invoke(cli_app, ["serve", "--threads"]).exit_code == 0
    assert not seen["app"].state.settings.processes  # ... or, asked to, in threads
    assert (seen["http"].max_connections, seen["http"].header_timeout_s, seen["timeout_keep_alive"]) == (256, 10.0, 5)
    r = runner.invoke(cli_app, ["serve", "--max-connections", "9", "--header-timeout", "2", "--body-timeout", "4"])
    assert r.exit_code == 0, r.output
    assert (seen["http"].max_connections, seen["http"].header_timeout_s, seen["app"].state.settings.body_timeout_s) == (9, 2.0, 4.0)
    token = tmp_path / "token"
    token.write_text("x" * 20 + "\n")
    assert runner.invoke(cli_app, ["serve", "--token-file", str(token)]).exit_code == 0
    assert seen["app"].state.settings.token == "x" * 20
    monkeypatch.setenv("UNSPIN_TOKEN", "short")
    r = runner.invoke(cli_app, ["serve"])
    assert r.exit_code == 2 and "at least 16" in r.output


def test_openapi_is_generated_from_the_request_models(client):
    from unspin.web.inputs import CheckRequest

    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/check"]["post"]["requestBody"]["content"]
    got, want = body["application/json"]["schema"], CheckRequest.model_json_schema()
    assert got["title"] == "CheckRequest" and got["additionalProperties"] is False
    assert {k: v["description"] for k, v in got["properties"].items()} == {k: v["description"] for k, v in want["properties"].items()}
    assert body["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    add = spec["paths"]["/v1/index/documents"]["post"]
    assert add["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/IndexDocumentsRequest"}
    assert set(spec["components"]["schemas"]["IndexDocument"]["required"]) == {"id", "text"}
    assert add["responses"]["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # errors are {"error": ...}, as documented


def test_report_page_shows_the_exact_originals_of_an_indexed_copy(client, monkeypatch):
    from unspin.index import SourceIndex

    searches = []
    real = SourceIndex.search
    monkeypatch.setattr(SourceIndex, "search", lambda self, *a, **kw: searches.append(1) or real(self, *a, **kw))
    body = client.post("/report.json", data={"text": SPUN}).json()
    assert len(searches) == 1  # the check's own search gives the page its sources
    flags = body["report"]["flags"]
    proclaimed = SPUN.index("proclaimed")
    (flag,) = [f for f in flags if f["start"] == proclaimed]
    assert flag["kind"] == "source" and flag["suggestion"] == "announced" and flag["evidence"]["source_id"] == "src-1"
    assert body["restored_text"].startswith("The government announced")
    page = client.post("/report", data={"text": SPUN}).text
    assert 'data-suggestion="announced"' in page and 'id="sbs-source"' in page


@pytest.mark.parametrize(
    "method,path,kwargs,status,fragment",
    [
        ("get", "/no/such/page", {}, 404, "Not Found"),
        ("put", "/v1/check", {"json": {"text": "x"}}, 405, "Method Not Allowed"),
        ("post", "/v1/search?k=99", {"json": {"text": SPUN}}, 422, "k: Input should be less than or equal to 20"),
        ("post", "/v1/index/documents", {"json": {"documents": [{"id": "a", "text": "x", "metadata": {"n": {"deep": 1}}}]}}, 422, "documents[0].metadata.n"),
        ("post", "/v1/index/documents", {"json": {"documents": []}}, 422, "documents: List should have at least 1 item"),
        ("post", "/v1/index/documents", {"content": b"{nope", "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
    ],
)
def test_every_error_is_json(client, method, path, kwargs, status, fragment):
    headers = {"authorization": f"Bearer {TOKEN}", **kwargs.pop("headers", {})}
    r = getattr(client, method)(path, headers=headers, **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    assert fragment in r.json()["error"] and "\n" not in r.json()["error"]


def test_unexpected_error_is_a_json_500_and_the_service_goes_on(detector, monkeypatch):
    def broken(raw, settings):
        raise RuntimeError("a bug, with a secret path /home/x in its message")

    monkeypatch.setattr(web_service, "build_document", broken)
    with TestClient(create_app(Settings(workers=1)), raise_server_exceptions=False) as c:
        r = c.post("/v1/check", json={"text": SPUN})
        assert r.status_code == 500 and r.headers["content-type"] == "application/json"
        assert r.json() == {"error": "internal error (RuntimeError); the server log has the details"}
        monkeypatch.undo()
        assert c.post("/v1/check", json={"text": SPUN[:2000]}).status_code == 200


DEEP = b"[" * 1000 + b"]" * 1000


@pytest.mark.parametrize(
    "path,body",
    [
        ("/v1/check", DEEP),
        ("/v1/check", b'{"text": ' + DEEP + b"}"),
        ("/v1/search", b'{"text": "x", "id": ' + DEEP + b"}"),
        ("/report.json", DEEP),
        ("/v1/index/documents", b'{"documents": ' + DEEP + b"}"),
    ],
)
def test_deep_nesting_is_a_400_json_error(client, path, body):
    r = client.post(path, content=body, headers={"content-type": "application/json", "authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400, r.text
    assert "JSON" in r.json()["error"] or "parsed" in r.json()["error"]


def test_lone_surrogates_are_replaced_with_a_warning(client):
    import json

    body = json.dumps({"text": SPUN[:1500] + " \ud800 end", "id": "s\udfff"}).encode()  # ASCII JSON with \ud800 escapes
    r = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["text"].endswith(" \ufffd end") and d["id"] == "s\ufffd"
    assert any("lone surrogate" in w for w in d["warnings"])
    page = json.dumps({"html": "<html><body><article><p>" + SPUN[:1500] + " \ud800</p></article></body></html>"}).encode()
    r = client.post("/v1/check", content=page, headers={"content-type": "application/json"})
    assert r.status_code == 200 and any("lone surrogate" in w for w in r.json()["warnings"])
    docs = json.dumps({"documents": [{"id": "sur\ud800", "text": "A source with a lone \udc00 surrogate in it, and more words."}]}).encode()
    r = client.post("/v1/index/documents", content=docs, headers={"content-type": "application/json", "authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201, r.text
    assert r.json()["ids"] == ["sur\ufffd"] and "lone surrogate" in r.json()["warnings"][0]
    assert client.delete("/v1/index/documents/sur\ufffd", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 204


# ---------------------------------------------------------------- a real server: connections and slow clients


@pytest.fixture(scope="module")
def live(detector):
    """uvicorn on a free port with `unspin serve`'s options and small limits."""
    import socket
    import time

    import uvicorn

    from unspin.web.server import uvicorn_options

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(workers=1, max_connections=4, header_timeout_s=0.5, body_timeout_s=0.5)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", **uvicorn_options(settings)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
        time.sleep(0.05)
    yield ("127.0.0.1", port)
    server.should_exit = True
    thread.join(timeout=10)


def _read_all(sock, seconds=5.0):
    sock.settimeout(seconds)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return data, False
        if not chunk:
            return data, True  # closed by the server
        data += chunk


def _json_answer(raw):
    import json

    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower(), head
    return int(head.split()[1]), json.loads(body)


def test_a_client_trickling_its_headers_is_disconnected(live):
    import socket
    import time

    with socket.create_connection(live) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        t = time.monotonic()
        for _ in range(3):
            time.sleep(0.2)
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                break
        data, closed = _read_all(s)
        assert closed and data == b"" and time.monotonic() - t < 3
    with socket.create_connection(live) as s:  # an idle connection too
        assert _read_all(s) == (b"", True)


def test_a_slow_body_gets_408(live):
    import socket

    with socket.create_connection(live) as s:
        s.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly a little")
        data, closed = _read_all(s)
    status, body = _json_answer(data)
    assert status == 408 and "not received within 0.5 s" in body["error"] and closed
    with socket.create_connection(live) as s:  # a body FastAPI parses itself
        s.sendall(b"POST /v1/index/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        data, closed = _read_all(s)
    status, body = _json_answer(data)
    assert status == 408 and closed


def test_connections_over_the_limit_get_503(live):
    import socket

    held = [socket.create_connection(live) for _ in range(4)]
    try:
        with socket.create_connection(live) as s:
            data, closed = _read_all(s, 2)
        status, body = _json_answer(data)
        assert status == 503 and "too many open connections" in body["error"] and closed
    finally:
        for h in held:
            h.close()


def test_malformed_http_gets_a_json_400(live):
    import socket
    import time

    time.sleep(0.1)  # the held connections of the test before are gone
    with socket.create_connection(live) as s:
        s.sendall(b"NONSENSE\x00\x01 / HTTP/9\r\n\r\n")
        data, _ = _read_all(s, 2)
    status, body = _json_answer(data)
    assert status == 400 and body["error"].startswith("bad HTTP request")
