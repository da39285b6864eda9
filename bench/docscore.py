"""Document score benchmark: spun or not, how sure, and at what cost; unspin beside a naive score.

Held-out BBC development articles (the test split, never used by the training scripts) are
checked as written and spun under the realistic habits of `devkit.spinner.HABITS` (``spinbot`` at
15 % and 30 % of the content words, ``spinnerchief`` at 8 % of all words, a held-apart variant)
and the older settings (A: uniform whole-word picks, B: frequency-weighted phrase-level picks,
C: fluent near-synonyms used consistently) at 15 % and 30 %. Genuine text: the unspun articles,
State of the Union passages from the test half of the addresses (`devkit.sotu`; half of them also
spun and scored against the genuine ones) and the genuine pages of ../shared/data/realdev (hard
negatives). Real spinners: the realdev spun pages against its genuine pages, by spinner family
(`devkit.realdev`), and the seed page.

unspin's decision is ``spin_score >= 0.5`` (and ``verdict == "spun"``). The naive score is the
density of the naive decoder's flags (`devkit.naive`) per 1,000 words, with its threshold set at
the 95th percentile of that density on ``--calib`` clean articles of the *training* split (so about
5 % of clean news is flagged by construction). For each spun row: F1 against the clean news and
AUC; for genuine text: the share called spun.

    python -m bench.docscore [--docs 40] [--sotu 40]    # writes bench/results/docscore.md
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from devkit import realdev, realspin
from devkit.naive import NaiveDecoder
from devkit.spinner import GENRE_HELP, GENRES, TEST_ORDER_HELP, Spinner, load_bbc, ordered, split_ids
from training.train_docscore import use_models
from unspin.api import check, get_detector
from unspin.model import Document
from unspin.text import TokenKind, tokenize

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SETTINGS = [
    ("spinbot 15%", dict(rate=0.15, habit="spinbot"), "realistic"),
    ("spinbot 30%", dict(rate=0.30, habit="spinbot"), "realistic"),
    ("spinnerchief 8% of words", dict(rate=0.08, habit="spinnerchief"), "realistic"),
    ("held apart: spinbot-frequent 15%", dict(rate=0.15, habit="spinbot-frequent"), "realistic"),
    ("A whole-word 15%", dict(rate=0.15, pick="uniform"), "old"),
    ("A whole-word 30%", dict(rate=0.30, pick="uniform"), "old"),
    ("B phrase-level 15%", dict(rate=0.15, pick="common", phrases=True), "old"),
    ("C close-synonym 15%", dict(rate=0.15, pick="close"), "old"),
    ("C close-synonym 30%", dict(rate=0.30, pick="close"), "old"),
]


#: the detector and the naive decoder of a worker (set by the parent before it forks)
_JOB: list = []


def _score_one(text: str) -> tuple[float, str, float, float]:
    """(spin score, verdict, naive flags per 1,000 words, check CPU seconds) of one document."""
    det, naive = _JOB
    t = time.process_time()
    r = check(Document(text), detector=det)
    cpu = time.process_time() - t
    return r.spin_score, r.verdict, 1000 * len(naive.flags(text)) / max(words_in(text), 1), cpu


def words_in(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.kind is TokenKind.WORD)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--sotu", type=int, default=40)
    ap.add_argument("--calib", type=int, default=40, help="clean training articles that set the naive threshold")
    ap.add_argument("--order", choices=["mixed", "file"], default="mixed", help=TEST_ORDER_HELP)
    ap.add_argument("--genre", choices=GENRES, default=None, help=GENRE_HELP)
    ap.add_argument("--rows", choices=["realistic", "all"], default="all")
    ap.add_argument("--label", default="")
    ap.add_argument("--json", default=str(RESULTS / "docscore.json"), help="where to keep the scores ('' for nowhere)")
    ap.add_argument("--before", default="", help="a --json file of an earlier run, shown beside this one")
    ap.add_argument("--out", default=str(RESULTS / "docscore.md"), help="the table ('' to only print it)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (same scores; CPU time summed over them)")
    ap.add_argument("--model-dir", default="",
                    help="word/restoration models (train_detect --out-dir) and doc_model.json (train_docscore --out-dir)")
    args = ap.parse_args()
    train, test = split_ids(load_bbc())  # the corpus read once: the naive threshold's articles come from train
    test = ordered(test, args.order, args.genre or "")[: args.docs]
    det = use_models(args.model_dir) if args.model_dir else get_detector()
    naive = NaiveDecoder()
    #: per row: lists of (unspin score, verdict, naive density)
    scored: dict[str, list[tuple[float, str, float]]] = {}
    todo: list[tuple[str, str]] = []
    genres: list[str] = []  # each document's BBC topic ("" for the others), for the breakdown by genre

    def run(name: str, doc: Document | str, genre: str = "") -> None:
        todo.append((name, doc.text if isinstance(doc, Document) else doc))
        genres.append(genre)

    calib = sorted(1000 * len(naive.flags(r["text"])) / max(words_in(r["text"]), 1) for r in train[: args.calib])
    naive_at = calib[min(len(calib) - 1, int(0.95 * len(calib)))]
    for r in test:
        run("clean news", r["text"], r.get("category", ""))
    for name, setting, group in SETTINGS:
        if args.rows == "realistic" and group != "realistic":
            continue
        sp = Spinner(seed=17, **setting)
        for r in test:
            run(name, sp.spin(r["text"]).text, r.get("category", ""))
    try:
        from devkit.sotu import sotu_passages

        sotu = sotu_passages(args.sotu, part="test")
        for text in sotu:
            run("State of the Union", text)
        sp = Spinner(seed=17, rate=0.15, habit="spinbot")
        for text in sotu[: args.sotu // 2]:
            run("State of the Union, spinbot 15%", sp.spin(text).text)
    except Exception as exc:  # npm missing or offline
        print(f"State of the Union: skipped ({exc})")
    if realdev.available():
        for p in realdev.load_pages():
            run("realdev genuine pages" if p.label == 0 else f"realdev spun pages, {p.family} spinners", p.text)
    seed = realspin.seed_document()
    if seed is not None:
        run("seed page", seed)
    _JOB[:] = [det, naive]
    t_check = 0.0
    if args.jobs > 1:
        from multiprocessing import get_context

        with get_context("fork").Pool(args.jobs) as pool:
            results = pool.map(_score_one, [text for _, text in todo], chunksize=4)
    else:
        results = [_score_one(text) for _, text in todo]
    by_genre: dict[str, dict[str, list[tuple[float, str, float]]]] = {}  # genre -> row -> results
    for (name, _), genre, (score, verdict, density, cpu) in zip(todo, genres, results):
        scored.setdefault(name, []).append((score, verdict, density))
        if genre:
            by_genre.setdefault(genre, {}).setdefault(name, []).append((score, verdict, density))
        t_check += cpu

    def decide(rows: list[tuple[float, str, float]], which: str) -> list[bool]:
        if which == "score":
            return [s >= 0.5 for s, _, _ in rows]
        if which == "verdict":
            return [v == "spun" for _, v, _ in rows]
        return [d >= naive_at for _, _, d in rows]

    def metrics(pos: list[tuple[float, str, float]], neg: list[tuple[float, str, float]]):
        out = {}
        for key, col in (("unspin", 0), ("naive", 2)):
            m = realdev.doc_metrics([x[col] for x in pos], [x[col] for x in neg], 0.5 if key == "unspin" else naive_at)
            out[key] = m
        vp, vn = decide(pos, "verdict"), decide(neg, "verdict")
        tp, fp = sum(vp), sum(vn)
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / len(vp) if vp else 1.0
        out["verdict_f1"] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return out

    before = json.loads(Path(args.before).read_text()) if args.before else {}
    title = f" ({args.label})" if args.label else ""
    lines = [
        f"# Document score benchmark{title}",
        "",
        f"`python -m bench.docscore --docs {args.docs} --sotu {args.sotu} --rows {args.rows} --order {args.order}"
        + (f" --genre {args.genre}" if args.genre else "") + "`: "
        f"{len(test)} held-out BBC dev articles per row ("
        + (f"round-robin over the topics: {', '.join(f'{g} {n}' for g in GENRES if (n := sum(r.get('category') == g for r in test)))}"
           if args.order == "mixed" else "the first in file order: " + ", ".join(sorted({str(r.get("category")) for r in test})))
        + f"), {len(scored.get('State of the Union', []))} State of the Union passages (test half); "
        f"{platform.machine()}, Python {platform.python_version()}. unspin: spin score ≥ 0.5; naive: naive-decoder flags "
        f"per 1,000 words ≥ {naive_at:.1f} (95th percentile on {len(calib)} clean training articles).",
        "",
        "| spun row (against) | documents | unspin F1 | P | R | AUC | F1 (verdict spun) | naive F1 | naive AUC |"
        + (" unspin F1 before |" if before else ""),
        "|---|---|---|---|---|---|---|---|---|" + ("---|" if before else ""),
    ]
    dump: dict[str, list] = {k: v for k, v in scored.items()}
    genuine = {"clean news", "State of the Union", "realdev genuine pages"}
    for name, rows in scored.items():
        if name in genuine or name == "seed page":
            continue
        against = ("State of the Union" if name.startswith("State") else
                   "realdev genuine pages" if name.startswith("realdev") else "clean news")
        if against not in scored:
            continue
        m = metrics(rows, scored[against])
        u, n = m["unspin"], m["naive"]
        extra = ""
        if before:
            prev = before.get(name)
            pn = before.get(against)
            extra = f" {realdev.doc_metrics([x[0] for x in prev], [x[0] for x in pn]).f1:.3f} |" if prev and pn else " — |"
        lines.append(f"| {name} ({against}) | {len(rows)} | {u.f1:.3f} | {u.precision:.3f} | {u.recall:.3f} | {u.auc:.3f} | "
                     f"{m['verdict_f1']:.3f} | {n.f1:.3f} | {n.auc:.3f} |{extra}")
    # all real spun pages together
    if "realdev genuine pages" in scored:
        allspun = [x for k, v in scored.items() if k.startswith("realdev spun") for x in v]
        m = metrics(allspun, scored["realdev genuine pages"])
        u, n = m["unspin"], m["naive"]
        lines.append(f"| realdev spun pages, all (realdev genuine pages) | {len(allspun)} | {u.f1:.3f} | {u.precision:.3f} | "
                     f"{u.recall:.3f} | {u.auc:.3f} | {m['verdict_f1']:.3f} | {n.f1:.3f} | {n.auc:.3f} |" + (" |" if before else ""))
    lines += ["", "| genuine text | documents | unspin: score ≥ 0.5 | verdict spun | naive: flagged |"
              + (" unspin before |" if before else ""), "|---|---|---|---|---|" + ("---|" if before else "")]
    for name in ("clean news", "State of the Union", "realdev genuine pages"):
        if name not in scored:
            continue
        rows = scored[name]
        extra = ""
        if before:
            prev = before.get(name)
            extra = f" {sum(x[0] >= 0.5 for x in prev) / len(prev):.1%} |" if prev else " — |"
        lines.append(f"| {name} | {len(rows)} | {sum(decide(rows, 'score')) / len(rows):.1%} | "
                     f"{sum(decide(rows, 'verdict')) / len(rows):.1%} | {sum(decide(rows, 'naive')) / len(rows):.1%} |{extra}")
    present = [g for g in GENRES if g in by_genre]
    if present:
        lines += ["", "By genre (the BBC topic of the article; unspin: F1 / AUC of each spun row against the clean news of "
                  "the same topic, and the share of that clean news scored ≥ 0.5). Which topics the models were trained on: "
                  "docs/real-spinners.md, \"Genres\" (every topic since 2026-12-03; before, the word model on business and "
                  "entertainment only).", "",
                  "| row | " + " | ".join(present) + " |", "|---|" + "---|" * len(present)]
        for name in scored:
            if not any(name in by_genre[g] for g in present):
                continue
            cells = []
            for g in present:
                got, neg = by_genre[g].get(name), by_genre[g].get("clean news")
                if not got or not neg:
                    cells.append("—")
                elif name == "clean news":
                    cells.append(f"{sum(x[0] >= 0.5 for x in got) / len(got):.1%} of {len(got)}")
                else:
                    m = realdev.doc_metrics([x[0] for x in got], [x[0] for x in neg])
                    cells.append(f"{m.f1:.3f} / {m.auc:.3f}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if "seed page" in scored:
        s, v, d = scored["seed page"][0]
        lines += ["", f"Seed page (`../shared/seed/spun_article.txt`): spin score {s:.3f}, verdict {v}; naive density "
                      f"{d:.1f} flags per 1,000 words."]
    lines += ["", f"`check` CPU time: {t_check:.0f} s for {sum(len(v) for v in scored.values())} documents.", ""]
    text = "\n".join(lines)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(dump) + "\n")
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
