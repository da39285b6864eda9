"""Are the library's JSON reports unchanged? A behaviour-preserving refactor must say yes.

Runs the library check on a fixed set of documents and saves (``--save FILE``) or
compares (``--compare FILE``) their JSON reports:

* 30 BBC development articles (``../shared/data/bbc_news_dev.jsonl``, every 36th), each as
  written and spun by `devkit.spinner` (30 % of eligible words, uniform habit, seeded);
* ``../shared/seed/spun_article.txt`` (a real spinner's page) and ``examples/spun_article.txt``;
* the same example with its first line marked as page furniture (``Document.excluded``);
* 10 spun and 5 clean articles checked with a tortured-phrase catalogue built from the spun
  articles' substitutions (exact phrases, ``OR``, ``NOT``, proximity);
* the same 15 checked against an in-memory source index of 8 of the originals, plus the
  search results themselves (`unspin.search.search`);
* a few checks with ``min_confidence``.

The saved file holds every report in full (a JSON object, name -> report), so a difference
is shown as the first differing field. Exit status 0 when identical, 1 otherwise.

    python -m devkit.reports_identical --save /tmp/before.json
    python -m devkit.reports_identical --compare /tmp/before.json
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devkit.spinner import Spinner, load_bbc
from unspin.model import Document, Report

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _check_fn() -> Any:
    from unspin.api import check

    return check


def _catalogue_kw(check: Any) -> str:
    """The keyword ``check`` takes the tortured-phrase catalogue by (renamed once)."""
    params = inspect.signature(check).parameters
    return "catalogue" if "catalogue" in params else "fingerprints"


def _load_catalogue(text: str) -> Any:
    try:
        from unspin.detect.catalogue import PhraseCatalogue

        return PhraseCatalogue.parse(text, name="<reports_identical>")
    except ImportError:
        from unspin.detect.fingerprints import FingerprintList

        return FingerprintList.parse(text, name="<reports_identical>")


def _report_dict(report: Report) -> dict[str, Any]:
    d = report.to_dict()
    # the source matches a report carries with an index are compared through `search` below
    d.pop("sources", None)
    return d


def documents() -> tuple[list[tuple[str, Document]], list[tuple[str, Document, Any]]]:
    """(name, document) pairs to check plain, and the spun BBC ones with their gold."""
    records = load_bbc(SHARED / "data" / "bbc_news_dev.jsonl")[::36][:30]
    spinner = Spinner(rate=0.3, pick="uniform", seed=15)
    plain: list[tuple[str, Document]] = []
    spun: list[tuple[str, Document, Any]] = []
    for r in records:
        plain.append((f"clean/{r['id']}", Document(r["text"], id=r["id"])))
        s = spinner.spin(r["text"])
        doc = Document(s.text, id=f"spun-{r['id']}")
        plain.append((f"spun/{r['id']}", doc))
        spun.append((r["id"], doc, s))
    seed = (SHARED / "seed" / "spun_article.txt").read_text(encoding="utf-8")
    plain.append(("seed", Document(seed, source="seed/spun_article.txt")))
    example = (ROOT / "examples" / "spun_article.txt").read_text(encoding="utf-8")
    plain.append(("example", Document(example, source="examples/spun_article.txt")))
    first = example.index("\n") if "\n" in example else min(40, len(example))
    plain.append(("example-excluded", Document(example, id="ex", excluded=((0, first),))))
    return plain, spun


def catalogue_text(spun: list[tuple[str, Document, Any]]) -> str:
    lines = ["tortured phrase\texpected phrase"]
    for k, (_id, _doc, s) in enumerate(spun[:10]):
        for sub in s.substitutions[: 2 + k % 3]:
            words = sub.spun.split()
            if k % 3 == 1 and len(words) == 1:
                lines.append(f'"{sub.spun}" OR "{sub.spun} fake"\t{sub.original}')
            elif k % 3 == 2:
                lines.append(f'"{sub.spun}" NOT "zzzunseen"\t{sub.original}')
            else:
                lines.append(f"{sub.spun}\t{sub.original}")
    lines.append('"profit rose"~2\tprofits rose')
    lines.append("counterfeit consciousness\tartificial intelligence")
    return "\n".join(lines) + "\n"


def run() -> Iterator[tuple[str, Any]]:
    check = _check_fn()
    plain, spun = documents()
    for name, doc in plain:
        yield f"check/{name}", _report_dict(check(doc))

    subset = [(f"spun/{i}", d) for i, d, _ in spun[:10]] + [
        (name, doc) for name, doc in plain if name.startswith("clean/")
    ][10:15]
    kw = _catalogue_kw(check)
    cat = _load_catalogue(catalogue_text(spun))
    for name, doc in subset:
        yield f"catalogue/{name}", _report_dict(check(doc, **{kw: cat}))

    from unspin.index import SourceIndex
    from unspin.search import search

    originals = {r_id: s.original for r_id, _d, s in spun[:8]}
    index = SourceIndex.open(None)
    with index.insertion_session():
        for r_id, text in originals.items():
            index.add(Document(text, id=r_id, metadata={"title": f"source {r_id}"}))
    for name, doc in subset:
        report = check(doc, index=index)
        found = search(doc, index, top=1)
        matches = [m.to_dict() for m in found.matches]
        sources = getattr(report, "sources", None)
        if sources is not None and [m.to_dict() for m in sources] != matches:
            raise SystemExit(f"{name}: report.sources differ from search(): {sources} vs {found.matches}")
        yield f"index/{name}", _report_dict(report)
        yield f"search/{name}", {"id": found.id, "matches": matches}
    yield "index/catalogue/spun-0", _report_dict(check(spun[0][1], index=index, **{kw: cat}))

    for name, doc in plain[:4] + plain[-3:]:
        yield f"min_confidence/{name}", _report_dict(check(doc, min_confidence=0.5))


def first_difference(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'saved' if k in a else 'new'}"
            if a[k] != b[k]:
                return first_difference(a[k], b[k], f"{path}.{k}")
        if list(a) != list(b):
            return f"{path}: key order {list(a)} vs {list(b)}"
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {json.dumps(a, ensure_ascii=False)[:200]} vs {json.dumps(b, ensure_ascii=False)[:200]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", type=Path, help="write the reports to FILE")
    g.add_argument("--compare", type=Path, help="compare the reports with FILE (saved before)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    # serialised exactly as the JSON output is (ensure_ascii=False), one line per report
    lines = {name: json.dumps(d, ensure_ascii=False) for name, d in run()}
    took = time.perf_counter() - t0
    if args.save:
        args.save.write_text(json.dumps(lines, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"saved {len(lines)} reports to {args.save} ({took:.0f} s)")
        return 0
    saved: dict[str, str] = json.loads(args.compare.read_text(encoding="utf-8"))
    bad = 0
    for name in list(saved) + [n for n in lines if n not in saved]:
        if name not in lines or name not in saved:
            print(f"{name}: only in {'saved' if name in saved else 'new'}")
            bad += 1
        elif saved[name] != lines[name]:
            print(f"{name}: {first_difference(json.loads(saved[name]), json.loads(lines[name]))}")
            bad += 1
    if bad:
        print(f"DIFFERENT: {bad} of {len(saved)} reports differ ({took:.0f} s)")
        return 1
    print(f"identical: {len(lines)} reports byte for byte ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
