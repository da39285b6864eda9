"""The spot check: the full check's own word model on the few words the screen is surest of.

The screen (`unspin.screen`) reproduces the full check's word confidences from look-ups, and where it
is wrong it is wrong about the few words that decide a document: the full check's document score reads
the mean of its highest confidences (``top_conf``), and a lightly spun article holds two or three words
the full check is sure of where the screen says 0.5 ("likewise" 0.51 against 0.94), while a clean one
holds a word or two the screen overrates. Given that exact figure, the screen's document model would
pass on a third as many clean documents (docs/screen.md). `spot_confidences` computes it for the words
the screen names, and only for them: each is decoded in its sentence by the full check's decoder with
every other word kept as written (one candidate slot: candidate generation, the trigram pre-scores and
the evidence of one word), its document context measured against all of the document's words as the
full check measures it, and judged by the full check's two-stage word model, whose document features
(the mean and the share of high stage-1 probabilities of the *other* words) are taken from the screen's
own model (`unspin.screen.ScreenModel.own_model`, fitted on those stage-1 probabilities) instead of
decoding every word.

A word costs ~1.5 ms of CPU with the decoder's memos warm (the full check of a 300-word article:
~120-250 ms), so the screen spends it only on the documents it cannot settle on look-ups
(`unspin.screen.SPOT_BAND`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from unspin.model import Document

if TYPE_CHECKING:
    import numpy as np

    from unspin.detect._decode import RawDecision
    from unspin.detect.calibration import TreeEnsemble
    from unspin.detect.decoder import Detector
    from unspin.text import Token

__all__ = ["spot_confidences"]


def spot_confidences(text: str, own: Mapping[int, float], total: float, high: int, scored: int,
                     detector: object | None = None) -> dict[int, float]:
    """The full check's confidence that each word of ``text`` starting at a character offset in ``own``
    was swapped, decoded alone in its sentence (see the module docstring). The full check's word model reads
    the mean and the share over 0.5 of the *other* words' stage-1 probabilities; stand-ins: ``own`` (the
    word's own stage-1 probability, as the screen estimates it), ``total`` and ``high`` (their sum and how
    many are over 0.5 over the document) and ``scored`` (how many words the full check would score: those
    with a candidate original). A word the full check would not
    judge (a name, a function word) or that has no candidate original gets 0.0; a start that is no
    word's is left out."""
    from unspin.api import get_detector
    from unspin.detect import _evidence
    from unspin.detect._decode import RawDecision
    from unspin.detect._slots import SlotBuilder
    from unspin.detect.calibration import LinearModel, _sigmoid
    from unspin.detect.decoder import Detector
    from unspin.detect.prepared import prepare
    from unspin.text import TokenKind

    det = detector if detector is not None else get_detector()
    assert isinstance(det, Detector)
    want = set(own)
    if not want:
        return {}
    prepared = prepare(Document(text=text))
    tokens = prepared.tokens
    topic = _evidence.topic_vector(tokens, det.vectors)
    # every word the full check would judge, as it decides it (`SlotBuilder.build`): the document context
    # (topic, neighbours, repeats) is measured over these
    raw: list[RawDecision] = []
    picked: dict[int, int] = {}  # index into raw -> start
    for sent in prepared.sentences:
        toks = tokens[sent.first_token : sent.last_token]
        words = [t for t in toks if t.kind is not TokenKind.PUNCT]
        chosen = set()
        for k, t in enumerate(words):
            if t.kind is not TokenKind.WORD:
                continue
            # the sentence's first word (`SlotBuilder.build`), unless a name follows ("Hazel Blears said")
            initial = k == 0
            if initial and k + 1 < len(words) and words[k + 1].text[:1].isupper():
                initial = False
            if not SlotBuilder.is_candidate(t, initial):
                continue
            if t.start in want:
                chosen.add(t.start)
                picked[len(raw)] = t.start
            raw.append(RawDecision(t, None, {}, ()))
        if chosen:
            by_start = {r.token.start: r for r in _decode_only(det, toks, chosen, topic, prepared.counts)}
            for k in [k for k, s in picked.items() if s in by_start]:
                raw[k] = by_start[picked[k]]
    out = dict.fromkeys((s for s in picked.values()), 0.0)
    decided = set(_evidence.add_document_context(raw, prepared.counts, det.vectors)) & set(picked)
    if not decided:
        return out
    model = det.token_model
    n = max(scored, 2)
    for k in sorted(decided):
        f = raw[k].features
        p_own = own[picked[k]]
        mean_p1 = max(0.0, total - p_own) / (n - 1)
        share_p1 = max(0, high - (p_own > 0.5)) / (n - 1)
        p1 = _sigmoid(model.stage1.raw(f))
        if model.stage2 is None:
            out[picked[k]] = p1
            continue
        # the other words' mean and share, as `calibration.doc_features` computes them without this one
        f.update(doc_mean_p1=mean_p1, doc_share_p1=share_p1, doc_log_words=math.log10(n + 1),
                 doc_mean_x_margin=mean_p1 * f.get("margin", 0.0))
        stage2 = model.stage2
        z = stage2.raw(f) if isinstance(stage2, LinearModel) else _one_row(stage2)(f)
        out[picked[k]] = _sigmoid(z)
    return out


_ROW_TREES: dict[int, tuple[TreeEnsemble, Callable[[Mapping[str, float]], float]]] = {}


def _one_row(ensemble: TreeEnsemble) -> Callable[[Mapping[str, float]], float]:
    """A `TreeEnsemble` as a function of one feature dict, compiled to nested comparisons once (its
    numpy evaluation costs ~15 ms a call for a single row, a walk over plain lists ~1.5 ms, this ~0.1 ms)."""
    got = _ROW_TREES.get(id(ensemble))
    if got is not None and got[0] is ensemble:
        return got[1]
    names = list(ensemble.features)
    lines = ["def raw(x):", f"    z = {float(ensemble.baseline)!r}"]
    for t in ensemble.trees:
        feat, thr, left, right = t["feature"].tolist(), t["threshold"].tolist(), t["left"].tolist(), t["right"].tolist()
        leaf, value, miss = t["leaf"].tolist(), t["value"].tolist(), t["missing_left"].tolist()

        def emit(node: int, depth: int, feat=feat, thr=thr, left=left, right=right, leaf=leaf, value=value,
                 miss=miss) -> None:
            pad = "    " * depth
            if leaf[node]:
                lines.append(f"{pad}z += {float(value[node])!r}")
                return
            # NaN goes where the tree sends missing values: `not (v > t)` is true for NaN, `v <= t` false
            test = f"not (x[{int(feat[node])}] > {float(thr[node])!r})" if miss[node] else f"x[{int(feat[node])}] <= {float(thr[node])!r}"
            lines.append(f"{pad}if {test}:")
            emit(left[node], depth + 1)
            lines.append(f"{pad}else:")
            emit(right[node], depth + 1)

        emit(0, 1)
    lines.append("    return z")
    scope: dict[str, object] = {}
    exec(compile("\n".join(lines), "<unspin.spot trees>", "exec"), scope)  # our own model's numbers only
    tree_raw = scope["raw"]

    def raw(features: Mapping[str, float]) -> float:
        return tree_raw([features.get(name, 0.0) for name in names])  # type: ignore[operator]

    _ROW_TREES[id(ensemble)] = (ensemble, raw)
    return raw


def _decode_only(det: Detector, tokens: Sequence[Token], chosen: set[int], topic: np.ndarray | None,
                 counts: Mapping[str, int]) -> list[RawDecision]:
    """`SentenceDecoder.decode` of one sentence with only the words starting at ``chosen`` as candidate
    slots (every other word kept as written), sharing the detector's memos."""
    from unspin.detect._decode import SentenceDecoder
    from unspin.detect._slots import SlotBuilder

    class OnlyChosen(SlotBuilder):
        def is_candidate(self, t: Token, sentence_initial: bool) -> bool:  # type: ignore[override]
            return t.start in chosen and SlotBuilder.is_candidate(t, sentence_initial)

    base = det.slot_builder
    builder = OnlyChosen(base.lm, base.gen, base.options)
    builder._usable = base._usable  # the candidate memo of the full check
    dec = det.decoder
    return SentenceDecoder(dec.lm, builder, dec.vectors, dec.options, web=dec.web).decode(tokens, topic, counts)
