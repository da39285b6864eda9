import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from search_samples import ARTICLES, HARBOUR_SWAPS, UNRELATED, spin
from unspin.index import FingerprintOptions, MemoryStorage, SourceIndex, fingerprint, make_storage, skeleton
from unspin.model import Document


def doc(key, text=None):
    title, body = ARTICLES[key]
    return Document(text if text is not None else body, id=key, metadata={"title": title})


@pytest.fixture(params=["memory", "sqlite"])
def index(request, tmp_path):
    config = {"type": "memory"} if request.param == "memory" else {"type": "sqlite", "path": str(tmp_path / "ix.db")}
    ix = SourceIndex(make_storage(config))
    yield ix
    ix.close()


def test_skeleton_survives_spinning():
    text = ARTICLES["harbour"][1]
    copy, _ = spin(text, HARBOUR_SWAPS)
    assert skeleton(copy) == skeleton(text)
    assert "Portmere" in skeleton(text) and "approved" not in skeleton(text)
    assert set(fingerprint(copy).tolist()) == set(fingerprint(text).tolist())


def test_fingerprint_sample_is_a_subset():
    text = " ".join(body for _, body in ARTICLES.values())
    full = set(fingerprint(text, FingerprintOptions(sample=1)).tolist())
    sampled = set(fingerprint(text, FingerprintOptions(sample=4)).tolist())
    assert sampled and sampled < full
    short = ARTICLES["drought"][1][:300]  # too few sampled shingles: all are kept
    assert set(fingerprint(short).tolist()) == set(fingerprint(short, FingerprintOptions(sample=1)).tolist())


def test_add_replace_remove(index):
    with index.insertion_session():
        assert [index.add(doc(k)) for k in ARTICLES] == ["added"] * 3
    assert len(index) == 3
    assert index.add(doc("harbour")) == "unchanged"
    copy, _ = spin(ARTICLES["harbour"][1], HARBOUR_SWAPS)
    assert index.search(copy)[0].id == "harbour"
    # Same id, new text: replaced, and the old text no longer matches it.
    assert index.add(doc("harbour", ARTICLES["drought"][1].replace("Ardley", "Ardley Hills"))) == "replaced"
    assert len(index) == 3
    assert [m.id for m in index.search(copy)] == []
    assert index.get("harbour").title == "Harbour Bridge repairs"
    assert index.remove("drought") and not index.remove("drought")
    assert index.get("drought") is None
    assert index.remove("harbour") and index.remove("orchestra")
    assert len(index) == 0 and index.stats()["postings"] == 0


def test_insertion_session_is_atomic(index):
    with pytest.raises(RuntimeError):
        with index.insertion_session():
            index.add(doc("harbour"))
            raise RuntimeError("boom")
    if isinstance(index.storage, MemoryStorage):
        return  # the memory backend does not roll back
    assert len(index) == 0


def test_unrelated_text_finds_nothing(index):
    for k in ARTICLES:
        index.add(doc(k))
    assert index.search(UNRELATED) == []


def test_storage_factory_errors():
    with pytest.raises(ValueError, match="Unknown storage type"):
        make_storage({"type": "redis"})
    with pytest.raises(ValueError, match="path"):
        make_storage({"type": "sqlite"})


def test_fingerprint_options_are_stored(tmp_path):
    path = tmp_path / "ix.db"
    SourceIndex.open(path).close()
    with SourceIndex.open(path) as ix:
        assert ix.fingerprint_options == FingerprintOptions()
    with pytest.raises(ValueError):
        SourceIndex(make_storage({"type": "sqlite", "path": str(path)}), FingerprintOptions(k=7))


CHILD = """
import sys
from unspin.search import index_add
index_add(sys.argv[1], [(sys.argv[2], "jsonl")], batch_size=25)
"""


def _consistent(path):
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    n = db.execute("SELECT count(*) FROM docs").fetchone()[0]
    sketched = sum(len(np.frombuffer(s, dtype=np.int64)) for (s,) in db.execute("SELECT sketch FROM docs"))
    postings = db.execute("SELECT count(*) FROM postings").fetchone()[0]
    orphans = db.execute("SELECT count(*) FROM postings WHERE doc NOT IN (SELECT rowid FROM docs)").fetchone()[0]
    db.close()
    assert orphans == 0 and postings == sketched
    return n


def test_killed_add_leaves_index_consistent_and_resumable(tmp_path):
    src = tmp_path / "docs.jsonl"
    bodies = [b for _, b in ARTICLES.values()]
    with src.open("w") as f:
        for i in range(6000):
            f.write(json.dumps({"id": f"d{i}", "text": f"Report {i} from Portmere. " + bodies[i % 3]}) + "\n")
    path = str(tmp_path / "ix.db")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, path, str(src)])
    deadline = time.time() + 60
    n = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
        if os.path.exists(path):
            try:
                db = sqlite3.connect(path, timeout=0.1)
                n = db.execute("SELECT count(*) FROM docs").fetchone()[0]
                db.close()
            except sqlite3.OperationalError:
                continue
            if n >= 50:
                break
    assert proc.poll() is None, "the add finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _consistent(path)
    assert 0 < done < 6000 and done % 25 == 0  # whole batches only
    # Rerun: the documents already there are skipped, the rest are added.
    from unspin.search import index_add

    stats = index_add(path, [(str(src), "jsonl")], batch_size=500)
    assert stats.unchanged == done and stats.added == 6000 - done
    assert _consistent(path) == 6000


def test_short_texts_are_found(index):
    src = ("The city council of Portmere approved a plan on Tuesday to repair the old harbour bridge, "
           "which has been closed to lorries since March.")
    index.add(Document(src, id="short"))
    copy = src.replace("approved", "endorsed").replace("repair", "fix").replace("closed", "shut")
    m = index.search(copy)
    assert m and m[0].id == "short"
    assert [(s.copy_text, s.source_text) for s in m[0].substitutions] == [("endorsed", "approved"), ("fix", "repair"), ("shut", "closed")]


def test_check_returns_the_sources_it_found(detector):
    """check(index=...) keeps the verified matches, so callers never search a second time."""
    from unspin.api import check
    from unspin.model import Report
    from unspin.search import search

    ix = SourceIndex.open()
    for key in ARTICLES:
        ix.add(doc(key))
    copy, swaps = spin(ARTICLES["harbour"][1], HARBOUR_SWAPS)
    report = check(Document(copy), detector=detector, index=ix, top_sources=3)
    assert report.sources == search(Document(copy), ix, top=3).matches
    assert report.sources[0].id == "harbour"
    d = json.loads(report.to_json())
    assert d["sources"][0]["id"] == "harbour" and "source_text" not in d["sources"][0]
    assert Report.from_json(report.to_json()).to_json() == report.to_json()
    # searched, nothing found: an empty list; no index: no "sources" key at all
    alone = check(Document(UNRELATED), detector=detector, index=SourceIndex.open())
    assert alone.sources == () and json.loads(alone.to_json())["sources"] == []
    assert "sources" not in json.loads(check(Document(copy), detector=detector).to_json())


def test_maintenance_is_methods_of_the_index(tmp_path):
    from unspin.search import index_remove, index_stats

    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": body}) + "\n" for k, (_t, body) in ARTICLES.items())
                   + '{"id": "bad"}\n')
    seen = []
    with SourceIndex.open(tmp_path / "ix.db") as ix:
        stats = ix.add_inputs([(str(src), "jsonl")], on_result=seen.append)
        assert stats.added == len(ARTICLES) and len(ix) == len(ARTICLES)
        assert any(r.error for r in seen)  # the bad line was reported, not added
        assert ix.add_inputs([(str(src), "jsonl")]).unchanged == len(ARTICLES)  # a rerun resumes
        assert ix.remove_many(["harbour", "nope"]) == 1
    assert index_stats(tmp_path / "ix.db")["documents"] == len(ARTICLES) - 1
    assert index_remove(tmp_path / "ix.db", ["drought"]) == 1
